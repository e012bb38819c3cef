"use client";

import { useState } from "react";

/** Copies a value to the clipboard and says so to screen readers too. */
export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={() => {
          navigator.clipboard.writeText(value).then(
            () => setState("copied"),
            () => setState("failed"),
          );
        }}
        className="focus-visible:outline-brand-600 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2"
      >
        {label}
      </button>
      <span aria-live="polite" className="text-sm text-slate-600">
        {state === "copied" ? "Copied" : state === "failed" ? "Select the text and copy it by hand" : ""}
      </span>
    </span>
  );
}
