import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { CheckNowForm } from "@/components/integrations/check-now-form";
import { DisconnectPanel } from "@/components/integrations/disconnect-panel";
import { RotateSecretPanel } from "@/components/integrations/rotate-secret-panel";
import { ExpiryBanner } from "@/components/integrations/expiry-banner";
import { reasonLabels, type LastVerification } from "@/components/integrations/format";
import { vantageWord } from "@/components/destinations/delivery-status";
import { IntegrationStatus } from "@/components/integrations/integration-status";
import { SiteHeader } from "@/components/layout/site-header";
import { requireUser } from "@/lib/auth";
import { vantageDeliveriesOfIntegrations } from "@/lib/data/deliveries";
import { eventLabels } from "@/lib/integrations/events";
import { daysLeft } from "@/lib/integrations/expiry";
import { getIntegrationLifecycleView } from "@/lib/data/integration-operations";
import { getIntegrationForOwner, getIntegrationHistory } from "@/lib/data/integration-views";
import { getEnv } from "@/lib/env";
import { money, utcDate, utcDateTime } from "@/lib/format";
import { graceChoices } from "@/lib/integrations/manage";
import { mailConfigured } from "@/lib/mail";
import { isId } from "@/lib/validations/ids";

export const metadata: Metadata = { title: "Integration" };

type EventData = { reason?: string; cause?: string; threshold?: number; daysLeft?: number };

function eventDetail(type: string, data: EventData): string | null {
  if (type === "integration.verification_failing")
    return `${reasonLabels[data.cause ?? "other"] ?? "Other"}: ${data.reason ?? ""}`;
  if (type === "integration.secret_expiring" && data.threshold)
    return `${data.threshold}-day reminder: ${data.daysLeft === 1 ? "1 day" : `${data.daysLeft} days`} left`;
  return null;
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="break-all text-slate-900">{children}</dd>
    </>
  );
}

