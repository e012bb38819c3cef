import type { Metadata } from "next";

import { VantageTokenForm } from "@/components/destinations/vantage-token-form";
import { WorkspacesForm } from "@/components/destinations/workspaces-form";
import { PageShell } from "@/components/ui/page-shell";
import { RowActionForm } from "@/components/ui/row-action-form";
import { SectionCard } from "@/components/ui/section-card";
import { removeVantageTokenAction } from "@/lib/actions/destinations";
import { requireUser } from "@/lib/auth";
import { getVantageTokenView } from "@/lib/data/vantage-tokens";
import { utcDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Vantage" };

/** The signed-in person's Vantage API token (its first characters only) and workspaces. */
export default async function VantageSettingsPage() {
  const user = await requireUser("/settings/vantage");
  const token = await getVantageTokenView(user);
  return (
    <PageShell
      title="Vantage"
      description={
        <>
          With Vantage as a destination, MCA Connect does the seed&apos;s last step for you: it adds the Azure
          integration in Vantage through Vantage&apos;s API with your token, and shows Vantage&apos;s status
          on the checklist. Vantage&apos;s API cannot change an integration&apos;s secret: after a rotation
          MCA Connect adds a new integration with the new secret and deletes the old one once the new one
          imports.
        </>
      }
    >
      <SectionCard title="API token" headingId="token-heading" className="mt-6">
        {token ? (
          <dl className="mt-3 grid grid-cols-[10rem_1fr] gap-2 text-sm">
            <dt className="text-slate-600">Token</dt>
            <dd className="font-mono text-slate-900">{token.hint} (stored encrypted)</dd>
            <dt className="text-slate-600">Scopes</dt>
            <dd className="text-slate-900">
              {token.scopes.length ? token.scopes.join(", ") : "not said by Vantage"}
            </dd>
            <dt className="text-slate-600">Checked</dt>
            <dd className="text-slate-900">{utcDateTime(token.checkedAt)}</dd>
          </dl>
        ) : (
          <p className="mt-2 text-sm text-slate-700">No token saved.</p>
        )}
        <div className="mt-4">
          <VantageTokenForm replacing={Boolean(token)} />
        </div>
        {token ? (
          <div className="mt-4">
            <RowActionForm
              action={removeVantageTokenAction}
              fields={{}}
              pendingText="Removing…"
              label="Remove the Vantage API token"
              confirm={{
                question: "Remove the token? Integrations already in Vantage stay there.",
                yes: "Remove token",
              }}
              sayDone
            >
              Remove token
            </RowActionForm>
          </div>
        ) : null}
      </SectionCard>

      {token && token.workspaces.length > 0 ? (
        <SectionCard title="Workspaces" headingId="workspaces-heading" className="mt-6">
          <div className="mt-3">
            <WorkspacesForm workspaces={token.workspaces} chosen={token.workspaceTokens} />
          </div>
        </SectionCard>
      ) : null}
    </PageShell>
  );
}
