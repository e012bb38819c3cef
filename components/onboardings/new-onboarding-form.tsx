"use client";

import { useActionState } from "react";

import { AppNameField } from "@/components/onboardings/app-name-field";
import { ExpiryField } from "@/components/onboardings/expiry-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { createOnboardingAction } from "@/lib/actions/onboardings";
import type { ActionResult } from "@/lib/actions/safe-action";
import { defaultSecretExpiryMonths } from "@/lib/onboardings/secret-expiry";

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
      <AppNameField id="new-app-name" error={errors?.appDisplayName?.[0]} />
      <ExpiryField id="new-expiry" defaultMonths={defaultSecretExpiryMonths} />
      <fieldset className="w-full">
        <legend className="text-sm font-medium text-slate-700">How to connect</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          <label className="has-checked:border-brand-600 has-checked:bg-brand-50 flex items-start gap-2 rounded-md border border-slate-300 p-3 text-sm">
            <input type="radio" name="mode" value="automated" defaultChecked className="mt-1" />
            <span>
              <span className="block font-medium text-slate-900">Automated</span>
              <span className="block text-slate-600">
                MCA Connect does the five steps with your Microsoft sign-in.
              </span>
            </span>
          </label>
          <label className="has-checked:border-brand-600 has-checked:bg-brand-50 flex items-start gap-2 rounded-md border border-slate-300 p-3 text-sm">
            <input type="radio" name="mode" value="manual" className="mt-1" />
            <span>
              <span className="block font-medium text-slate-900">By hand</span>
              <span className="block text-slate-600">
                Follow instructions in the Azure portal or the Azure CLI, then paste four values back.
              </span>
            </span>
          </label>
        </div>
      </fieldset>
      <SubmitButton pendingText="Starting…">Start a new onboarding</SubmitButton>
      <p aria-live="polite" className="w-full text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