export default async function IntegrationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/integrations/${id}`);
  if (!isId(id)) notFound();
  const integration = await getIntegrationForOwner(user, id);
  if (!integration) notFound();
  const [{ events, mails }, lifecycle, deliveries] = await Promise.all([
    getIntegrationHistory(user, id),
    getIntegrationLifecycleView(user, id),
    vantageDeliveriesOfIntegrations(user, [id]),
  ]);
  const vantage = deliveries.get(id);
  const last = integration.lastVerification as LastVerification;
  const account = integration.billingAccountDisplayName ?? integration.billingAccountName;
  const now = new Date();
  const left = integration.secretExpiresAt ? daysLeft(integration.secretExpiresAt, now) : null;
  const checkable = integration.status === "active" || integration.status === "failing";
  const disconnected = integration.status === "disconnected";
  const mail = mailConfigured();
  const reminders = events.filter((e) => e.type === "integration.secret_expiring");
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        <p className="text-sm">
          <Link href="/integrations" className="text-brand-700 underline">
            All integrations
          </Link>
        </p>
        <h1 className="text-brand-900 mt-2 text-3xl font-bold">{account}</h1>
        <p className="mt-1 text-slate-700">Billing account connected to your cost platform.</p>

        <div className="mt-6">
          <ExpiryBanner
            secretExpiresAt={disconnected ? null : integration.secretExpiresAt}
            account={account}
            refusedAsExpired={integration.status === "failing" && last?.reason === "secret-expired"}
            now={now}
          />
        </div>

        <section
          aria-labelledby="health-heading"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="health-heading" className="text-brand-900 text-xl font-semibold">
            Health
          </h2>
          <div className="mt-3">
            <IntegrationStatus status={integration.status} last={last} />
          </div>
          {integration.status === "failing" && last && !last.ok ? (
            <div className="mt-3 rounded-md border border-red-200 bg-red-50 p-4 text-red-950">
              <p className="font-semibold">{last.message}</p>
              {last.action ? <p className="mt-1 text-sm">What to do: {last.action}</p> : null}
            </div>
          ) : null}
          <dl className="mt-4 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <Field label="Last verified">
              {integration.lastVerifiedAt ? utcDateTime(integration.lastVerifiedAt) : "never"}
            </Field>
            <Field label="Last check">
              {last?.at ? `${utcDateTime(last.at)}: ${last.ok ? "working" : "failed"}` : "none yet"}
            </Field>
            <Field label="Next check">
              {!checkable
                ? "not checked (not connected)"
                : integration.nextCheckAt
                  ? utcDateTime(integration.nextCheckAt)
                  : "not scheduled yet"}
            </Field>
            {vantage ? (
              <Field label="Vantage">
                {`Vantage: ${vantageWord(vantage).word}`}
                {vantage.status === "needs_attention"
                  ? ` (${vantage.message ?? ""})`
                  : vantage.vantageMessage
                    ? ` (${vantage.vantageMessage})`
                    : ""}
                {vantage.vantageIntegrationToken ? (
                  <span className="block font-mono text-xs text-slate-600">
                    Vantage integration {vantage.vantageIntegrationToken}
                  </span>
                ) : null}
              </Field>
            ) : null}
            <Field label="Cost this month">
              {integration.monthCostAmount === null
                ? "not read yet"
                : `${money(integration.monthCostAmount, integration.monthCostCurrency)} (as of ${integration.monthCostAt ? utcDateTime(integration.monthCostAt) : "never"})`}
            </Field>
          </dl>
          <div className="mt-4">
            <CheckNowForm integrationId={integration.id} disabled={!checkable} />
          </div>
        </section>

        <section
          aria-labelledby="details-heading"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="details-heading" className="text-brand-900 text-xl font-semibold">
            Details
          </h2>
          <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <Field label="Billing account ID">{integration.billingAccountName}</Field>
            <Field label="Directory (tenant) ID">{integration.tenantId}</Field>
            <Field label="Application (client) ID">{integration.clientId}</Field>
            <Field label="Client secret">
              {disconnected ? (
                "none (removed from Azure by the disconnect)"
              ) : (
                <>
                  {integration.secretHint ? `${integration.secretHint}… ` : ""}
                  {integration.secretKeyId ? `(Secret ID ${integration.secretKeyId})` : "(pasted by hand)"}
                </>
              )}
            </Field>
            <Field label="Secret expires">
              {disconnected
                ? "not applicable"
                : integration.secretExpiresAt
                  ? `${utcDate(integration.secretExpiresAt)} (${left! <= 0 ? "expired" : left === 1 ? "1 day left" : `${left} days left`})`
                  : "unknown (pasted by hand)"}
            </Field>
            <Field label="Onboarding">
              {integration.onboardingId ? (
                <>
                  <Link
                    href={`/onboardings/${integration.onboardingId}`}
                    className="text-brand-700 underline"
                  >
                    Open the onboarding
                  </Link>{" "}
                  ·{" "}
                  <Link
                    href={`/onboardings/${integration.onboardingId}/receipt`}
                    className="text-brand-700 underline"
                  >
                    Audit receipt
                  </Link>
                </>
              ) : (
                "removed"
              )}
            </Field>
          </dl>
        </section>

        {lifecycle ? (
          <section aria-label="Secret rotation and disconnect" className="mt-6 space-y-4">
            {lifecycle.status === "disconnected" ? null : (
              <RotateSecretPanel
                integration={lifecycle}
                graceChoices={graceChoices()}
                defaultGraceMinutes={getEnv().rotationGraceMinutes}
                headingLevel={2}
              />
            )}
            <DisconnectPanel integration={lifecycle} headingLevel={2} />
          </section>
        ) : null}

        <section
          aria-labelledby="reminders-heading"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="reminders-heading" className="text-brand-900 text-xl font-semibold">
            Expiry reminders
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            30, 14, 7 and 1 days before the secret expires: shown on these pages, sent to your webhooks,{" "}
            {mail
              ? "and mailed to the integration's owner."
              : "and mailed once mail is configured (it is not: SMTP_URL and MAIL_FROM are unset)."}
          </p>
          {reminders.length === 0 ? (
            <p className="mt-3 text-sm text-slate-700">None sent yet.</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-200 text-sm">
              {reminders.map((e) => {
                const data = e.data as EventData;
                const sent = mails.filter((m) => m.eventId === e.id);
                return (
                  <li key={e.id} className="py-2">
                    <span className="font-medium text-slate-900">{data.threshold}-day reminder</span>{" "}
                    <span className="text-slate-600">{utcDateTime(e.at)}</span>
                    {sent.map((m) => (
                      <span key={m.id} className="block text-slate-700">
                        Mail to {m.recipient}:{" "}
                        {m.status === "sent"
                          ? `sent ${m.sentAt ? utcDateTime(m.sentAt) : "never"}`
                          : m.status === "failed"
                            ? `not sent after ${m.attempts} attempts (${m.lastError ?? "refused"})`
                            : m.attempts > 0
                              ? `retrying (attempt ${m.attempts} failed: ${m.lastError ?? "refused"})`
                              : "queued"}
                      </span>
                    ))}
                  </li>
                );
              })}
            </ul>
          )}
        </section>

        <section
          aria-labelledby="events-heading"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="events-heading" className="text-brand-900 text-xl font-semibold">
            Recent events
          </h2>
          {events.length === 0 ? (
            <p className="mt-3 text-sm text-slate-700">None yet.</p>
          ) : (
            <ul className="mt-3 divide-y divide-slate-200 text-sm">
              {events.map((e) => {
                const detail = eventDetail(e.type, e.data as EventData);
                return (
                  <li key={e.id} className="flex flex-wrap gap-x-3 py-2">
                    <span className="w-44 shrink-0 text-slate-600">{utcDateTime(e.at)}</span>
                    <span className="font-medium text-slate-900">{eventLabels[e.type] ?? e.type}</span>
                    {detail ? (
                      <span className="basis-full text-slate-700 sm:basis-auto">{detail}</span>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </main>
    </>
  );
}
