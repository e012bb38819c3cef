import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { CreateApiKeyForm } from "@/components/api-keys/create-api-key-form";
import { SiteHeader } from "@/components/layout/site-header";
import { RowActionForm } from "@/components/ui/row-action-form";
import { revokeApiKeyAction } from "@/lib/actions/api-keys";
import { requireUser } from "@/lib/auth";
import { listApiKeys, type ApiKeyListItem } from "@/lib/data/api-keys";
import { isOperator } from "@/lib/data/operators";
import { utcDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "API keys" };

function reach(key: ApiKeyListItem) {
  if (key.reach === "all_tenants") return "every tenant";
  if (key.reach === "tenants")
    return key.tenantIds.length === 1 ? `tenant ${key.tenantIds[0]}` : `tenants ${key.tenantIds.join(", ")}`;
  return key.integrationIds.length === 1
    ? `integration ${key.integrationIds[0]}`
    : `integrations ${key.integrationIds.join(", ")}`;
}

export default async function ApiKeysPage() {
  const user = await requireUser("/settings/api-keys");
  // The operators' page: to anyone else it does not exist.
  if (!(await isOperator(user))) notFound();
  const keys = await listApiKeys(user);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        <h1 className="text-brand-900 text-3xl font-bold">API keys</h1>
        <p className="mt-2 max-w-3xl text-slate-700">
          The cost platform reads your tenant&apos;s connections with a key:{" "}
          <code className="text-sm">Authorization: Bearer &lt;key&gt;</code> on{" "}
          <code className="text-sm">/api/v1/integrations</code>. A key reaches every tenant, the tenants you
          list, or the integrations you list, and every use is recorded.{" "}
          <Link href="/api/v1/openapi.json" className="text-brand-700 underline" prefetch={false}>
            API description (OpenAPI)
          </Link>
        </p>
        <section
          aria-labelledby="new-key-heading"
          className="mt-6 rounded-lg border border-slate-200 bg-white p-5"
        >
          <h2 id="new-key-heading" className="text-brand-900 text-xl font-semibold">
            New key
          </h2>
          <div className="mt-3">
            <CreateApiKeyForm />
          </div>
        </section>
        <section aria-labelledby="keys-heading" className="mt-10">
          <h2 id="keys-heading" className="text-brand-900 text-xl font-semibold">
            Keys
          </h2>
          {keys.length === 0 ? (
            <p className="mt-3 text-slate-600">None yet.</p>
          ) : (
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
                      {key.createdBy
                        ? ` by ${key.createdBy.name ?? key.createdBy.email}`
                        : " with the command"}{" "}
                      · last used {key.lastUsedAt ? utcDateTime(key.lastUsedAt) : "never"}
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
          )}
        </section>
      </main>
    </>
  );
}
