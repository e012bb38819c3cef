"use client";

import { ErrorState } from "@/components/layout/error-state";

export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorState {...props}>
      Nothing was lost: the integrations keep being checked. Try again in a moment.
    </ErrorState>
  );
}
