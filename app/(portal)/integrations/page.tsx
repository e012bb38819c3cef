import type { Metadata } from "next";
import Link from "next/link";

import { AllIntegrationsTable } from "@/components/integrations/all-integrations-table";
import { ExpiryBanner } from "@/components/integrations/expiry-banner";
import type { LastVerification } from "@/components/integrations/format";
import { IntegrationsTable } from "@/components/integrations/integrations-table";
import { PageShell } from "@/components/ui/page-shell";
import { requireUser } from "@/lib/auth";
import { vantageDeliveriesOfIntegrations } from "@/lib/data/deliveries";
import { listIntegrationsForOperator, listIntegrationsForOwner } from "@/lib/data/integration-views";
import { isOperator } from "@/lib/data/operators";
import { mailConfigured } from "@/lib/mail";

export const metadata: Metadata = { title: "Integrations" };

export default async function IntegrationsPage() {
  const user = await requireUser("/integrations");
  const [integrations, operator] = await Promise.all([listIntegrationsForOwner(user), isOperator(user)]);
  const everyTenant = operator ? await listIntegrationsForOperator(user) : null;
  const vantage = await vantageDeliveriesOfIntegrations(
    user,
    integrations.map((i) => i.id),
  );
  const now = new Date();
  const mail = mailConfigured();
  return (
    <PageShell
      title="Integrations"
      description={
        <>
          The billing accounts you connected, checked every few hours as the cost platform uses them: signing
          in as the app, reading the billing account and this month&apos;s costs.
        </>
      }
    >
      <p className="mt-2 max-w-3xl text-sm text-slate-600">
        {mail
          ? `Reminders before a secret expires (30, 14, 7 and 1 days) are shown here and mailed to ${user.email ?? "you"}.`
          : "Reminders before a secret expires (30, 14, 7 and 1 days) are shown here. Mail is not configured on this portal (SMTP_URL, MAIL_FROM), so none are mailed."}
      </p>
      <div className="mt-6 space-y-3">
        {integrations.map((i) => (
          <ExpiryBanner
            key={i.id}
            secretExpiresAt={i.status === "disconnected" ? null : i.secretExpiresAt}
            account={i.billingAccountDisplayName ?? i.billingAccountName}
            refusedAsExpired={
              i.status === "failing" && (i.lastVerification as LastVerification)?.reason === "secret-expired"
            }
            now={now}
          />
        ))}
      </div>
      <section aria-labelledby="list-heading" className="mt-8">
        <h2 id="list-heading" className="text-brand-900 text-xl font-semibold">
          Your integrations
        </h2>
        {integrations.length === 0 ? (
          <p className="mt-3 text-slate-600">
            None yet. An onboarding makes one when it is connected:{" "}
            <Link href="/onboardings" className="text-brand-700 underline">
              your onboardings
            </Link>
            .
          </p>
        ) : (
          <IntegrationsTable integrations={integrations} vantage={vantage} now={now} />
        )}
      </section>
      {everyTenant ? (
        <section aria-labelledby="all-heading" className="mt-10">
          <h2 id="all-heading" className="text-brand-900 text-xl font-semibold">
            Every tenant&apos;s integrations
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            You see these because you are one of this portal&apos;s operators. Use their ids to make an API
            key that reaches only some of them.
          </p>
          <AllIntegrationsTable integrations={everyTenant} />
        </section>
      ) : null}
    </PageShell>
  );
}
