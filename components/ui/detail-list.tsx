/** Label and value pairs in two columns (one on a narrow screen): an object's facts on its page. */
export function DetailList({ className = "", children }: { className?: string; children: React.ReactNode }) {
  return (
    <dl
      className={`grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr] ${className}`.trim()}
    >
      {children}
    </dl>
  );
}

/** One pair of a DetailList. */
export function DetailItem({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="break-all text-slate-900">{children}</dd>
    </>
  );
}
