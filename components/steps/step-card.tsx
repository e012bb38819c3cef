import Link from "next/link";

import { CopyPanel } from "@/components/destinations/copy-panel";
import { DeliveryStatus } from "@/components/destinations/delivery-status";
import { PortalInstructions } from "@/components/manual/portal-instructions";
import { AskBillingOwner } from "@/components/share-links/ask-billing-owner";
import { BillingAccountPicker, type Choice } from "@/components/steps/billing-account-picker";
import { CheckAgainForm } from "@/components/steps/check-again-form";
import { StatusBadge } from "@/components/steps/status-badge";
import { StepActionForm } from "@/components/steps/step-action-form";
import { afterDisconnect, displayState } from "@/components/steps/step-state";
import type { DeliveryView } from "@/lib/data/deliveries";
import type { OnboardingView, StepView } from "@/lib/data/onboardings";
import { money, utcDate } from "@/lib/format";
import { stepInfo, unmetNeeds, type StepInfo } from "@/lib/onboardings/catalog";
import { knownValuesOf, portalPaths } from "@/lib/onboardings/manual/portal-path";
import type { AccessRole } from "@/lib/view-types";

/** Who is looking: the owner, a colleague who may act through a share link, or a viewer. */
export type CardAccess = { role: AccessRole; shareLinkId?: string };

type StepError = {
  message?: string;
  azureMessage?: string;
  action?: string;
  resolution?: string;
  code?: string;
  requestId?: string;
  waiting?: boolean;
};
type Outputs = Record<string, unknown> & { choices?: Choice[] };

function Field({ label, value, mono = true }: { label: string; value: React.ReactNode; mono?: boolean }) {
  if (value === null || value === undefined || value === "") return null;
  return (
    <div className="grid grid-cols-[11rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-slate-600">{label}</dt>
      <dd className={`${mono ? "font-mono" : ""} break-all text-slate-900`}>{value}</dd>
    </div>
  );
}

function StepOutputs({
  info,
  step,
  onboarding,
  owner,
}: {
  info: StepInfo;
  step: StepView;
  onboarding: OnboardingView;
  /** The integration's page is the owner's: a colleague with a share link gets no link to it. */
  owner: boolean;
}) {
  const o = (step.outputs ?? {}) as Outputs;
  switch (info.id) {
    case "app-registration":
      return (
        <dl>
          <Field label="Directory (tenant) ID" value={onboarding.clientId ? onboarding.tenantId : null} />
          <Field label="Application (client) ID" value={onboarding.clientId} />
          <Field label="App object ID" value={onboarding.applicationObjectId} />
          <Field label="Service principal ID" value={onboarding.servicePrincipalId} />
        </dl>
      );
    case "client-secret":
      return (
        <dl>
          <Field
            label="Secret"
            value={onboarding.secretHint ? `${onboarding.secretHint}… (stored encrypted)` : null}
          />
          <Field label="Expires" value={utcDate(onboarding.secretExpiresAt)} mono={false} />
        </dl>
      );
    case "billing-account": {
      const chosen = o.choices?.find((c) => c.name === onboarding.billingAccountName);
      return (
        <dl>
          <Field label="Billing account" value={onboarding.billingAccountDisplayName} mono={false} />
          <Field
            label="Billing account ID"
            value={step.status === "done" ? onboarding.billingAccountName : null}
          />
          <Field
            label="Your access"
            value={
              step.status === "done" && chosen?.access
                ? chosen.access === "global-admin"
                  ? "Global Administrator access (no billing role of your own)"
                  : "Your billing role"
                : null
            }
            mono={false}
          />
        </dl>
      );
    }
    case "role-assignment":
      return (
        <dl>
          <Field
            label="Role"
            value={onboarding.roleAssignmentId ? "Billing account reader" : null}
            mono={false}
          />
          <Field
            label="Assigned to"
            value={onboarding.roleAssignmentId ? onboarding.servicePrincipalId : null}
          />
          <Field label="Assignment ID" value={onboarding.roleAssignmentId} />
        </dl>
      );
    case "verify":
      if (step.status !== "done" || typeof o.amount !== "number") return null;
      return (
        <div className="rounded-md border border-emerald-200 bg-emerald-50 p-4">
          <p className="text-lg font-semibold text-emerald-900">Connected</p>
          <p className="mt-1 text-emerald-900">
            {o.amount === 0 ? (
              "Nothing spent yet this month."
            ) : (
              <>
                <span className="text-2xl font-bold">
                  {money(o.amount, (o.currency as string | null) ?? null)}
                </span>{" "}
                spent this month so far
              </>
            )}
          </p>
          <p className="mt-1 text-xs text-emerald-800">
            Read as the new app from Cost Management, {utcDate(o.from as string | undefined)} to{" "}
            {utcDate(o.to as string | undefined)} (UTC).
          </p>
          {owner && typeof o.integrationId === "string" ? (
            <p className="mt-2 text-sm">
              <Link href={`/integrations/${o.integrationId}`} className="text-emerald-900 underline">
                Health, secret expiry and reminders of this integration
              </Link>
            </p>
          ) : null}
        </div>
      );
  }
}

