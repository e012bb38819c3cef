"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { chooseBillingAccountAction } from "@/lib/actions/onboardings";
import type { ActionResult } from "@/lib/actions/safe-action";

export type Choice = {
  name: string;
  displayName: string;
  agreementType: string;
  accountStatus: string;
  usable: boolean;
  reason: string | null;
  /** How the person sees it (older outputs lack these). */
  access?: "billing-role" | "global-admin";
  accessLabel?: string;
};

const agreementLabels: Record<string, string> = {
  MicrosoftCustomerAgreement: "Microsoft Customer Agreement",
  EnterpriseAgreement: "Enterprise Agreement",
  MicrosoftOnlineServicesProgram: "Pay-as-you-go (MOSP)",
  MicrosoftPartnerAgreement: "Microsoft Partner Agreement",
};

export function BillingAccountPicker({
  onboardingId,
  choices,
  selected,
  shareLinkId,
}: {
  onboardingId: string;
  choices: Choice[];
  selected: string | null;
  /** Set when a colleague acts through a share link. */
  shareLinkId?: string;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(chooseBillingAccountAction, null);
  const needsConfirm = state && !state.ok && state.fieldErrors?.confirmDuplicate;
  return (
    <form action={action} className="mt-3 space-y-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      {shareLinkId ? <input type="hidden" name="shareLinkId" value={shareLinkId} /> : null}
      <fieldset>
        <legend className="text-sm font-semibold text-slate-800">
          Choose the billing account to connect
        </legend>
        <ul className="mt-2 space-y-2">
          {choices.map((choice) => (
            <li
              key={choice.name}
              className={`rounded-md border p-3 ${choice.usable ? "border-slate-300 bg-white" : "border-slate-200 bg-slate-50"}`}
            >
              <label className="flex items-start gap-3">
                <input
                  type="radio"
                  name="billingAccountName"
                  value={choice.name}
                  disabled={!choice.usable}
                  defaultChecked={choice.name === selected}
                  className="mt-1"
                />
                <span>
                  <span className="block font-medium">{choice.displayName}</span>
                  <span className="block text-xs text-slate-600">
                    {agreementLabels[choice.agreementType] ?? choice.agreementType} · {choice.accountStatus} ·{" "}
                    <span className="font-mono">{choice.name}</span>
                  </span>
                  {choice.accessLabel ? (
                    <span className="mt-1 block text-sm text-slate-700">
                      <span className="font-medium">
                        {choice.access === "global-admin"
                          ? "Global Administrator access"
                          : "Your billing role"}
                        :{" "}
                      </span>
                      {choice.accessLabel}
                    </span>
                  ) : null}
                  {choice.reason ? (
                    <span className="mt-1 block text-sm text-amber-900">{choice.reason}</span>
                  ) : null}
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      {needsConfirm ? (
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="confirmDuplicate" value="yes" /> Connect it again
        </label>
      ) : null}
      <div className="flex items-center gap-3">
        <SubmitButton pendingText="Saving…" disabled={!choices.some((c) => c.usable)}>
          Use this billing account
        </SubmitButton>
        <p aria-live="polite" className="text-sm text-red-700">
          {state && !state.ok ? state.message : null}
        </p>
      </div>
    </form>
  );
}
