import type { OperatorIntegrationView } from "@/lib/data/integration-views";
import { utcDateTime } from "@/lib/format";

const statusLabels: Record<string, string> = {
  active: "Active",
  failing: "Failing",
  disabled: "Disabled",
  disconnected: "Disconnected",
};

/** The operators' table of every tenant's integrations: ids to scope API keys with, no secret. */
export function AllIntegrationsTable({ integrations }: { integrations: OperatorIntegrationView[] }) {
  if (integrations.length === 0) return <p className="mt-3 text-slate-600">None yet.</p>;
  return (
    <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <caption className="sr-only">Every tenant&apos;s integrations</caption>
        <thead className="bg-slate-50 text-left text-slate-700">
          <tr>
            <th scope="col" className="px-4 py-3 font-semibold">
              Tenant
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Billing account
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Integration id
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Status
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Connected by
            </th>
            <th scope="col" className="px-4 py-3 font-semibold">
              Last verified
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {integrations.map((i) => (
            <tr key={i.id} className="align-top">
              <td className="px-4 py-3 font-mono text-xs break-all text-slate-800">{i.tenantId}</td>
              <td className="px-4 py-3">
                {i.billingAccountDisplayName ?? i.billingAccountName}
                <span className="block font-mono text-xs break-all text-slate-600">
                  {i.billingAccountName}
                </span>
              </td>
              <td className="px-4 py-3 font-mono text-xs break-all text-slate-800">{i.id}</td>
              <td className="px-4 py-3">{statusLabels[i.status] ?? i.status}</td>
              <td className="px-4 py-3 text-slate-700">{i.owner.name ?? i.owner.email}</td>
              <td className="px-4 py-3 text-slate-700">
                {i.lastVerifiedAt ? utcDateTime(i.lastVerifiedAt) : "never"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
