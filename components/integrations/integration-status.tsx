import { reasonLabels, type LastVerification } from "@/components/integrations/format";

const looks: Record<string, { label: string; className: string; icon: string }> = {
  active: { label: "Active", className: "bg-emerald-100 text-emerald-800", icon: "✓" },
  failing: { label: "Failing", className: "bg-red-100 text-red-800", icon: "!" },
  pending: { label: "Not verified yet", className: "bg-slate-100 text-slate-700", icon: "…" },
  disabled: { label: "Disabled", className: "bg-slate-100 text-slate-700", icon: "○" },
  disconnected: { label: "Disconnected", className: "bg-slate-100 text-slate-700", icon: "○" },
};

/** The integration's status as a badge, with the cause when it fails. */
export function IntegrationStatus({ status, last }: { status: string; last: LastVerification }) {
  const look = looks[status] ?? looks.pending!;
  const reason =
    status === "failing" && last && !last.ok ? (reasonLabels[last.reason ?? "other"] ?? "Other") : null;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <span
        className={`inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-xs font-semibold ${look.className}`}
      >
        <span aria-hidden="true">{look.icon}</span>
        {look.label}
      </span>
      {reason ? <span className="text-sm font-medium text-red-800">{reason}</span> : null}
    </span>
  );
}
