import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { AuditLog } from "@/components/audit/audit-log";
import { ChooseDestinationsForm } from "@/components/destinations/choose-destinations-form";
import { DisconnectPanel } from "@/components/integrations/disconnect-panel";
import { DisconnectedBanner } from "@/components/integrations/disconnected-banner";
import { RotateSecretPanel } from "@/components/integrations/rotate-secret-panel";
import { ConnectForm } from "@/components/onboardings/connect-form";
import { LiveProgress } from "@/components/onboardings/live-progress";
import { SettingsForm } from "@/components/onboardings/settings-form";
import { SharePanel } from "@/components/share-links/share-panel";
import { Checklist } from "@/components/steps/checklist";
import { PageShell } from "@/components/ui/page-shell";
import { SectionCard } from "@/components/ui/section-card";
import { requireUser } from "@/lib/auth";
import { warmDelegatedTokens } from "@/lib/azure/token-broker";
import { listAudit } from "@/lib/data/audit";
import { destinationIds, listDeliveriesOfOnboarding } from "@/lib/data/deliveries";
import { getIntegrationLifecycleViewForOnboarding } from "@/lib/data/integration-operations";
import { getOnboarding } from "@/lib/data/onboardings";
import { listShareLinks } from "@/lib/data/share-links";
import { getVantageTokenView } from "@/lib/data/vantage-tokens";
import { getEnv } from "@/lib/env";
import { graceChoices } from "@/lib/integrations/manage";
import { progressSnapshot } from "@/lib/onboardings/progress";
import { isId } from "@/lib/validations/ids";

export const metadata: Metadata = { title: "Connect your billing account" };

export default async function OnboardingPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/onboardings/${id}`);
  // An id that cannot be one of ours is unknown: no query with it (PostgreSQL refuses a NUL byte).
  if (!isId(id)) notFound();
  const [onboarding, audit, progress, links, integration, vantageToken] = await Promise.all([
    getOnboarding(user, id),
    listAudit(user, id),
    progressSnapshot(user, id),
    listShareLinks(user, id),
    getIntegrationLifecycleViewForOnboarding(user, id),
    getVantageTokenView(user),
  ]);
  if (!onboarding || !progress) notFound();
  // Read once the onboarding is known to be the user's.
  const deliveries = await listDeliveriesOfOnboarding(onboarding.id);
  const notChosen = destinationIds.filter((d) => !deliveries.some((x) => x.destination === d));

  const remaining = onboarding.steps.filter((s) => s.status !== "done").length;
  // Steps left to run with the person's sign-in: their tokens are fetched while the page is read.
  if (remaining && onboarding.mode !== "manual") warmDelegatedTokens(user.homeAccountId, user.tenantId);
  const started = onboarding.steps.some((s) => s.status !== "not_started");
  return (
    <PageShell
      title="Connect your billing account"
      description={
        <>
          {onboarding.mode === "manual"
            ? "Five steps, done by hand in Azure and pasted back here."
            : "Five steps, done for you with your Microsoft sign-in."}{" "}
          {onboarding.disconnected
            ? "Disconnected."
            : remaining === 0
              ? "All done."
              : `${5 - remaining} of 5 done.`}{" "}
          {onboarding.disconnected ? null : (
            <>
              <Link href={`/onboardings/${onboarding.id}/manual`} className="text-brand-700 underline">
                {onboarding.mode === "manual" ? "Instructions and paste-back" : "Or do it by hand"}
              </Link>{" "}
              ·{" "}
            </>
          )}
          <Link href={`/onboardings/${onboarding.id}/receipt`} className="text-brand-700 underline">
            Audit receipt
          </Link>
        </>
      }
      actions={
        remaining > 0 && !onboarding.disconnected ? (
          <ConnectForm
            onboardingId={onboarding.id}
            busy={progress.active}
            label={started ? "Connect (run remaining steps)" : "Connect"}
          />
        ) : null
      }
    >
      <div className="mt-3">
        <LiveProgress
          onboardingId={onboarding.id}
          initialActive={progress.active}
          initialFingerprint={progress.fingerprint}
          othersMayAct={links.some((l) => !l.revokedAt && l.expiresAt > new Date())}
        />
      </div>

      {onboarding.disconnected ? (
        <DisconnectedBanner
          billingAccount={onboarding.billingAccountDisplayName ?? onboarding.billingAccountName}
          at={integration?.disconnect?.finishedAt ?? null}
        />
      ) : null}

      {!onboarding.disconnected &&
      (!onboarding.clientId ||
        onboarding.steps.find((s) => s.stepId === "client-secret")?.status !== "done") ? (
        <SectionCard label="Settings" className="mt-6">
          <SettingsForm
            onboardingId={onboarding.id}
            appDisplayName={onboarding.appDisplayName}
            secretExpiryMonths={onboarding.secretExpiryMonths}
            appLocked={Boolean(onboarding.clientId)}
          />
        </SectionCard>
      ) : null}

      <Checklist onboarding={onboarding} deliveries={deliveries} />

      {!onboarding.disconnected && notChosen.length > 0 ? (
        <SectionCard label="Destinations" className="mt-6">
          <ChooseDestinationsForm
            onboardingId={onboarding.id}
            offered={notChosen}
            tokenHint={vantageToken?.hint ?? null}
          />
        </SectionCard>
      ) : null}

      {integration &&
      (integration.status === "disconnected" ||
        (onboarding.mode === "automated" &&
          onboarding.steps.find((s) => s.stepId === "verify")?.status === "done")) ? (
        <section aria-label="Connection" className="mt-6 space-y-4">
          {integration.status === "disconnected" ? null : (
            <RotateSecretPanel
              integration={integration}
              graceChoices={graceChoices()}
              defaultGraceSeconds={getEnv().rotationGraceSeconds}
            />
          )}
          <DisconnectPanel integration={integration} />
        </section>
      ) : null}

      {remaining > 0 || links.length > 0 || integration?.disconnect?.resolution === "needs-billing-owner" ? (
        <SharePanel onboardingId={onboarding.id} links={links} />
      ) : null}

      <AuditLog events={audit} />
    </PageShell>
  );
}
