"use client";

import { useActionState } from "react";

import { ExpiryField } from "@/components/onboardings/expiry-field";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { createOnboardingAction } from "@/lib/actions/onboarding";
import { defaultSecretExpiryMonths } from "@/lib/onboarding/secret-expiry";

export function NewOnboardingForm() {
  const [state, action] = useActionState<ActionResult<{ id: string }> | null, FormData>(
    createOnboardingAction,
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form
      action={action}
      className="flex flex-wrap items-end gap-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
    >
      <div>
        <label htmlFor="new-app-name" className="block text-sm font-medium text-slate-700">
          App registration name
        </label>
        <input
          id="new-app-name"
          name="appDisplayName"
          defaultValue="vantage"
          required
          maxLength={120}
          aria-invalid={Boolean(errors?.appDisplayName)}
          className="mt-1 block w-56 rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {errors?.appDisplayName ? (
          <p className="mt-1 text-xs text-red-700">{errors.appDisplayName[0]}</p>
        ) : null}
      </div>
      <ExpiryField id="new-expiry" defaultMonths={defaultSecretExpiryMonths} />
      <SubmitButton pendingText="Starting…">Start a new onboarding</SubmitButton>
      <p aria-live="polite" className="w-full text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
