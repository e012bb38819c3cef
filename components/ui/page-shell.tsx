import Link from "next/link";

/**
 * A page's main column: an optional link back, the title with a line under it, actions beside the
 * title (a Connect button), then the page's sections. The one place the page width and spacing live.
 */
export function PageShell({
  title,
  description,
  back,
  actions,
  children,
}: {
  title: React.ReactNode;
  description?: React.ReactNode;
  back?: { href: string; label: string };
  actions?: React.ReactNode;
  children?: React.ReactNode;
}) {
  return (
    <main className="mx-auto max-w-5xl px-4 py-10">
      {back ? (
        <p className="mb-2 text-sm">
          <Link href={back.href} className="text-brand-700 underline">
            {back.label}
          </Link>
        </p>
      ) : null}
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-brand-900 text-3xl font-bold">{title}</h1>
          {description ? <p className="mt-2 max-w-3xl text-slate-700">{description}</p> : null}
        </div>
        {actions}
      </div>
      {children}
    </main>
  );
}

/** The loading state of a page built with PageShell: the title's bar, then the sections' outlines. */
export function PageShellSkeleton({ label, blocks }: { label: string; blocks: string[] }) {
  return (
    <main className="mx-auto max-w-5xl px-4 py-10" aria-busy="true" aria-label={label}>
      <div className="h-9 w-64 animate-pulse rounded bg-slate-200" />
      {blocks.map((height, i) => (
        <div key={i} className={`mt-6 ${height} animate-pulse rounded-lg border border-slate-200 bg-white`} />
      ))}
    </main>
  );
}
