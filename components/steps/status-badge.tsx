import type { StepDisplayState } from "@/components/steps/step-state";

const looks: Record<StepDisplayState, { label: string; className: string; busy?: boolean; icon?: string }> = {
  not_started: { label: "Not started", className: "bg-slate-100 text-slate-700", icon: "○" },
  queued: { label: "Queued", className: "bg-slate-100 text-slate-700", icon: "…" },
  running: { label: "Running", className: "bg-blue-100 text-blue-800", busy: true },
  waiting: { label: "Waiting for Azure", className: "bg-sky-100 text-sky-800", busy: true },
  done: { label: "Done", className: "bg-emerald-100 text-emerald-800", icon: "✓" },
  needs_attention: { label: "Needs attention", className: "bg-amber-100 text-amber-900", icon: "!" },
  awaiting_owner: { label: "Waiting for the owner", className: "bg-amber-100 text-amber-900", icon: "…" },
  cancelled: { label: "Cancelled", className: "bg-slate-200 text-slate-800", icon: "✕" },
  removed: { label: "Removed from Azure", className: "bg-slate-200 text-slate-800", icon: "✕" },
  disconnected: { label: "Disconnected", className: "bg-red-100 text-red-800", icon: "✕" },
};

export function StatusBadge({ state }: { state: StepDisplayState }) {
  const look = looks[state];
  return (
    <span
      className={`inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-xs font-semibold ${look.className}`}
    >
      {look.busy ? (
        <span
          aria-hidden="true"
          className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-current border-t-transparent"
        />
      ) : (
        <span aria-hidden="true">{look.icon}</span>
      )}
      {look.label}
    </span>
  );
}
