import { RowActionForm } from "@/components/ui/row-action-form";
import { revokeApiKeyAction } from "@/lib/actions/api-keys";
import type { ApiKeyListItem } from "@/lib/data/api-keys";
import { utcDateTime } from "@/lib/format";

function reach(key: ApiKeyListItem) {
  if (key.reach === "all_tenants") return "every tenant";
  if (key.reach === "tenants")
    return key.tenantIds.length === 1 ? `tenant ${key.tenantIds[0]}` : `tenants ${key.tenantIds.join(", ")}`;
  return key.integrationIds.length === 1
    ? `integration ${key.integrationIds[0]}`
    : `integrations ${key.integrationIds.join(", ")}`;
}

/** The API keys: what each reaches and when it was last used, with a revoke button while it works. */
export function ApiKeyList({ keys }: { keys: ApiKeyListItem[] }) {
  return (
    <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {keys.map((key) => (
        <li key={key.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
          <div>
            <p className="font-semibold text-slate-900">
              {key.name}{" "}
              <span className="font-mono text-sm font-normal text-slate-600">{key.tokenPrefix}…</span>
            </p>
            <p className="text-sm text-slate-600">
              {key.scope === "read_secrets" ? "Reads secrets" : "Metadata only"} · {reach(key)} · made{" "}
              {utcDateTime(key.createdAt)}
              {key.createdBy ? ` by ${key.createdBy.name ?? key.createdBy.email}` : " with the command"} ·
              last used {key.lastUsedAt ? utcDateTime(key.lastUsedAt) : "never"}
            </p>
            {key.revokedReason ? (
              <p className="mt-1 max-w-2xl text-sm text-slate-800">{key.revokedReason}</p>
            ) : null}
          </div>
          {key.revokedAt ? (
            <span className="rounded-full bg-slate-100 px-3 py-1 text-sm font-medium text-slate-800">
              Revoked {utcDateTime(key.revokedAt)}
            </span>
          ) : (
            <RowActionForm
              action={revokeApiKeyAction}
              fields={{ keyId: key.id }}
              pendingText="Revoking…"
              label={`Revoke key ${key.name}`}
              confirm={{
                question: "Revoke this key? Whatever uses it is refused at once.",
                yes: "Yes, revoke",
              }}
            >
              Revoke…
            </RowActionForm>
          )}
        </li>
      ))}
    </ul>
  );
}
