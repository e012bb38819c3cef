import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { PageShell } from "@/components/ui/page-shell";
import { SectionCard } from "@/components/ui/section-card";
import { CreateWebhookForm } from "@/components/webhooks/create-webhook-form";
import { EndpointList } from "@/components/webhooks/endpoint-list";
import { RefreshWhilePending } from "@/components/webhooks/refresh-while-pending";
import { requireUser } from "@/lib/auth";
import { listWebhookEndpoints, mayManageWebhooks } from "@/lib/data/webhooks";
import { eventLabels } from "@/lib/integrations/events";
import { subscribableEventTypes } from "@/lib/validations/webhooks";

export const metadata: Metadata = { title: "Webhooks" };

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
      <RefreshWhilePending active={pendingSoon} />
      <PageShell
        title="Webhooks"
        description={
          <>
            MCA Connect tells the cost platform when a connection is made, fails, has its secret rotated or
            expiring, or is disconnected: a signed POST to each endpoint below (Standard Webhooks:{" "}
            <code className="text-sm">webhook-id</code>, <code className="text-sm">webhook-timestamp</code>,{" "}
            <code className="text-sm">webhook-signature</code>
            ). The body holds ids and facts, never a secret. Failed deliveries are retried for about a day.
          </>
        }
      >
        <SectionCard title="New endpoint" headingId="new-endpoint-heading" className="mt-6">
          <div className="mt-3">
            <CreateWebhookForm
              eventTypes={subscribableEventTypes.map((type) => ({
                type,
                label: eventLabels[type] ?? type,
              }))}
            />
          </div>
        </SectionCard>
        <section aria-labelledby="endpoints-heading" className="mt-10">
          <h2 id="endpoints-heading" className="text-brand-900 text-xl font-semibold">
            Endpoints
          </h2>
          {endpoints.length === 0 ? (
            <p className="mt-3 text-slate-600">None yet.</p>
          ) : (
            <EndpointList endpoints={endpoints} now={now} />
          )}
        </section>
      </PageShell>
    </>
  );
}
