"use client";

import { ErrorState } from "@/components/layout/error-state";

import "./globals.css";

// Replaces the root layout when that layout itself fails, so it brings its own <html> and <body>.
export default function GlobalError(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <ErrorState {...props} title="MCA Connect could not be shown">
          Nothing that was saved is lost. Try again in a moment.
        </ErrorState>
      </body>
    </html>
  );
}
