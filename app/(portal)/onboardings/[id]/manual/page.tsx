import type { Metadata } from "next";
import { notFound } from "next/navigation";

import { CodeBlock } from "@/components/manual/code-block";
import { KnownValue } from "@/components/manual/known-value";
import { PasteBackForm } from "@/components/manual/paste-back-form";
import { PortalInstructions, type KnownValues } from "@/components/manual/portal-instructions";
import { ScrollToHash } from "@/components/manual/scroll-to-hash";
import { VerificationStatus } from "@/components/manual/verification-status";
import { LiveProgress } from "@/components/onboardings/live-progress";
import { CheckAgainForm } from "@/components/steps/check-again-form";
import { StatusBadge } from "@/components/steps/status-badge";
import { displayState } from "@/components/steps/step-state";
import { PageShell } from "@/components/ui/page-shell";
import { SectionCard } from "@/components/ui/section-card";
import { requireUser } from "@/lib/auth";
import { getOnboarding } from "@/lib/data/onboardings";
import { stepCatalog } from "@/lib/onboardings/catalog";
import { secretDescription } from "@/lib/onboardings/catalog";
import { cliLinesForStep, cliScript, type ManualValues } from "@/lib/onboardings/manual/cli";
import { knownValuesOf, portalPaths } from "@/lib/onboardings/manual/portal-path";
import { progressSnapshot } from "@/lib/onboardings/progress";
import { isId } from "@/lib/validations/ids";

export const metadata: Metadata = { title: "Connect by hand" };

export default async function ManualPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/onboardings/${id}/manual`);
  if (!isId(id)) notFound();
  const [onboarding, progress] = await Promise.all([getOnboarding(user, id), progressSnapshot(user, id)]);
  if (!onboarding || !progress) notFound();

  const manual: ManualValues = {
    tenantId: onboarding.tenantId,
    appDisplayName: onboarding.appDisplayName,
    secretDescription,
    secretExpiryMonths: onboarding.secretExpiryMonths,
    clientId: onboarding.clientId,
    servicePrincipalId: onboarding.servicePrincipalId,
    billingAccountName: onboarding.billingAccountName,
  };
  const known: KnownValues = knownValuesOf(onboarding);
  const stepOf = (stepId: string) => onboarding.steps.find((s) => s.stepId === stepId);
  const verify = stepOf("verify");
  const roleStep = stepOf("role-assignment");

  return (
    <PageShell
      title="Connect by hand"
      back={{ href: `/onboardings/${id}`, label: "Back to the checklist" }}
      description={
        <>
          Do the steps yourself in the Azure portal, or run the Azure CLI script, then paste the four values
          back in step 5. MCA Connect needs no rights in your tenant for this: it checks the values by signing
          in as the new app. Every value we already know is filled in below.
        </>
      }
    >
      <ScrollToHash />
      {verify && verify.status !== "not_started" ? (
        <p className="mt-4 text-sm">
          <a href="#step-verify" className="text-brand-700 font-medium underline">
            {verify.status === "done"
              ? "Connected: see step 5"
              : verify.status === "needs_attention"
                ? "The check of the pasted values failed: see step 5"
                : "Checking the pasted values: see step 5"}
          </a>
        </p>
      ) : null}
      <div className="mt-3">
        <LiveProgress
          onboardingId={onboarding.id}
          initialActive={progress.active}
          initialFingerprint={progress.fingerprint}
        />
      </div>

      <SectionCard title="Values for this onboarding" headingId="values-heading" className="mt-6">
        <dl className="mt-2 divide-y divide-slate-100">
          <KnownValue label="Directory (tenant) ID" value={manual.tenantId} unknown="Your tenant's ID" />
          <KnownValue label="App name" value={manual.appDisplayName} unknown="vantage" />
          <KnownValue
            label="Application (client) ID"
            value={manual.clientId}
            unknown="Not known yet: shown on the app's Overview after step 1"
          />
          <KnownValue
            label="Service principal ID"
            value={manual.servicePrincipalId}
            unknown="Made with the app in step 1 (MCA Connect does not need it)"
          />
          <KnownValue label="Secret description" value={manual.secretDescription} unknown="vantage-secret" />
          <KnownValue
            label="Billing account ID"
            value={manual.billingAccountName}
            unknown="Not known yet: found in step 3"
          />
        </dl>
      </SectionCard>

      <SectionCard title="Or use the Azure CLI" headingId="cli-heading" className="mt-6">
        <p className="mt-1 text-sm text-slate-700">
          The whole onboarding as one script for a shell signed in with <code>az login</code>. It ends by
          printing the four values to paste back. Each step below also shows its own lines.
        </p>
        <CodeBlock code={cliScript(manual)} label="Copy the whole script" />
      </SectionCard>

      <ol className="mt-8 space-y-6">
        {stepCatalog.map((info) => {
          const step = stepOf(info.id);
          const state = displayState(step?.status ?? "not_started", step?.error ?? null);
          const byHand = Boolean((step?.outputs as { byHand?: boolean } | null)?.byHand);
          return (
            <li key={info.id}>
              <section
                id={`step-${info.id}`}
                aria-labelledby={`manual-${info.id}-heading`}
                className="scroll-mt-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
              >
                <div className="flex flex-wrap items-start justify-between gap-3">
                  <div>
                    <p className="text-brand-600 text-sm font-medium">Step {info.number}</p>
                    <h2 id={`manual-${info.id}-heading`} className="text-lg font-semibold text-slate-900">
                      {info.title}
                    </h2>
                  </div>
                  <span className="flex items-center gap-2">
                    {byHand ? <span className="text-xs text-slate-600">done by hand</span> : null}
                    <StatusBadge state={state} />
                  </span>
                </div>
                <p className="mt-2 text-sm text-slate-700">{info.summary}</p>
                <h3 className="mt-4 text-sm font-semibold text-slate-900">
                  {info.id === "verify" ? "Here, in MCA Connect" : "In the Azure portal"}
                </h3>
                <div className="mt-2">
                  <PortalInstructions info={info} path={portalPaths[info.id]} values={known} />
                </div>
                {info.id !== "verify" ? (
                  <details className="mt-4">
                    <summary className="text-brand-700 cursor-pointer text-sm font-medium underline">
                      With the Azure CLI instead
                    </summary>
                    <CodeBlock
                      code={cliLinesForStep(info.id, manual)}
                      label={`Copy the lines of step ${info.number}`}
                    />
                  </details>
                ) : null}
                {info.id === "role-assignment" &&
                manual.servicePrincipalId &&
                manual.billingAccountName &&
                roleStep?.status !== "done" ? (
                  <div className="mt-4 rounded-md border border-slate-200 bg-slate-50 p-3">
                    <p className="mb-2 text-sm text-slate-700">
                      Steps 1 to 3 ran here. Once the role is assigned in the portal, MCA Connect can find it
                      and go on with step 5.
                    </p>
                    <CheckAgainForm onboardingId={onboarding.id} stepId="role-assignment" />
                  </div>
                ) : null}
                {info.id === "verify" ? (
                  <div className="mt-5 space-y-5">
                    {verify ? <VerificationStatus onboardingId={onboarding.id} step={verify} /> : null}
                    <PasteBackForm
                      onboardingId={onboarding.id}
                      initial={{
                        tenantId: onboarding.tenantId,
                        clientId: onboarding.clientId ?? "",
                        billingAccountId: onboarding.billingAccountName ?? "",
                      }}
                      storedSecretHint={onboarding.secretHint}
                    />
                  </div>
                ) : null}
              </section>
            </li>
          );
        })}
      </ol>
    </PageShell>
  );
}
