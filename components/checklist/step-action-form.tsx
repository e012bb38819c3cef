"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { runStepAction } from "@/lib/actions/onboarding";

export function StepActionForm({
  onboardingId,
  stepId,
  label,
  disabled,
}: {
  onboardingId: string;
  stepId: string;
  label: string;
  disabled?: boolean;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(runStepAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      <input type="hidden" name="stepId" value={stepId} />
      <SubmitButton variant="secondary" pendingText="Running…" disabled={disabled}>
        {label}
      </SubmitButton>
      <p aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
