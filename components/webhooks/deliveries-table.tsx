import { Cell, DataTable } from "@/components/ui/data-table";
import { RowActionForm } from "@/components/ui/row-action-form";
import { redeliverWebhookAction } from "@/lib/actions/webhooks";
import type { WebhookEndpointListItem } from "@/lib/data/webhooks";
import { utcDateTime } from "@/lib/format";
import { eventLabels } from "@/lib/integrations/events";

const statusStyles: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

const statusLabels: Record<string, string> = { pending: "Pending", succeeded: "Succeeded", failed: "Failed" };

const columns = [
  { label: "Event" },
  { label: "Status" },
  { label: "Attempts" },
  { label: "Last answer" },
  { label: "Next attempt" },
  { label: "Actions", hidden: true },
];

/** An endpoint's recent deliveries: each event, how its attempts went, and a redeliver button. */
export function DeliveriesTable({ endpoint }: { endpoint: WebhookEndpointListItem }) {
  if (endpoint.deliveries.length === 0)
    return <p className="mt-3 text-sm text-slate-600">No deliveries yet.</p>;
  return (
    <DataTable columns={columns} caption={`Deliveries to ${endpoint.url}`} plain className="mt-3">
      {endpoint.deliveries.map((delivery) => {
        const label = eventLabels[delivery.eventType] ?? delivery.eventType;
        return (
          <tr key={delivery.id}>
            <Cell plain>
              <span className="font-medium text-slate-900">{label}</span>
              <span className="block font-mono text-xs text-slate-600">{delivery.eventId}</span>
              <span className="block text-xs text-slate-600">
                {utcDateTime(delivery.createdAt, { seconds: true })}
              </span>
            </Cell>
            <Cell plain>
              <span
                className={`rounded-full px-2 py-0.5 text-xs font-semibold ${statusStyles[delivery.status] ?? ""}`}
              >
                {statusLabels[delivery.status] ?? delivery.status}
              </span>
            </Cell>
            <Cell plain>{delivery.attempts}</Cell>
            <Cell plain>
              {delivery.lastStatusCode
                ? `HTTP ${delivery.lastStatusCode}`
                : delivery.attempts
                  ? "no answer"
                  : "—"}
              {delivery.lastDurationMs !== null ? (
                <span className="text-slate-600"> · {delivery.lastDurationMs} ms</span>
              ) : null}
              {delivery.lastError ? (
                <span className="block max-w-xs text-xs break-words text-slate-600">
                  {delivery.lastError}
                </span>
              ) : null}
            </Cell>
            <Cell plain>
              {delivery.status !== "pending"
                ? "—"
                : endpoint.disabledAt
                  ? "not sent: endpoint disabled"
                  : delivery.nextAttemptAt
                    ? utcDateTime(delivery.nextAttemptAt, { seconds: true })
                    : "—"}
            </Cell>
            <Cell plain className="pr-0">
              {endpoint.disabledAt ? null : (
                <RowActionForm
                  action={redeliverWebhookAction}
                  fields={{ deliveryId: delivery.id }}
                  pendingText="Queuing…"
                  label={`Redeliver ${label} ${delivery.eventId}`}
                >
                  Redeliver
                </RowActionForm>
              )}
            </Cell>
          </tr>
        );
      })}
    </DataTable>
  );
}
