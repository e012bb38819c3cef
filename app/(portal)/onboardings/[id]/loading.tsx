export default function Loading() {
  return (
    <main className="mx-auto max-w-5xl px-4 py-10" aria-busy="true" aria-label="Loading the checklist">
      <div className="h-9 w-96 animate-pulse rounded bg-slate-200" />
      <ol className="mt-8 space-y-4">
        {[1, 2, 3, 4, 5].map((n) => (
          <li key={n} className="h-36 animate-pulse rounded-lg border border-slate-200 bg-white" />
        ))}
      </ol>
    </main>
  );
}
