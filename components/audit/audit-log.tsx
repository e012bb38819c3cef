import { Cell, DataTable } from "@/components/ui/data-table";
import { utcDateTime } from "@/lib/format";

type AuditRow = {
  id: string;
  actorName: string;
  action: string;
  target: string | null;
  azureRequestId: string | null;
  outcome: string;
  at: Date;
};

const columns = ["When", "Who", "What", "Outcome", "Azure request id"].map((label) => ({ label }));

export function AuditLog({ events }: { events: AuditRow[] }) {
  return (
    <section aria-labelledby="audit-heading" className="mt-10">
      <h2 id="audit-heading" className="text-brand-900 text-xl font-semibold">
        Changes made in Azure
      </h2>
      {events.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nothing yet.</p>
      ) : (
        <DataTable columns={columns} className="mt-3">
          {events.map((e) => (
            <tr key={e.id}>
              <Cell className="whitespace-nowrap">{utcDateTime(e.at, { seconds: true })}</Cell>
              <Cell>{e.actorName}</Cell>
              <Cell>
                {e.action}
                {e.target ? <span className="block font-mono text-xs text-slate-600">{e.target}</span> : null}
              </Cell>
              <Cell className={e.outcome === "success" ? "text-emerald-800" : "text-red-800"}>
                {e.outcome === "success" ? "Succeeded" : "Failed"}
              </Cell>
              <Cell className="font-mono text-xs">{e.azureRequestId ?? "—"}</Cell>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
