"use client";

import { useEffect } from "react";

/**
 * What every error boundary shows: what happened, that nothing was lost, and a way to try again.
 * It logs the error's digest once, the id that finds the full error in the server's log (Next sends the
 * browser only the digest of a server error, never its message, so nothing secret is logged here).
 */
export function ErrorState({
  error,
  reset,
  title = "This page could not be shown",
  children,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  title?: string;
  /** The one sentence saying what was kept, ending with what to do. */
  children: React.ReactNode;
}) {
  useEffect(() => {
    console.error(
      `${title}. Server log digest: ${error.digest ?? "none (the error happened in the browser)"}`,
    );
  }, [error, title]);
  return (
    <main className="mx-auto max-w-2xl px-4 py-16">
      <h1 className="text-brand-900 text-2xl font-bold">{title}</h1>
      <p className="mt-3 text-slate-700">{children}</p>
      <button
        type="button"
        onClick={reset}
        className="bg-brand-600 mt-6 rounded-md px-4 py-2 font-semibold text-white"
      >
        Try again
      </button>
    </main>
  );
}
