"use client";

import { useActionState } from "react";

import { DestinationFields } from "@/components/destinations/destination-fields";
import { AppNameField } from "@/components/onboardings/app-name-field";
import { ExpiryField } from "@/components/onboardings/expiry-field";
import { SubmitButton } from "@/components/ui/submit-button";
import { createAndConnectAction } from "@/lib/actions/onboardings";
import type { ActionResult } from "@/lib/actions/safe-action";
import { defaultSecretExpiryMonths } from "@/lib/onboardings/secret-expiry";

/**
 * A first onboarding in one click: Connect creates it with these settings (the defaults unless opened)
 * and runs the five steps; the checklist opens while they run.
 */
export function ConnectFirstForm({ vantageTokenHint }: { vantageTokenHint: string | null }) {
  const [state, action] = useActionState<ActionResult<{ id: string }> | null, FormData>(
    createAndConnectAction,
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="mb-4">
        <DestinationFields
          idPrefix="first"
          checked={vantageTokenHint ? ["vantage"] : ["api"]}
          tokenHint={vantageTokenHint}
          tokenError={errors?.vantageToken?.[0]}
        />
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <SubmitButton pendingText="Connecting…">Connect</SubmitButton>
        <p className="text-sm text-slate-700">
          Runs the five steps below with your Microsoft sign-in, in about a minute or less.
        </p>
      </div>
      <details className="mt-4" open={Boolean(errors?.appDisplayName || errors?.secretExpiryMonths)}>
        <summary className="text-brand-700 cursor-pointer text-sm font-medium">
          Settings: app “vantage”, secret valid {defaultSecretExpiryMonths} months
        </summary>
        <div className="mt-3 flex flex-wrap items-end gap-4">
          <AppNameField id="first-app-name" error={errors?.appDisplayName?.[0]} />
          <ExpiryField id="first-expiry" defaultMonths={defaultSecretExpiryMonths} />
        </div>
      </details>
      <p aria-live="polite" className="mt-2 text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
