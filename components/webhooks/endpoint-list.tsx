import { DeliveriesTable } from "@/components/webhooks/deliveries-table";
import { EndpointActionForm } from "@/components/webhooks/endpoint-action-form";
import type { WebhookEndpointListItem } from "@/lib/data/webhooks";
import { utcDateTime } from "@/lib/format";
import { eventLabels } from "@/lib/integrations/events";

/** The webhook endpoints: what each receives, its state and actions, and its recent deliveries. */
export function EndpointList({ endpoints, now }: { endpoints: WebhookEndpointListItem[]; now: Date }) {
  return (
    <ul className="mt-3 space-y-4">
      {endpoints.map((endpoint) => (
        <li
          key={endpoint.id}
          aria-label={`Endpoint ${endpoint.url}`}
          className="rounded-lg border border-slate-200 bg-white p-4"
        >
          <div className="flex flex-wrap items-start justify-between gap-3">
            <div className="min-w-0">
              <p className="font-mono text-sm font-semibold break-all text-slate-900">{endpoint.url}</p>
              <p className="text-sm text-slate-600">
                {endpoint.description ? `${endpoint.description} · ` : ""}
                {endpoint.allTenants
                  ? "every tenant"
                  : endpoint.tenantIds.length === 1
                    ? `tenant ${endpoint.tenantIds[0]}`
                    : `tenants ${endpoint.tenantIds.join(", ")}`}{" "}
                · {endpoint.eventTypes.map((t) => eventLabels[t] ?? t).join(", ")} · added{" "}
                {utcDateTime(endpoint.createdAt)}
                {endpoint.createdBy ? ` by ${endpoint.createdBy.name ?? endpoint.createdBy.email}` : ""}
                {endpoint.enabledAt && !endpoint.disabledAt
                  ? ` · enabled again ${utcDateTime(endpoint.enabledAt)}`
                  : ""}
                {endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now
                  ? ` · previous secret also signs until ${utcDateTime(endpoint.previousSecretExpiresAt)}`
                  : ""}
              </p>
            </div>
            {endpoint.disabledAt ? (
              <span className="rounded-full bg-slate-100 px-3 py-1 text-sm font-medium text-slate-800">
                Disabled {utcDateTime(endpoint.disabledAt)}
              </span>
            ) : null}
          </div>
          {endpoint.disabledReason ? (
            <p className="mt-2 max-w-3xl text-sm font-medium text-slate-800">{endpoint.disabledReason}</p>
          ) : null}
          {endpoint.disabledAt ? (
            <p className="mt-2 max-w-3xl text-sm text-slate-700">
              Nothing is sent to it while it is disabled. Enabled again, it receives the events that happen
              from then on and the deliveries below that were waiting; events that happened while it was
              disabled are not sent to it.
            </p>
          ) : null}
          <div className="mt-3 flex flex-wrap items-start gap-2">
            {endpoint.disabledAt ? (
              <EndpointActionForm kind="enable" endpointId={endpoint.id} label={`Enable ${endpoint.url}`} />
            ) : (
              <>
                <EndpointActionForm
                  kind="test"
                  endpointId={endpoint.id}
                  label={`Send test event to ${endpoint.url}`}
                />
                <EndpointActionForm
                  kind="rotate"
                  endpointId={endpoint.id}
                  label={`Rotate the signing secret of ${endpoint.url}`}
                />
                <EndpointActionForm
                  kind="disable"
                  endpointId={endpoint.id}
                  label={`Disable ${endpoint.url}`}
                />
              </>
            )}
            <EndpointActionForm kind="delete" endpointId={endpoint.id} label={`Delete ${endpoint.url}`} />
          </div>
          <h3 className="mt-4 text-sm font-semibold text-slate-800">Deliveries</h3>
          <DeliveriesTable endpoint={endpoint} />
        </li>
      ))}
    </ul>
  );
}
