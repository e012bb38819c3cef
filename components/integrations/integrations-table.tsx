import Link from "next/link";

import { vantageWord } from "@/components/destinations/delivery-status";
import type { LastVerification } from "@/components/integrations/format";
import { IntegrationStatus } from "@/components/integrations/integration-status";
import { Cell, DataTable } from "@/components/ui/data-table";
import type { DeliveryView } from "@/lib/data/deliveries";
import type { IntegrationView } from "@/lib/data/integration-views";
import { money, utcDate, utcDateTime } from "@/lib/format";
import { daysLeft } from "@/lib/integrations/expiry";

function expiry(date: Date | null, now: Date) {
  if (!date) return { text: "unknown", detail: "pasted by hand" };
  const left = daysLeft(date, now);
  return {
    text: utcDate(date),
    detail: left <= 0 ? "expired" : left === 1 ? "1 day left" : `${left} days left`,
  };
}

const columns = [
  { label: "Billing account" },
  { label: "App (client) ID" },
  { label: "Status" },
  { label: "Last verified" },
  { label: "Secret expires" },
  { label: "Cost this month", align: "right" as const },
];

/** The owner's integrations: health, secret expiry and this month's cost, each linking to its page. */
export function IntegrationsTable({
  integrations,
  vantage,
  now,
}: {
  integrations: IntegrationView[];
  /** The Vantage delivery of each integration that has one, by integration id. */
  vantage: Map<string, DeliveryView>;
  now: Date;
}) {
  return (
    <DataTable columns={columns} caption="Your integrations" className="mt-3">
      {integrations.map((i) => {
        const last = i.lastVerification as LastVerification;
        const e = expiry(i.secretExpiresAt, now);
        const delivery = vantage.get(i.id);
        return (
          <tr key={i.id}>
            <Cell>
              <Link href={`/integrations/${i.id}`} className="text-brand-700 font-semibold underline">
                {i.billingAccountDisplayName ?? i.billingAccountName}
              </Link>
              <span className="block font-mono text-xs break-all text-slate-600">{i.billingAccountName}</span>
            </Cell>
            <Cell className="font-mono text-xs break-all text-slate-800">{i.clientId}</Cell>
            <Cell>
              <IntegrationStatus status={i.status} last={last} />
              {delivery ? (
                <span className="mt-1 block text-xs text-slate-700">
                  Vantage: {vantageWord(delivery).word}
                </span>
              ) : null}
            </Cell>
            <Cell className="text-slate-700">
              {i.lastVerifiedAt ? utcDateTime(i.lastVerifiedAt) : "never"}
            </Cell>
            <Cell className="text-slate-700">
              {e.text}
              <span className="block text-xs text-slate-600">{e.detail}</span>
            </Cell>
            <Cell className="text-right text-slate-900">
              {i.monthCostAmount === null ? (
                "not read yet"
              ) : (
                <>
                  <span className="font-semibold">{money(i.monthCostAmount, i.monthCostCurrency)}</span>
                  <span className="block text-xs text-slate-600">
                    as of {i.monthCostAt ? utcDateTime(i.monthCostAt) : "never"}
                  </span>
                </>
              )}
            </Cell>
          </tr>
        );
      })}
    </DataTable>
  );
}
