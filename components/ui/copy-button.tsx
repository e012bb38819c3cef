"use client";

import { useEffect, useRef, useState } from "react";

/**
 * Copies `value` to the clipboard. "Copied" is announced through a polite live region; where the
 * clipboard is refused (an insecure origin, a denied permission) the button says to copy by hand.
 */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
    }
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 2500);
  }

  return (
    <span className="relative inline-flex items-center">
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        className="focus-visible:outline-brand-600 inline-flex items-center gap-1 rounded border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2"
      >
        <svg aria-hidden="true" viewBox="0 0 16 16" className="h-3.5 w-3.5" fill="currentColor">
          <path d="M5 2h7a1 1 0 0 1 1 1v8h-1.5V3.5H5zM3 5h7a1 1 0 0 1 1 1v7a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1m.5 1.5v6h6v-6z" />
        </svg>
        {state === "copied" ? "Copied" : "Copy"}
      </button>
      <span aria-live="polite" className={state === "failed" ? "ml-1.5 text-xs text-red-700" : "sr-only"}>
        {state === "copied" ? "Copied" : state === "failed" ? "Select the text and copy it by hand." : ""}
      </span>
    </span>
  );
}
