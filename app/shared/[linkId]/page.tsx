import type { Metadata } from "next";

import { AuditLog } from "@/components/audit/audit-log";
import { SignInButton } from "@/components/auth/sign-in-button";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { DisconnectedBanner } from "@/components/integrations/disconnected-banner";
import { SiteHeader } from "@/components/layout/site-header";
import { ConnectForm } from "@/components/onboardings/connect-form";
import { LiveProgress } from "@/components/onboardings/live-progress";
import { LinkUnavailable, unavailableReasons } from "@/components/share-links/link-unavailable";
import { Checklist } from "@/components/steps/checklist";
import { resourcesForSteps, signInScopes } from "@/lib/azure/token-broker";
import { listAudit } from "@/lib/data/audit";
import { listDeliveriesOfOnboarding } from "@/lib/data/deliveries";
import { getSharedOnboarding } from "@/lib/data/onboardings";
import { recordShareVisit } from "@/lib/data/share-links";
import { utcDate } from "@/lib/format";
import { progressSnapshot } from "@/lib/onboardings/progress";
import { resolveShareAccess } from "@/lib/share-links/access";

// "same-origin", not "no-referrer": see next.config.ts (a form posted before hydration needs its Origin).
export const metadata: Metadata = { title: "Shared onboarding", referrer: "same-origin" };

const permissionWords = {
  graph: "Read and write all applications (Microsoft Graph), to register the app and add its secret",
  arm: "Access Azure Resource Manager as you, to find the billing account and assign the Billing account reader role",
} as const;

/**
 * What a colleague sees through a share link: the checklist's live progress, who shared it and when,
 * and never any secret material (the secret's hint at most). With an act link and a sign-in to the
 * onboarding's tenant, the remaining steps run with the colleague's own delegated token.
 */
export default async function SharedOnboardingPage({ params }: { params: Promise<{ linkId: string }> }) {
  const { linkId } = await params;
  const access = await resolveShareAccess(linkId);
  if (!access.ok) {
    const text = unavailableReasons[access.problem] ?? unavailableReasons.unknown!;
    return <LinkUnavailable title={text.title} body={text.body} />;
  }
  const { link, user } = access;
  const [onboarding, audit, progress, deliveries] = await Promise.all([
    getSharedOnboarding(link.id),
    listAudit({ shareLinkId: link.id }, link.onboardingId),
    progressSnapshot({ shareLinkId: link.id }, link.onboardingId),
    listDeliveriesOfOnboarding(link.onboardingId),
  ]);
  if (!onboarding || !progress) {
    const text = unavailableReasons.unknown!;
    return <LinkUnavailable title={text.title} body={text.body} />;
  }
  if (user) await recordShareVisit(link.id, user);

  const sharer = link.createdBy.name ?? link.createdBy.email ?? "A colleague";
  const remaining = onboarding.steps.filter((s) => s.status !== "done");
  const needs = resourcesForSteps(remaining.map((s) => s.stepId));
  const tenantName =
    (onboarding.steps.find((s) => s.stepId === "app-registration")?.outputs as { tenantName?: string } | null)
      ?.tenantName ?? null;
  const tenantLabel = tenantName ? `${tenantName} (${onboarding.tenantId})` : onboarding.tenantId;
  const cardAccess =
    access.role === "act" ? { role: "act" as const, shareLinkId: link.id } : { role: "view" as const };

  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        <p className="text-sm text-slate-600">
          Shared with you by <strong className="text-slate-900">{sharer}</strong> on {utcDate(link.createdAt)}{" "}
          · {link.scope === "act" ? "you may view and act" : "view only"} · link valid until{" "}
          {utcDate(link.expiresAt)}
        </p>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="text-brand-900 text-3xl font-bold">Connect the billing account</h1>
            <p className="mt-2 text-slate-700">
              {onboarding.disconnected
                ? "Disconnected."
                : remaining.length === 0
                  ? "All done."
                  : `${5 - remaining.length} of 5 done.`}{" "}
              App “{onboarding.appDisplayName}” in tenant {tenantLabel}.
            </p>
          </div>
          {access.role === "act" && remaining.length > 0 && !onboarding.disconnected ? (
            <ConnectForm
              onboardingId={onboarding.id}
              shareLinkId={link.id}
              busy={progress.active}
              label="Run remaining steps"
            />
          ) : null}
        </div>
        <div className="mt-3">
          <LiveProgress
            onboardingId={onboarding.id}
            shareLinkId={link.id}
            canAdvance={access.role === "act"}
            othersMayAct
            initialActive={progress.active}
            initialFingerprint={progress.fingerprint}
          />
        </div>

        {access.actBlockedBy === "sign-in" && remaining.length > 0 && !onboarding.disconnected ? (
          <section
            aria-labelledby="sign-in-heading"
            className="mt-6 rounded-lg border border-sky-200 bg-sky-50 p-5 text-sky-950"
          >
            <h2 id="sign-in-heading" className="text-lg font-semibold">
              Sign in to run the remaining steps
            </h2>
            <p className="mt-1 text-sm">
              Use your work account of this tenant. The steps run with your own Microsoft sign-in, and the
              record below shows your name beside what you do. Microsoft will ask you to allow:
            </p>
            <ul className="mt-2 list-disc pl-6 text-sm">
              {needs.map((resource) => (
                <li key={resource}>{permissionWords[resource]}</li>
              ))}
              <li>Sign you in and read your profile</li>
            </ul>
            <div className="mt-4">
              <SignInButton
                callbackUrl={`/shared/${link.id}`}
                scope={signInScopes(needs).join(" ")}
                label="Sign in with Microsoft to continue"
              />
            </div>
          </section>
        ) : null}
        {access.actBlockedBy === "other-tenant" ? (
          <div
            role="alert"
            className="mt-6 rounded-lg border border-amber-300 bg-amber-50 p-5 text-amber-950"
          >
            <p className="font-semibold">You are signed in to another tenant.</p>
            <p className="mt-1 text-sm">
              This onboarding belongs to the tenant {tenantLabel}. Your account ({user?.email ?? user?.name})
              is in the tenant {user?.tenantId}. Sign out, then sign in with an account of{" "}
              {tenantName ?? "that tenant"} to run its steps.
            </p>
            <div className="mt-3">
              <SignOutButton callbackUrl={`/shared/${link.id}`} />
            </div>
          </div>
        ) : null}

        {onboarding.disconnected ? (
          <DisconnectedBanner
            billingAccount={onboarding.billingAccountDisplayName ?? onboarding.billingAccountName}
            at={null}
            canStartNew={false}
          />
        ) : null}

        <Checklist onboarding={onboarding} access={cardAccess} deliveries={deliveries} />

        <AuditLog events={audit} />
      </main>
    </>
  );
}
