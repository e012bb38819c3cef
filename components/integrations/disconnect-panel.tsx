import { DisconnectDialog } from "@/components/integrations/disconnect-dialog";
import { utcDateTime } from "@/lib/format";
import type { IntegrationOperationView } from "@/lib/view-types";

const removals: { key: string; label: string }[] = [
  { key: "roleRemoved", label: "Billing account reader role assignment removed" },
  { key: "secretsRemoved", label: "Client secrets removed" },
  { key: "servicePrincipalRemoved", label: "Service principal deleted" },
  { key: "applicationRemoved", label: "App registration deleted" },
];

/**
 * Disconnect for one integration: what will be removed, the typed confirmation (a dialog), and the
 * progress of a disconnect under way or stopped. Takes view props only.
 */
export function DisconnectPanel({
  integration,
  headingLevel = 3,
}: {
  integration: IntegrationOperationView;
  /** 2 where the panel stands beside the page's own h2 sections (the integration's page). */
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const op = integration.disconnect;
  const disconnected = integration.status === "disconnected";
  const confirmWith = integration.appDisplayName ?? integration.billingAccountDisplayName;
  return (
    <section
      aria-labelledby={`disconnect-${integration.integrationId}`}
      className="rounded-lg border border-red-200 bg-white p-5"
    >
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Heading
            id={`disconnect-${integration.integrationId}`}
            className={`font-semibold text-red-900 ${headingLevel === 2 ? "text-xl" : "text-lg"}`}
          >
            {disconnected ? "Disconnected" : "Disconnect"}
          </Heading>
          <p className="mt-1 text-sm text-slate-700">
            {disconnected
              ? `Disconnected ${utcDateTime(op?.finishedAt)}. The app, its secrets, its service principal and its billing role are gone from Azure; the cost platform's API reports this integration as disconnected.`
              : "Removes the app's Billing account reader role, its secrets, its service principal and the app itself from Azure. The cost platform stops receiving costs."}
          </p>
        </div>
        {disconnected ? null : (
          <DisconnectDialog
            integrationId={integration.integrationId}
            confirmWith={confirmWith}
            billingAccountName={integration.billingAccountDisplayName}
            resume={Boolean(op && op.status !== "done")}
          />
        )}
      </div>
      {op && !disconnected ? (
        <div className="mt-4 border-t border-slate-200 pt-3">
          <p
            role="status"
            className={`text-sm ${op.status === "needs_attention" ? "text-red-800" : "text-slate-800"}`}
          >
            {op.status === "needs_attention"
              ? `${op.message ?? "Azure refused a removal."} ${op.action ?? ""}`
              : op.status === "awaiting_sign_in"
                ? `Waiting for ${op.actorName ?? "the person who started it"} to sign in again to continue.`
                : (op.message ?? "Disconnecting…")}
          </p>
        </div>
      ) : null}
      {op && (op.status !== "done" || disconnected) ? (
        <ol aria-label="Disconnect progress" className="mt-3 space-y-1 text-sm">
          {removals.map((r) => (
            <li key={r.key} className={op.timeline[r.key] ? "text-slate-900" : "text-slate-600"}>
              <span aria-hidden="true">{op.timeline[r.key] ? "✓ " : "○ "}</span>
              {r.label}: {op.timeline[r.key] ? utcDateTime(op.timeline[r.key], { seconds: true }) : "not yet"}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
