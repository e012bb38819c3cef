import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { vantageWord } from "@/components/destinations/delivery-status";
import { CheckNowForm } from "@/components/integrations/check-now-form";
import { DisconnectPanel } from "@/components/integrations/disconnect-panel";
import { ExpiryBanner } from "@/components/integrations/expiry-banner";
import type { LastVerification } from "@/components/integrations/format";
import { EventList, ReminderList } from "@/components/integrations/integration-history";
import { IntegrationStatus } from "@/components/integrations/integration-status";
import { RotateSecretPanel } from "@/components/integrations/rotate-secret-panel";
import { DetailItem, DetailList } from "@/components/ui/detail-list";
import { PageShell } from "@/components/ui/page-shell";
import { SectionCard } from "@/components/ui/section-card";
import { requireUser } from "@/lib/auth";
import { vantageDeliveriesOfIntegrations } from "@/lib/data/deliveries";
import { getIntegrationLifecycleView } from "@/lib/data/integration-operations";
import { getIntegrationForOwner, getIntegrationHistory } from "@/lib/data/integration-views";
import { getEnv } from "@/lib/env";
import { money, utcDate, utcDateTime } from "@/lib/format";
import { daysLeft } from "@/lib/integrations/expiry";
import { graceChoices } from "@/lib/integrations/manage";
import { mailConfigured } from "@/lib/mail";
import { isId } from "@/lib/validations/ids";

export const metadata: Metadata = { title: "Integration" };

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
  return (
    <PageShell
      title={account}
      back={{ href: "/integrations", label: "All integrations" }}
      description="Billing account connected to your cost platform."
    >
      <div className="mt-6">
        <ExpiryBanner
          secretExpiresAt={disconnected ? null : integration.secretExpiresAt}
          account={account}
          refusedAsExpired={integration.status === "failing" && last?.reason === "secret-expired"}
          now={now}
        />
      </div>

      <SectionCard title="Health" headingId="health-heading" className="mt-6">
        <div className="mt-3">
          <IntegrationStatus status={integration.status} last={last} />
        </div>
        {integration.status === "failing" && last && !last.ok ? (
          <div className="mt-3 rounded-md border border-red-200 bg-red-50 p-4 text-red-950">
            <p className="font-semibold">{last.message}</p>
            {last.action ? <p className="mt-1 text-sm">What to do: {last.action}</p> : null}
          </div>
        ) : null}
        <DetailList className="mt-4">
          <DetailItem label="Last verified">
            {integration.lastVerifiedAt ? utcDateTime(integration.lastVerifiedAt) : "never"}
          </DetailItem>
          <DetailItem label="Last check">
            {last?.at ? `${utcDateTime(last.at)}: ${last.ok ? "working" : "failed"}` : "none yet"}
          </DetailItem>
          <DetailItem label="Next check">
            {!checkable
              ? "not checked (not connected)"
              : integration.nextCheckAt
                ? utcDateTime(integration.nextCheckAt)
                : "not scheduled yet"}
          </DetailItem>
          {vantage ? (
            <DetailItem label="Vantage">
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
            </DetailItem>
          ) : null}
          <DetailItem label="Cost this month">
            {integration.monthCostAmount === null
              ? "not read yet"
              : `${money(integration.monthCostAmount, integration.monthCostCurrency)} (as of ${integration.monthCostAt ? utcDateTime(integration.monthCostAt) : "never"})`}
          </DetailItem>
        </DetailList>
        <div className="mt-4">
          <CheckNowForm integrationId={integration.id} disabled={!checkable} />
        </div>
      </SectionCard>

      <SectionCard title="Details" headingId="details-heading" className="mt-6">
        <DetailList className="mt-3">
          <DetailItem label="Billing account ID">{integration.billingAccountName}</DetailItem>
          <DetailItem label="Directory (tenant) ID">{integration.tenantId}</DetailItem>
          <DetailItem label="Application (client) ID">{integration.clientId}</DetailItem>
          <DetailItem label="Client secret">
            {disconnected ? (
              "none (removed from Azure by the disconnect)"
            ) : (
              <>
                {integration.secretHint ? `${integration.secretHint}… ` : ""}
                {integration.secretKeyId ? `(Secret ID ${integration.secretKeyId})` : "(pasted by hand)"}
              </>
            )}
          </DetailItem>
          <DetailItem label="Secret expires">
            {disconnected
              ? "not applicable"
              : integration.secretExpiresAt
                ? `${utcDate(integration.secretExpiresAt)} (${left! <= 0 ? "expired" : left === 1 ? "1 day left" : `${left} days left`})`
                : "unknown (pasted by hand)"}
          </DetailItem>
          <DetailItem label="Onboarding">
            {integration.onboardingId ? (
              <>
                <Link href={`/onboardings/${integration.onboardingId}`} className="text-brand-700 underline">
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
          </DetailItem>
        </DetailList>
      </SectionCard>

      {lifecycle ? (
        <section aria-label="Secret rotation and disconnect" className="mt-6 space-y-4">
          {lifecycle.status === "disconnected" ? null : (
            <RotateSecretPanel
              integration={lifecycle}
              graceChoices={graceChoices()}
              defaultGraceSeconds={getEnv().rotationGraceSeconds}
              headingLevel={2}
            />
          )}
          <DisconnectPanel integration={lifecycle} headingLevel={2} />
        </section>
      ) : null}

      <SectionCard title="Expiry reminders" headingId="reminders-heading" className="mt-6">
        <p className="mt-1 text-sm text-slate-600">
          30, 14, 7 and 1 days before the secret expires: shown on these pages, sent to your webhooks,{" "}
          {mail
            ? "and mailed to the integration's owner."
            : "and mailed once mail is configured (it is not: SMTP_URL and MAIL_FROM are unset)."}
        </p>
        <ReminderList events={events} mails={mails} />
      </SectionCard>

      <SectionCard title="Recent events" headingId="events-heading" className="mt-6">
        <EventList events={events} />
      </SectionCard>
    </PageShell>
  );
}
