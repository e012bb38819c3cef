"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { checkAgainAction } from "@/lib/actions/manual";
import type { ActionResult } from "@/lib/actions/safe-action";

/** "I have done it: check again": after doing a step by hand, look for its result in Azure and adopt it. */
export function CheckAgainForm({
  onboardingId,
  stepId,
  disabled,
  shareLinkId,
}: {
  onboardingId: string;
  stepId: string;
  disabled?: boolean;
  /** Set when a colleague acts through a share link. */
  shareLinkId?: string;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(checkAgainAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      <input type="hidden" name="stepId" value={stepId} />
      {shareLinkId ? <input type="hidden" name="shareLinkId" value={shareLinkId} /> : null}
      <SubmitButton variant="secondary" pendingText="Checking…" disabled={disabled}>
        I have done it: check again
      </SubmitButton>
      <p aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
