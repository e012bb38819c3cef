/**
 * A white card holding one section of a page, named by its visible heading (`headingId` ties the two
 * for screen readers) or, when it has none, by `label`. Margins come from the page (`className`).
 */
export function SectionCard({
  title,
  headingId,
  label,
  className = "",
  children,
}: {
  children: React.ReactNode;
  className?: string;
} & (
  | { title: React.ReactNode; headingId: string; label?: never }
  | { label: string; title?: never; headingId?: never }
)) {
  const card = `rounded-lg border border-slate-200 bg-white p-5 shadow-sm ${className}`.trim();
  if (label !== undefined)
    return (
      <section aria-label={label} className={card}>
        {children}
      </section>
    );
  return (
    <section aria-labelledby={headingId} className={card}>
      <h2 id={headingId} className="text-brand-900 text-xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
