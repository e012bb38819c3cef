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

export function AuditLog({ events }: { events: AuditRow[] }) {
  return (
    <section aria-labelledby="audit-heading" className="mt-10">
      <h2 id="audit-heading" className="text-brand-900 text-xl font-semibold">
        Changes made in Azure
      </h2>
      {events.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nothing yet.</p>
      ) : (
        <div className="mt-3 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <thead className="bg-slate-50 text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Who
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  What
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Outcome
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Azure request id
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.map((e) => (
                <tr key={e.id}>
                  <td className="px-3 py-2 whitespace-nowrap">{utcDateTime(e.at, { seconds: true })}</td>
                  <td className="px-3 py-2">{e.actorName}</td>
                  <td className="px-3 py-2">
                    {e.action}
                    {e.target ? (
                      <span className="block font-mono text-xs text-slate-600">{e.target}</span>
                    ) : null}
                  </td>
                  <td
                    className={`px-3 py-2 ${e.outcome === "success" ? "text-emerald-800" : "text-red-800"}`}
                  >
                    {e.outcome === "success" ? "Succeeded" : "Failed"}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{e.azureRequestId ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
