import Link from "next/link";

import { StepActionForm } from "@/components/steps/step-action-form";
import { displayState } from "@/components/steps/step-state";
import type { StepView } from "@/lib/data/onboardings";
import { money, utcDate } from "@/lib/format";
import { stepIds, stepInfo, type StepId } from "@/lib/onboardings/catalog";

type VerifyError = {
  message?: string;
  action?: string;
  resolution?: string;
  code?: string;
  requestId?: string;
};
type VerifyOutputs = {
  amount?: number;
  currency?: string | null;
  from?: string;
  to?: string;
  integrationId?: string;
};

/** Step 5's check, as manual mode shows it: connected, still checking, or the step to redo. */
export function VerificationStatus({ onboardingId, step }: { onboardingId: string; step: StepView }) {
  const state = displayState(step.status, step.error);
  const error = (step.error ?? null) as VerifyError | null;
  const outputs = (step.outputs ?? {}) as VerifyOutputs;
  if (state === "not_started") return null;
  if (state === "done" && typeof outputs.amount === "number") {
    return (
      <div className="rounded-md border border-emerald-200 bg-emerald-50 p-4">
        <p className="text-lg font-semibold text-emerald-900">Connected</p>
        <p className="mt-1 text-emerald-900">
          {outputs.amount === 0
            ? "Nothing spent yet this month."
            : `${money(outputs.amount, outputs.currency ?? null)} spent this month so far.`}
        </p>
        <p className="mt-1 text-xs text-emerald-800">
          Read as the app from Cost Management, {utcDate(outputs.from)} to {utcDate(outputs.to)} (UTC).
        </p>
        {outputs.integrationId ? (
          <p className="mt-2 text-sm">
            <Link href={`/integrations/${outputs.integrationId}`} className="text-emerald-900 underline">
              Health, secret expiry and reminders of this integration
            </Link>
          </p>
        ) : null}
      </div>
    );
  }
  if (state === "cancelled")
    return <p className="rounded-md bg-slate-100 p-4 text-sm text-slate-800">{error?.message}</p>;
  if (state === "awaiting_owner" && error)
    return (
      <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
        <p className="font-semibold">{error.message}</p>
        <div className="mt-3">
          <StepActionForm onboardingId={onboardingId} stepId="verify" label="Check again" />
        </div>
      </div>
    );
  if (state === "needs_attention" && error) {
    const redo = error.resolution?.startsWith("redo-") ? (error.resolution.slice(5) as StepId) : null;
    const redoInfo = redo && stepIds.includes(redo) ? stepInfo(redo) : null;
    return (
      <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950">
        <p className="font-semibold">The check failed: {error.message}</p>
        {error.action ? <p className="mt-1">{error.action}</p> : null}
        {redoInfo ? (
          <p className="mt-2">
            <a href={`#step-${redoInfo.id}`} className="text-brand-700 font-medium underline">
              Go to step {redoInfo.number}: {redoInfo.title}
            </a>
          </p>
        ) : null}
        {error.code || error.requestId ? (
          <p className="mt-2 text-xs text-amber-900">
            {error.code ? `Azure error ${error.code}` : null}
            {error.requestId ? ` · request id ${error.requestId}` : null}
          </p>
        ) : null}
        <div className="mt-3">
          <StepActionForm onboardingId={onboardingId} stepId="verify" label="Check again" />
        </div>
      </div>
    );
  }
  return (
    <div className="flex items-start gap-3 rounded-md border border-sky-200 bg-sky-50 p-4 text-sm text-sky-950">
      <span
        aria-hidden="true"
        className="mt-0.5 inline-block h-4 w-4 shrink-0 animate-spin rounded-full border-2 border-current border-t-transparent"
      />
      <p>
        <span className="font-semibold">Checking with Azure. </span>
        {state === "waiting" && error?.message
          ? error.message
          : "Signing in as the app and reading the billing account…"}
      </p>
    </div>
  );
}
