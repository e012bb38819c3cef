import { CopyButton } from "@/components/ui/copy-button";

/** A shell snippet with a copy button; `label` names it for the button ("Copy the whole script"). */
export function CodeBlock({ code, label }: { code: string; label: string }) {
  return (
    <div className="mt-2 overflow-hidden rounded-md border border-slate-300">
      <div className="flex items-center justify-between gap-3 border-b border-slate-300 bg-slate-100 px-3 py-1.5">
        <span className="text-xs font-medium text-slate-700">bash</span>
        <CopyButton value={code} label={label} />
      </div>
      {/* Focusable, so a long script can be scrolled with the keyboard. */}
      <pre
        tabIndex={0}
        aria-label={`${label.replace(/^Copy /, "")}, bash`}
        className="focus-visible:outline-brand-600 max-h-96 overflow-auto bg-slate-900 p-3 text-xs leading-relaxed text-slate-100 focus-visible:outline-2"
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}
