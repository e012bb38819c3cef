"use client";

/**
 * The copy panel, for people who paste: the four values Vantage's console asks for (Settings >
 * Integrations > Azure), under its labels and in its order, each with a copy button. The password stays
 * hidden until its owner asks for it after a fresh sign-in; it then lives in this component's state
 * only (the server action's answer), never in the page, a share page or a cached response.
 */
import { useActionState, useState } from "react";

import { reauthenticateWithMicrosoft } from "@/components/auth/auth-requests";
import { CopyButton } from "@/components/ui/copy-button";
import { SubmitButton } from "@/components/ui/submit-button";
import { revealSecretAction, type RevealState } from "@/lib/actions/reveal";

function Row({ label, value, children }: { label: string; value?: string; children?: React.ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-2 text-sm sm:grid-cols-[14rem_1fr] sm:gap-3">
      <dt className="font-medium text-slate-800">{label}</dt>
      <dd className="flex flex-wrap items-center gap-2">
        {value !== undefined ? (
          <>
            <span className="font-mono break-all text-slate-900">{value}</span>
            <CopyButton value={value} label={`Copy ${label}`} />
          </>
        ) : (
          children
        )}
      </dd>
    </div>
  );
}

export function CopyPanel({
  onboardingId,
  tenantId,
  clientId,
  billingAccountName,
  secretHint,
  loginHint,
}: {
  onboardingId: string;
  tenantId: string;
  clientId: string;
  billingAccountName: string;
  secretHint: string | null;
  /** The owner's sign-in name, so the new sign-in starts with their account. */
  loginHint?: string;
}) {
  const [state, action] = useActionState<RevealState | null, FormData>(revealSecretAction, null);
  const [redirecting, setRedirecting] = useState(false);
  const password = state?.ok ? state.data.password : undefined;
  return (
    <section
      id="copy-panel"
      aria-labelledby="copy-panel-heading"
      className="mt-4 rounded-md border border-slate-200 p-4"
    >
      <h4 id="copy-panel-heading" className="font-semibold text-slate-900">
        Copy into Vantage&apos;s console
      </h4>
      <p className="mt-1 text-sm text-slate-700">
        In Vantage, Settings &gt; Integrations &gt; Azure: paste each value into the field of the same name.
      </p>
      <dl className="mt-2 divide-y divide-slate-100">
        <Row label="Azure AD Tenant ID" value={tenantId} />
        <Row label="Service Principal App ID" value={clientId} />
        {password !== undefined ? (
          <Row label="Service Principal Password" value={password} />
        ) : (
          <Row label="Service Principal Password">
            <span className="font-mono text-slate-600">
              {secretHint ? `${secretHint}… (hidden)` : "(hidden)"}
            </span>
            <form action={action} className="inline-flex">
              <input type="hidden" name="onboardingId" value={onboardingId} />
              <SubmitButton variant="secondary" pendingText="Revealing…">
                Reveal password
              </SubmitButton>
            </form>
          </Row>
        )}
        <Row label="Billing Account Id" value={billingAccountName} />
      </dl>
      {password !== undefined ? (
        <p className="mt-2 text-sm text-slate-700">
          Shown to you now, and written to the audit receipt. It is not shown again when you leave this page.
        </p>
      ) : (
        <p className="mt-2 text-sm text-slate-600">
          The password is shown only to you, within 5 minutes of signing in, and each reveal is written to the
          audit receipt.
        </p>
      )}
      {state && !state.ok ? (
        <div
          role="alert"
          className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <p>{state.message}</p>
          {state.signInAgain ? (
            <button
              type="button"
              disabled={redirecting}
              onClick={() => {
                setRedirecting(true);
                void reauthenticateWithMicrosoft(`/onboardings/${onboardingId}#copy-panel`, loginHint).catch(
                  () => setRedirecting(false),
                );
              }}
              className="bg-brand-600 hover:bg-brand-700 mt-2 rounded-md px-3 py-1.5 font-semibold text-white disabled:opacity-70"
            >
              {redirecting ? "Redirecting to Microsoft…" : "Sign in again"}
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
