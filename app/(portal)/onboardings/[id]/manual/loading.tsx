export default function Loading() {
  return (
    <main className="mx-auto max-w-5xl px-4 py-10" aria-busy="true" aria-label="Loading the instructions">
      <div className="h-4 w-40 animate-pulse rounded bg-slate-200" />
      <div className="mt-4 h-9 w-72 animate-pulse rounded bg-slate-200" />
      <div className="mt-6 h-56 animate-pulse rounded-lg border border-slate-200 bg-white" />
      <ol className="mt-8 space-y-6">
        {[1, 2, 3, 4, 5].map((n) => (
          <li key={n} className="h-64 animate-pulse rounded-lg border border-slate-200 bg-white" />
        ))}
      </ol>
    </main>
  );
}
