import { useId } from "react";

import { CopyButton } from "@/components/ui/copy-button";

/** A secret right after it was made (only a hash or ciphertext is kept): shown this once, to copy. */
export function ShownOnce({
  heading,
  value,
  label,
  copyLabel,
}: {
  heading: string;
  value: string;
  /** The text box's accessible name, e.g. "Signing secret". */
  label: string;
  copyLabel: string;
}) {
  const id = useId();
  return (
    <div className="mt-4 space-y-3 rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-950">
      <p className="font-medium">{heading} Copy it now: it is shown only this once.</p>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor={id}>
          {label}
        </label>
        <input
          id={id}
          readOnly
          value={value}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs text-slate-900"
        />
        <CopyButton value={value} label={copyLabel} />
      </div>
    </div>
  );
}
