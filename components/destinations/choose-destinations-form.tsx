"use client";

import { useActionState } from "react";

import { DestinationFields, type destinationLabels } from "@/components/destinations/destination-fields";
import { SubmitButton } from "@/components/ui/submit-button";
import { chooseDestinationsAction } from "@/lib/actions/destinations";
import type { ActionResult } from "@/lib/actions/safe-action";

/** Adds destinations to an onboarding, before Connect or after Connected (the owner's only). */
export function ChooseDestinationsForm({
  onboardingId,
  offered,
  tokenHint,
}: {
  onboardingId: string;
  offered: (keyof typeof destinationLabels)[];
  tokenHint: string | null;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(chooseDestinationsAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      <DestinationFields
        idPrefix="add"
        offered={offered}
        tokenHint={tokenHint}
        tokenError={errors?.vantageToken?.[0]}
      />
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton variant="secondary" pendingText="Checking…">
          Add destination
        </SubmitButton>
        <p aria-live="polite" className={`text-sm ${state?.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state ? state.message : null}
        </p>
      </div>
    </form>
  );
}
