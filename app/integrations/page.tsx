import type { Metadata } from "next";
import Link from "next/link";

import { AllIntegrationsTable } from "@/components/integrations/all-integrations-table";
import { ExpiryBanner } from "@/components/integrations/expiry-banner";
import type { LastVerification } from "@/components/integrations/format";
import { vantageWord } from "@/components/destinations/delivery-status";
import { IntegrationStatus } from "@/components/integrations/integration-status";
import { SiteHeader } from "@/components/layout/site-header";
import { requireUser } from "@/lib/auth";
import { daysLeft } from "@/lib/integrations/expiry";
import { vantageDeliveriesOfIntegrations } from "@/lib/data/deliveries";
import { listIntegrationsForOperator, listIntegrationsForOwner } from "@/lib/data/integration-views";
import { isOperator } from "@/lib/data/operators";
import { money, utcDate, utcDateTime } from "@/lib/format";
import { mailConfigured } from "@/lib/mail";

export const metadata: Metadata = { title: "Integrations" };

function expiry(date: Date | null, now: Date) {
  if (!date) return { text: "unknown", detail: "pasted by hand" };
  const left = daysLeft(date, now);
  return {
    text: utcDate(date),
    detail: left <= 0 ? "expired" : left === 1 ? "1 day left" : `${left} days left`,
  };
}

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
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        <h1 className="text-brand-900 text-3xl font-bold">Integrations</h1>
        <p className="mt-2 max-w-3xl text-slate-700">
          The billing accounts you connected, checked every few hours as the cost platform uses them: signing
          in as the app, reading the billing account and this month&apos;s costs.
        </p>
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
                i.status === "failing" &&
                (i.lastVerification as LastVerification)?.reason === "secret-expired"
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
            <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead className="bg-slate-50 text-left text-slate-700">
                  <tr>
                    <th scope="col" className="px-4 py-3 font-semibold">
                      Billing account
                    </th>
                    <th scope="col" className="px-4 py-3 font-semibold">
                      App (client) ID
                    </th>
                    <th scope="col" className="px-4 py-3 font-semibold">
                      Status
                    </th>
                    <th scope="col" className="px-4 py-3 font-semibold">
                      Last verified
                    </th>
                    <th scope="col" className="px-4 py-3 font-semibold">
                      Secret expires
                    </th>
                    <th scope="col" className="px-4 py-3 text-right font-semibold">
                      Cost this month
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-200">
                  {integrations.map((i) => {
                    const last = i.lastVerification as LastVerification;
                    const e = expiry(i.secretExpiresAt, now);
                    return (
                      <tr key={i.id} className="align-top">
                        <td className="px-4 py-3">
                          <Link
                            href={`/integrations/${i.id}`}
                            className="text-brand-700 font-semibold underline"
                          >
                            {i.billingAccountDisplayName ?? i.billingAccountName}
                          </Link>
                          <span className="block font-mono text-xs break-all text-slate-600">
                            {i.billingAccountName}
                          </span>
                        </td>
                        <td className="px-4 py-3 font-mono text-xs break-all text-slate-800">{i.clientId}</td>
                        <td className="px-4 py-3">
                          <IntegrationStatus status={i.status} last={last} />
                          {vantage.get(i.id) ? (
                            <span className="mt-1 block text-xs text-slate-700">
                              Vantage: {vantageWord(vantage.get(i.id)!).word}
                            </span>
                          ) : null}
                        </td>
                        <td className="px-4 py-3 text-slate-700">
                          {i.lastVerifiedAt ? utcDateTime(i.lastVerifiedAt) : "never"}
                        </td>
                        <td className="px-4 py-3 text-slate-700">
                          {e.text}
                          <span className="block text-xs text-slate-600">{e.detail}</span>
                        </td>
                        <td className="px-4 py-3 text-right text-slate-900">
                          {i.monthCostAmount === null ? (
                            "not read yet"
                          ) : (
                            <>
                              <span className="font-semibold">
                                {money(i.monthCostAmount, i.monthCostCurrency)}
                              </span>
                              <span className="block text-xs text-slate-600">
                                as of {i.monthCostAt ? utcDateTime(i.monthCostAt) : "never"}
                              </span>
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
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
      </main>
    </>
  );
}