/** Refusals a billing account owner can resolve: step 4 refused, or step 3 seeing no billing account. */
function needsBillingOwner(error: StepError | null) {
  return error?.resolution === "needs-billing-owner" || error?.resolution === "no-usable-billing-account";
}

export function StepCard({
  info,
  step,
  onboarding,
  access = { role: "owner" },
  deliveries = [],
}: {
  info: StepInfo;
  step: StepView;
  onboarding: OnboardingView;
  access?: CardAccess;
  /** Where the credentials go: shown at the end of step 5. */
  deliveries?: DeliveryView[];
}) {
  // After a disconnect the card tells what Azure holds now, and nothing can run again.
  const gone = onboarding.disconnected ? afterDisconnect[info.id] : undefined;
  const state = gone?.state ?? displayState(step.status, step.error);
  const error = onboarding.disconnected ? null : ((step.error ?? null) as StepError | null);
  const outputs = (step.outputs ?? {}) as Outputs;
  const unmet = unmetNeeds(info, (id) => onboarding.steps.find((s) => s.stepId === id)?.status, {
    applicationObjectId: onboarding.applicationObjectId,
  });
  const pending = unmet.map((need) => stepInfo(need).number);
  const dependenciesDone = unmet.length === 0;
  const busy = state === "running" || state === "waiting" || state === "queued";
  const buttonLabel =
    step.status === "done"
      ? "Redo this step"
      : step.status === "needs_attention" && state !== "awaiting_owner"
        ? "Try again"
        : "Run this step";
  const headingId = `step-${info.id}`;
  return (
    <li aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-brand-600 text-sm font-medium">Step {info.number}</p>
          <h3 id={headingId} className="text-lg font-semibold text-slate-900">
            {info.title}
          </h3>
        </div>
        <StatusBadge state={state} />
      </div>
      <p className="mt-2 text-sm text-slate-700">{info.summary}</p>
      <p className="mt-1 text-sm text-slate-600">
        <span className="font-medium">Why: </span>
        {info.why}
      </p>

      <div className="mt-3">
        {gone ? (
          <p className="text-sm font-medium text-slate-800">{gone.text}</p>
        ) : (
          <StepOutputs info={info} step={step} onboarding={onboarding} owner={access.role === "owner"} />
        )}
        {!gone && step.status === "done" && outputs.byHand ? (
          <p className="mt-1 text-sm text-slate-600">Done by hand in the Azure portal.</p>
        ) : null}
        {info.id === "verify" ? (
          <DeliveryStatus
            deliveries={deliveries}
            connected={step.status === "done" && !onboarding.disconnected}
            owner={access.role === "owner"}
          />
        ) : null}
        {/* The owner's alone: a share page never carries the panel, let alone its password. */}
        {info.id === "verify" &&
        access.role === "owner" &&
        step.status === "done" &&
        !onboarding.disconnected &&
        onboarding.clientId &&
        onboarding.billingAccountName ? (
          <CopyPanel
            onboardingId={onboarding.id}
            tenantId={onboarding.tenantId}
            clientId={onboarding.clientId}
            billingAccountName={onboarding.billingAccountName}
            secretHint={onboarding.secretHint}
            loginHint={onboarding.owner.email ?? undefined}
          />
        ) : null}
      </div>

      {state === "waiting" && error?.message ? (
        <p className="mt-3 text-sm text-sky-900">{error.message}</p>
      ) : null}
      {state === "queued" && pending.length > 0 ? (
        <p className="mt-3 text-sm text-slate-600">
          {info.startsOnceSaved && pending.length === 1
            ? `Starts as soon as step ${pending[0]} has created the app.`
            : `Starts when step ${pending.join(" and ")} ${pending.length > 1 ? "are" : "is"} done.`}
        </p>
      ) : null}
      {state === "cancelled" && error?.message ? (
        <p className="mt-3 text-sm text-slate-700">{error.message}</p>
      ) : null}
      {(state === "needs_attention" || state === "awaiting_owner") && error ? (
        <div
          role="alert"
          className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <p className="font-medium">{error.message}</p>
          {error.action ? <p className="mt-1">{error.action}</p> : null}
          {error.azureMessage && error.azureMessage !== error.message ? (
            <p className="mt-1 text-amber-900">
              <span className="font-medium">Azure said: </span>
              {error.azureMessage}
            </p>
          ) : null}
          {error.code || error.requestId ? (
            <p className="mt-1 text-xs text-amber-900">
              {error.code ? `Azure error ${error.code}` : null}
              {error.requestId ? ` · request id ${error.requestId}` : null}
            </p>
          ) : null}
        </div>
      ) : null}

      {state === "needs_attention" && access.role === "owner" && needsBillingOwner(error) ? (
        <AskBillingOwner onboardingId={onboarding.id} />
      ) : null}
      {state === "needs_attention" && access.role === "act" && needsBillingOwner(error) ? (
        <p className="mt-3 text-sm font-medium text-slate-800">
          This is likely the step you were asked to finish: if you are a Billing account owner, run it with
          the button below.
        </p>
      ) : null}

      {access.role !== "view" &&
      info.id === "billing-account" &&
      error?.resolution &&
      outputs.choices?.length ? (
        <BillingAccountPicker
          onboardingId={onboarding.id}
          choices={outputs.choices}
          selected={onboarding.billingAccountName}
          shareLinkId={access.shareLinkId}
        />
      ) : null}

      {onboarding.disconnected ? null : (
        <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
          {access.role === "view" ? (
            <span />
          ) : (
            <div className="flex flex-wrap items-center gap-3">
              <StepActionForm
                onboardingId={onboarding.id}
                stepId={info.id}
                label={buttonLabel}
                disabled={busy || !dependenciesDone}
                shareLinkId={access.shareLinkId}
              />
              {info.id === "role-assignment" && step.status !== "done" && dependenciesDone ? (
                <CheckAgainForm
                  onboardingId={onboarding.id}
                  stepId={info.id}
                  disabled={busy}
                  shareLinkId={access.shareLinkId}
                />
              ) : null}
            </div>
          )}
          {access.role === "owner" ? (
            <Link
              href={`/onboardings/${onboarding.id}/manual#step-${info.id}`}
              className="text-brand-700 text-sm underline"
            >
              Do this step by hand
            </Link>
          ) : null}
          <details className="text-sm">
            <summary className="text-brand-700 cursor-pointer underline">
              How this looks in the Azure portal
            </summary>
            <div className="mt-3">
              <PortalInstructions
                info={info}
                path={portalPaths[info.id]}
                values={knownValuesOf(onboarding)}
              />
            </div>
          </details>
        </div>
      )}
    </li>
  );
}
