"use client";

import { CopyButton } from "@/components/ui/copy-button";

/** A signing secret, right after it was made: shown this once. */
export function NewSecret({ secret, heading }: { secret: string; heading: string }) {
  return (
    <div className="mt-4 space-y-3 rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-950">
      <p className="font-medium">{heading} Copy it now: it is shown only this once.</p>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="new-webhook-secret">
          Signing secret
        </label>
        <input
          id="new-webhook-secret"
          readOnly
          value={secret}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs text-slate-900"
        />
        <CopyButton value={secret} label="Copy secret" />
      </div>
    </div>
  );
}
