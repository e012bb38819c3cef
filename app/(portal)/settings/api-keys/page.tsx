import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ApiKeyList } from "@/components/api-keys/api-key-list";
import { CreateApiKeyForm } from "@/components/api-keys/create-api-key-form";
import { PageShell } from "@/components/ui/page-shell";
import { SectionCard } from "@/components/ui/section-card";
import { requireUser } from "@/lib/auth";
import { listApiKeys } from "@/lib/data/api-keys";
import { isOperator } from "@/lib/data/operators";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const user = await requireUser("/settings/api-keys");
  // The operators' page: to anyone else it does not exist.
  if (!(await isOperator(user))) notFound();
  const keys = await listApiKeys(user);
  return (
    <PageShell
      title="API keys"
      description={
        <>
          The cost platform reads your tenant&apos;s connections with a key:{" "}
          <code className="text-sm">Authorization: Bearer &lt;key&gt;</code> on{" "}
          <code className="text-sm">/api/v1/integrations</code>. A key reaches every tenant, the tenants you
          list, or the integrations you list, and every use is recorded.{" "}
          <Link href="/api/v1/openapi.json" className="text-brand-700 underline" prefetch={false}>
            API description (OpenAPI)
          </Link>
        </>
      }
    >
      <SectionCard title="New key" headingId="new-key-heading" className="mt-6">
        <div className="mt-3">
          <CreateApiKeyForm />
        </div>
      </SectionCard>
      <section aria-labelledby="keys-heading" className="mt-10">
        <h2 id="keys-heading" className="text-brand-900 text-xl font-semibold">
          Keys
        </h2>
        {keys.length === 0 ? <p className="mt-3 text-slate-600">None yet.</p> : <ApiKeyList keys={keys} />}
      </section>
    </PageShell>
  );
}
