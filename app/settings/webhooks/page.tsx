import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { SiteHeader } from "@/components/layout/site-header";
import { CreateWebhookForm } from "@/components/webhooks/create-webhook-form";
import { RowActionForm } from "@/components/ui/row-action-form";
import { EndpointActionForm } from "@/components/webhooks/endpoint-action-form";
import { RefreshWhilePending } from "@/components/webhooks/refresh-while-pending";
import { redeliverWebhookAction } from "@/lib/actions/webhooks";
import { requireUser } from "@/lib/auth";
import { listWebhookEndpoints, mayManageWebhooks, type WebhookEndpointListItem } from "@/lib/data/webhooks";
import { utcDateTime } from "@/lib/format";
import { eventLabels } from "@/lib/integrations/events";
import { subscribableEventTypes } from "@/lib/validations/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

const statusStyles: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900",
  succeeded: "bg-emerald-100 text-emerald-900",
  failed: "bg-red-100 text-red-900",
};

const statusLabels: Record<string, string> = { pending: "Pending", succeeded: "Succeeded", failed: "Failed" };

function Deliveries({ endpoint }: { endpoint: WebhookEndpointListItem }) {
  if (endpoint.deliveries.length === 0)
    return <p className="mt-3 text-sm text-slate-600">No deliveries yet.</p>;
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Deliveries to {endpoint.url}</caption>
        <thead className="text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">
              Event
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Status
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Attempts
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Last answer
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Next attempt
            </th>
            <th scope="col" className="py-1 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {endpoint.deliveries.map((delivery) => (
            <tr key={delivery.id}>
              <td className="py-2 pr-3 align-top">
                <span className="font-medium text-slate-900">
                  {eventLabels[delivery.eventType] ?? delivery.eventType}
                </span>
                <span className="block font-mono text-xs text-slate-600">{delivery.eventId}</span>
                <span className="block text-xs text-slate-600">
                  {utcDateTime(delivery.createdAt, { seconds: true })}
                </span>
              </td>
              <td className="py-2 pr-3 align-top">
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-semibold ${statusStyles[delivery.status] ?? ""}`}
                >
                  {statusLabels[delivery.status] ?? delivery.status}
                </span>
              </td>
              <td className="py-2 pr-3 align-top">{delivery.attempts}</td>
              <td className="py-2 pr-3 align-top">
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
              </td>
              <td className="py-2 pr-3 align-top">
                {delivery.status !== "pending"
                  ? "—"
                  : endpoint.disabledAt
                    ? "not sent: endpoint disabled"
                    : delivery.nextAttemptAt
                      ? utcDateTime(delivery.nextAttemptAt, { seconds: true })
                      : "—"}
              </td>
              <td className="py-2 align-top">
                {endpoint.disabledAt ? null : (
                  <RowActionForm
                    action={redeliverWebhookAction}
                    fields={{ deliveryId: delivery.id }}
                    pendingText="Queuing…"
                    label={`Redeliver ${eventLabels[delivery.eventType] ?? delivery.eventType} ${delivery.eventId}`}
                  >
                    Redeliver
                  </RowActionForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function WebhooksPage() {
  const user = await requireUser("/settings/webhooks");
  // The operators' page: to anyone else it does not exist.
  if (!(await mayManageWebhooks(user))) notFound();
  const endpoints = await listWebhookEndpoints(user);
  const now = new Date();
  const soon = now.getTime() + 60_000;
  const pendingSoon = endpoints.some(
    (e) =>
      !e.disabledAt &&
      e.deliveries.some((d) => d.status === "pending" && (d.nextAttemptAt?.getTime() ?? 0) < soon),
  );
  return (
    <>
      <SiteHeader user={user} />
      <RefreshWhilePending active={pendingSoon} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        <h1 className="text-brand-900 text-3xl font-bold">Webhooks</h1>
        <p className="mt-2 max-w-3xl text-slate-700">
          MCA Connect tells the cost platform when a connection is made, fails, has its secret rotated or
          expiring, or is disconnected: a signed POST to each endpoint below (Standard Webhooks:{" "}
          <code className="text-sm">webhook-id</code>, <code className="text-sm">webhook-timestamp</code>,{" "}
          <code className="text-sm">webhook-signature</code>
          ). The body holds ids and facts, never a secret. Failed deliveries are retried for about a day.
        </p>
        <section
          aria-labelledby="new-endpoint-heading"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="new-endpoint-heading" className="text-brand-900 text-xl font-semibold">
            New endpoint
          </h2>
          <div className="mt-3">
            <CreateWebhookForm
              eventTypes={subscribableEventTypes.map((type) => ({
                type,
                label: eventLabels[type] ?? type,
              }))}
            />
          </div>
        </section>
        <section aria-labelledby="endpoints-heading" className="mt-10">
          <h2 id="endpoints-heading" className="text-brand-900 text-xl font-semibold">
            Endpoints
          </h2>
          {endpoints.length === 0 ? (
            <p className="mt-3 text-slate-600">None yet.</p>
          ) : (
            <ul className="mt-3 space-y-4">
              {endpoints.map((endpoint) => (
                <li
                  key={endpoint.id}
                  aria-label={`Endpoint ${endpoint.url}`}
                  className="rounded-lg border border-slate-200 bg-white p-4"
                >
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <p className="font-mono text-sm font-semibold break-all text-slate-900">
                        {endpoint.url}
                      </p>
                      <p className="text-sm text-slate-600">
                        {endpoint.description ? `${endpoint.description} · ` : ""}
                        {endpoint.allTenants
                          ? "every tenant"
                          : endpoint.tenantIds.length === 1
                            ? `tenant ${endpoint.tenantIds[0]}`
                            : `tenants ${endpoint.tenantIds.join(", ")}`}{" "}
                        · {endpoint.eventTypes.map((t) => eventLabels[t] ?? t).join(", ")} · added{" "}
                        {utcDateTime(endpoint.createdAt)}
                        {endpoint.createdBy
                          ? ` by ${endpoint.createdBy.name ?? endpoint.createdBy.email}`
                          : ""}
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
                    <p className="mt-2 max-w-3xl text-sm font-medium text-slate-800">
                      {endpoint.disabledReason}
                    </p>
                  ) : null}
                  {endpoint.disabledAt ? (
                    <p className="mt-2 max-w-3xl text-sm text-slate-700">
                      Nothing is sent to it while it is disabled. Enabled again, it receives the events that
                      happen from then on and the deliveries below that were waiting; events that happened
                      while it was disabled are not sent to it.
                    </p>
                  ) : null}
                  <div className="mt-3 flex flex-wrap items-start gap-2">
                    {endpoint.disabledAt ? (
                      <EndpointActionForm
                        kind="enable"
                        endpointId={endpoint.id}
                        label={`Enable ${endpoint.url}`}
                      />
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
                    <EndpointActionForm
                      kind="delete"
                      endpointId={endpoint.id}
                      label={`Delete ${endpoint.url}`}
                    />
                  </div>
                  <h3 className="mt-4 text-sm font-semibold text-slate-800">Deliveries</h3>
                  <Deliveries endpoint={endpoint} />
                </li>
              ))}
            </ul>
          )}
        </section>
      </main>
    </>
  );
}
