import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { Cell, DataTable } from "@/components/ui/data-table";
import { DetailItem, DetailList } from "@/components/ui/detail-list";
import { PageShell } from "@/components/ui/page-shell";
import { requireUser } from "@/lib/auth";
import { listAuditForReceipt } from "@/lib/data/audit";
import { getOnboarding } from "@/lib/data/onboardings";
import { utcDateTime } from "@/lib/format";
import { receiptRows, type ReceiptChange } from "@/lib/onboardings/receipt";
import { isId } from "@/lib/validations/ids";

export const metadata: Metadata = { title: "Audit receipt" };

const changeLabels: Record<ReceiptChange, string> = {
  created: "Created",
  removed: "Removed",
  revealed: "Secret revealed",
};

const columns = ["When", "Change", "Object", "Who", "Outcome", "Azure request id"].map((label) => ({
  label,
}));

export default async function ReceiptPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/onboardings/${id}/receipt`);
  if (!isId(id)) notFound();
  const [onboarding, events] = await Promise.all([getOnboarding(user, id), listAuditForReceipt(user, id)]);
  if (!onboarding) notFound();
  const rows = receiptRows(events);
  const facts: [string, string | null][] = [
    ["Tenant", onboarding.tenantId],
    ["Billing account", onboarding.billingAccountName],
    ["Application (client) id", onboarding.clientId],
    ["Service principal", onboarding.servicePrincipalId],
    ["Role assignment", onboarding.roleAssignmentId],
  ];
  return (
    <PageShell
      title="Audit receipt"
      back={{ href: `/onboardings/${onboarding.id}`, label: "Back to the checklist" }}
      description={
        <>
          Every object this onboarding created or removed in Azure, each time its client secret was revealed
          on the copy panel, who did it, when, and Azure&apos;s request id for each call (Microsoft support
          can trace a call by it).
        </>
      }
    >
      <DetailList className="mt-6 rounded-lg border border-slate-200 bg-white p-5">
        {facts.map(([label, value]) => (
          <DetailItem key={label} label={label}>
            <span className="font-mono text-xs">{value ?? "—"}</span>
          </DetailItem>
        ))}
      </DetailList>
      <p className="mt-6 flex flex-wrap gap-4 text-sm">
        <a
          href={`/api/onboardings/${onboarding.id}/receipt?format=csv`}
          download
          className="text-brand-700 font-semibold underline"
        >
          Download CSV
        </a>
        <a
          href={`/api/onboardings/${onboarding.id}/receipt?format=json`}
          download
          className="text-brand-700 font-semibold underline"
        >
          Download JSON
        </a>
      </p>
      <section aria-labelledby="changes-heading" className="mt-6">
        <h2 id="changes-heading" className="text-brand-900 text-xl font-semibold">
          Objects created and removed, secrets revealed
        </h2>
        {rows.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">Nothing yet.</p>
        ) : (
          <DataTable columns={columns} className="mt-3">
            {rows.map((row, i) => (
              <tr key={i}>
                <Cell className="whitespace-nowrap">{utcDateTime(row.at, { seconds: true })}</Cell>
                <Cell>{changeLabels[row.change]}</Cell>
                <Cell>
                  {row.action}
                  {row.object ? (
                    <span className="block font-mono text-xs text-slate-600">{row.object}</span>
                  ) : null}
                </Cell>
                <Cell>{row.actor}</Cell>
                <Cell className={row.outcome === "success" ? "text-emerald-800" : "text-red-800"}>
                  {row.outcome === "success" ? "Succeeded" : "Failed"}
                </Cell>
                <Cell className="font-mono text-xs">{row.azureRequestId ?? "—"}</Cell>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </PageShell>
  );
}
