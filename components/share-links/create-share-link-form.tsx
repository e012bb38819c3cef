"use client";

import { useActionState } from "react";

import { NewLinkResult } from "@/components/share-links/new-link-result";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { createShareLinkAction, type NewShareLink } from "@/lib/actions/share-links";
import { shareLinkDefaultDays, shareLinkMaxDays } from "@/lib/validations/share-link-limits";

export function CreateShareLinkForm({ onboardingId }: { onboardingId: string }) {
  const [state, action] = useActionState<ActionResult<NewShareLink> | null, FormData>(
    createShareLinkAction,
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div>
      <form action={action} noValidate className="space-y-3">
        <input type="hidden" name="onboardingId" value={onboardingId} />
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">The colleague may</legend>
          <div className="mt-1 flex flex-wrap gap-4 text-sm text-slate-800">
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="scope" value="act" defaultChecked />
              View and act (sign in and run the remaining steps)
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="scope" value="view" />
              Only view progress
            </label>
          </div>
        </fieldset>
        <div>
          <label htmlFor="share-expiry" className="block text-sm font-medium text-slate-800">
            Valid for (days, at most {shareLinkMaxDays})
          </label>
          <input
            id="share-expiry"
            name="expiryDays"
            type="number"
            min={1}
            max={shareLinkMaxDays}
            defaultValue={shareLinkDefaultDays}
            aria-invalid={Boolean(errors?.expiryDays)}
            aria-describedby={errors?.expiryDays ? "share-expiry-error" : undefined}
            className="mt-1 w-28 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          {errors?.expiryDays ? (
            <p id="share-expiry-error" className="mt-1 text-sm text-red-700">
              {errors.expiryDays[0]}
            </p>
          ) : null}
        </div>
        <SubmitButton variant="secondary" pendingText="Creating…">
          Create share link
        </SubmitButton>
        <p aria-live="polite" className="text-sm text-red-700">
          {state && !state.ok && !errors ? state.message : null}
        </p>
      </form>
      {state?.ok ? <NewLinkResult {...state.data} /> : null}
    </div>
  );
}
