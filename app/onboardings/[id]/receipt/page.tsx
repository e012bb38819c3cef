import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { SiteHeader } from "@/components/layout/site-header";
import { requireUser } from "@/lib/auth";
import { listAuditForReceipt } from "@/lib/data/audit";
import { getOnboarding } from "@/lib/data/onboardings";
import { receiptRows, type ReceiptChange } from "@/lib/onboardings/receipt";
import { isId } from "@/lib/validations/ids";

export const metadata: Metadata = { title: "Audit receipt" };

const changeLabels: Record<ReceiptChange, string> = {
  created: "Created",
  removed: "Removed",
  revealed: "Secret revealed",
};

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
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        <p className="text-sm">
          <Link href={`/onboardings/${onboarding.id}`} className="text-brand-700 underline">
            Back to the checklist
          </Link>
        </p>
        <h1 className="text-brand-900 mt-2 text-3xl font-bold">Audit receipt</h1>
        <p className="mt-2 max-w-3xl text-slate-700">
          Every object this onboarding created or removed in Azure, each time its client secret was revealed
          on the copy panel, who did it, when, and Azure&apos;s request id for each call (Microsoft support
          can trace a call by it).
        </p>
        <dl className="mt-6 grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-5 text-sm sm:grid-cols-[max-content_1fr]">
          {facts.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="font-medium text-slate-800">{label}</dt>
              <dd className="font-mono text-xs break-all text-slate-700">{value ?? "—"}</dd>
            </div>
          ))}
        </dl>
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
            <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="min-w-full text-left text-sm">
                <thead className="bg-slate-50 text-slate-700">
                  <tr>
                    {["When (UTC)", "Change", "Object", "Who", "Outcome", "Azure request id"].map((h) => (
                      <th key={h} scope="col" className="px-3 py-2 font-medium">
                        {h}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((row, i) => (
                    <tr key={i}>
                      <td className="px-3 py-2 whitespace-nowrap">{row.at.replace("T", " ").slice(0, 19)}</td>
                      <td className="px-3 py-2">{changeLabels[row.change]}</td>
                      <td className="px-3 py-2">
                        {row.action}
                        {row.object ? (
                          <span className="block font-mono text-xs text-slate-600">{row.object}</span>
                        ) : null}
                      </td>
                      <td className="px-3 py-2">{row.actor}</td>
                      <td
                        className={`px-3 py-2 ${row.outcome === "success" ? "text-emerald-800" : "text-red-800"}`}
                      >
                        {row.outcome === "success" ? "Succeeded" : "Failed"}
                      </td>
                      <td className="px-3 py-2 font-mono text-xs">{row.azureRequestId ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </main>
    </>
  );
}
