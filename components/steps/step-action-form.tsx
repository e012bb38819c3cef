"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { runStepAction } from "@/lib/actions/onboardings";
import type { ActionResult } from "@/lib/actions/safe-action";

export function StepActionForm({
  onboardingId,
  shareLinkId,
  stepId,
  label,
  disabled,
}: {
  onboardingId: string;
  /** Set when a colleague acts through a share link; the server checks the link's cookie. */
  shareLinkId?: string;
  stepId: string;
  label: string;
  disabled?: boolean;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(runStepAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      {shareLinkId ? <input type="hidden" name="shareLinkId" value={shareLinkId} /> : null}
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
