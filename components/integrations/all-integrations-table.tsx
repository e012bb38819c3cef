import { Cell, DataTable } from "@/components/ui/data-table";
import type { OperatorIntegrationView } from "@/lib/data/integration-views";
import { utcDateTime } from "@/lib/format";

const statusLabels: Record<string, string> = {
  active: "Active",
  failing: "Failing",
  disabled: "Disabled",
  disconnected: "Disconnected",
};

const columns = [
  "Tenant",
  "Billing account",
  "Integration id",
  "Status",
  "Connected by",
  "Last verified",
].map((label) => ({ label }));

/** The operators' table of every tenant's integrations: ids to scope API keys with, no secret. */
export function AllIntegrationsTable({ integrations }: { integrations: OperatorIntegrationView[] }) {
  if (integrations.length === 0) return <p className="mt-3 text-slate-600">None yet.</p>;
  return (
    <DataTable columns={columns} caption="Every tenant's integrations" className="mt-3">
      {integrations.map((i) => (
        <tr key={i.id}>
          <Cell className="font-mono text-xs break-all text-slate-800">{i.tenantId}</Cell>
          <Cell>
            {i.billingAccountDisplayName ?? i.billingAccountName}
            <span className="block font-mono text-xs break-all text-slate-600">{i.billingAccountName}</span>
          </Cell>
          <Cell className="font-mono text-xs break-all text-slate-800">{i.id}</Cell>
          <Cell>{statusLabels[i.status] ?? i.status}</Cell>
          <Cell className="text-slate-700">{i.owner.name ?? i.owner.email}</Cell>
          <Cell className="text-slate-700">{i.lastVerifiedAt ? utcDateTime(i.lastVerifiedAt) : "never"}</Cell>
        </tr>
      ))}
    </DataTable>
  );
}
