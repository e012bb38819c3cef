export default function Loading() {
  return (
    <main className="mx-auto max-w-5xl px-4 py-10" aria-busy="true" aria-label="Loading Vantage settings">
      <div className="h-9 w-64 animate-pulse rounded bg-slate-200" />
      <div className="mt-6 h-48 animate-pulse rounded-lg border border-slate-200 bg-white" />
    </main>
  );
}
