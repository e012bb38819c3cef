"use client";

import { ErrorState } from "@/components/layout/error-state";

export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorState {...props} title="The instructions could not be shown">
      Nothing was lost: values you pasted before are saved. Try again in a moment.
    </ErrorState>
  );
}
