"use client";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="mx-auto max-w-2xl px-4 py-16">
      <h1 className="text-brand-900 text-2xl font-bold">This page could not be shown</h1>
      <p className="mt-3 text-slate-700">Nothing was changed. Try again in a moment.</p>
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
