"use client";

import { useActionState } from "react";

import { NewLinkResult } from "@/components/share-links/new-link-result";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { askBillingOwnerAction, type NewShareLink } from "@/lib/actions/share-links";

/** A refused billing step's way forward: a link that lets the billing account owner finish it. */
export function AskBillingOwner({ onboardingId }: { onboardingId: string }) {
  const [state, action] = useActionState<ActionResult<NewShareLink> | null, FormData>(
    askBillingOwnerAction,
    null,
  );
  return (
    <div className="mt-3">
      {state?.ok ? null : (
        <form action={action} className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="onboardingId" value={onboardingId} />
          <SubmitButton pendingText="Creating a link…">Ask your billing account owner</SubmitButton>
          <p aria-live="polite" className="text-sm text-red-700">
            {state && !state.ok ? state.message : null}
          </p>
        </form>
      )}
      {state?.ok ? <NewLinkResult {...state.data} /> : null}
    </div>
  );
}
