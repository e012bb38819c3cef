"use client";

import { useActionState } from "react";

import { ExpiryField } from "@/components/onboardings/expiry-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { updateSettingsAction } from "@/lib/actions/onboardings";
import type { ActionResult } from "@/lib/actions/safe-action";

export function SettingsForm({
  onboardingId,
  appDisplayName,
  secretExpiryMonths,
  appLocked,
}: {
  onboardingId: string;
  appDisplayName: string;
  secretExpiryMonths: number;
  appLocked: boolean;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(updateSettingsAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="flex flex-wrap items-end gap-4">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      <div>
        <label htmlFor="appDisplayName" className="block text-sm font-medium text-slate-700">
          App registration name
        </label>
        <input
          id="appDisplayName"
          name="appDisplayName"
          defaultValue={appDisplayName}
          disabled={appLocked}
          aria-invalid={Boolean(errors?.appDisplayName)}
          aria-describedby="appDisplayName-help"
          className="mt-1 block w-56 rounded-md border border-slate-300 px-3 py-2 text-sm disabled:bg-slate-100"
        />
        <p id="appDisplayName-help" className="mt-1 text-xs text-slate-600">
          {errors?.appDisplayName?.[0] ?? (appLocked ? "Created in Azure; fixed now." : "Shown in Entra ID.")}
        </p>
      </div>
      <ExpiryField
        id="secretExpiryMonths"
        defaultMonths={secretExpiryMonths}
        hint={errors?.secretExpiryMonths?.[0] ?? "Renew before it expires."}
      />
      <div className="pb-5">
        <SubmitButton variant="secondary" pendingText="Saving…">
          Save settings
        </SubmitButton>
      </div>
      <p aria-live="polite" className="w-full text-sm text-slate-700">
        {state ? state.message : null}
      </p>
    </form>
  );
}
