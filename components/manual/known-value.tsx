import { CopyButton } from "@/components/ui/copy-button";

/** One value a person needs in the Azure portal, with a copy button, or where it will come from. */
export function KnownValue({
  label,
  value,
  unknown,
}: {
  label: string;
  value: string | null;
  /** Said instead when the value is not known yet. */
  unknown: string;
}) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2 text-sm sm:grid-cols-[13rem_1fr] sm:gap-3">
      <dt className="text-slate-600">{label}</dt>
      <dd className="flex flex-wrap items-center gap-2">
        {value ? (
          <>
            <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[0.8125rem] break-all text-slate-900">
              {value}
            </code>
            <CopyButton value={value} label={`Copy ${label}`} />
          </>
        ) : (
          <span className="text-slate-600 italic">{unknown}</span>
        )}
      </dd>
    </div>
  );
}
