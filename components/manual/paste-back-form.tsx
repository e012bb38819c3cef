"use client";

import { useActionState, useState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { pasteCredentialsAction, type PasteBackState } from "@/lib/actions/manual";
import { checkSecret, fieldLabels, type PasteField } from "@/lib/validations/paste-back";

type Values = Record<PasteField, string>;

const hints: Record<PasteField, string> = {
  tenantId:
    "A GUID from the app's Overview page, or a domain of your tenant such as contoso.onmicrosoft.com.",
  clientId: "A GUID from the app's Overview page (step 1).",
  clientSecret: "The Value shown once when you added the secret (step 2), not its Secret ID.",
  billingAccountId: "From Cost Management + Billing, Properties (step 3): <GUID>:<GUID>_<date>.",
};

/**
 * The four values pasted back. The inputs keep what was typed in client state, so a refused submit
 * loses nothing; the server never sends the secret back, and after a refusal the secret field shows
 * the same cleaning the server applied (done here, in the browser, with the same validator).
 */
export function PasteBackForm({
  onboardingId,
  initial,
  storedSecretHint,
}: {
  onboardingId: string;
  initial: Omit<Values, "clientSecret">;
  /** First characters of the secret already stored, if any (never the secret itself). */
  storedSecretHint: string | null;
}) {
  const [values, setValues] = useState<Values>({ ...initial, clientSecret: "" });
  const [showSecret, setShowSecret] = useState(false);
  const [state, formAction] = useActionState<PasteBackState | null, FormData>(async (previous, formData) => {
    const result = await pasteCredentialsAction(previous, formData);
    const secret = checkSecret(formData.get("clientSecret"));
    setValues((current) => ({
      ...current,
      ...result.cleaned,
      clientSecret: result.ok ? "" : secret.ok ? secret.value : current.clientSecret,
    }));
    return result;
  }, null);

  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const field = (name: PasteField, input: React.ReactNode) => {
    const error = errors?.[name]?.[0];
    const notes = state?.notes?.[name] ?? [];
    return (
      <div>
        <label htmlFor={`paste-${name}`} className="block text-sm font-medium text-slate-800">
          {fieldLabels[name]}
        </label>
        {input}
        <p id={`paste-${name}-hint`} className="mt-1 text-xs text-slate-600">
          {hints[name]}
        </p>
        {notes.map((note) => (
          <p key={note} className="mt-1 text-xs text-emerald-800">
            {note}
          </p>
        ))}
        {error ? (
          <p id={`paste-${name}-error`} className="mt-1 text-sm font-medium text-red-700">
            {error}
          </p>
        ) : null}
      </div>
    );
  };
  const describedBy = (name: PasteField) =>
    [`paste-${name}-hint`, errors?.[name] ? `paste-${name}-error` : null].filter(Boolean).join(" ");
  const inputClass =
    "mt-1 block w-full rounded-md border px-3 py-2 font-mono text-sm aria-invalid:border-red-600 aria-invalid:ring-1 aria-invalid:ring-red-600 border-slate-300";
  const text = (name: Exclude<PasteField, "clientSecret">) => (
    <input
      id={`paste-${name}`}
      name={name}
      value={values[name]}
      onChange={(e) => setValues((current) => ({ ...current, [name]: e.target.value }))}
      autoComplete="off"
      spellCheck={false}
      aria-invalid={Boolean(errors?.[name])}
      aria-describedby={describedBy(name)}
      className={inputClass}
    />
  );

  return (
    <form action={formAction} className="space-y-5" aria-label="Paste the four values back">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      {field("tenantId", text("tenantId"))}
      {field("clientId", text("clientId"))}
      {field(
        "clientSecret",
        <div className="flex items-stretch gap-2">
          <input
            id="paste-clientSecret"
            name="clientSecret"
            type={showSecret ? "text" : "password"}
            placeholder={
              storedSecretHint
                ? `Stored encrypted (${storedSecretHint}…). Paste it again to save the form.`
                : undefined
            }
            value={values.clientSecret}
            onChange={(e) => setValues((current) => ({ ...current, clientSecret: e.target.value }))}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={Boolean(errors?.clientSecret)}
            aria-describedby={describedBy("clientSecret")}
            className={inputClass}
          />
          <button
            type="button"
            onClick={() => setShowSecret((shown) => !shown)}
            aria-pressed={showSecret}
            aria-label="Show the secret"
            className="mt-1 rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-700 hover:bg-slate-50"
          >
            Show
          </button>
        </div>,
      )}
      {field("billingAccountId", text("billingAccountId"))}
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton pendingText="Saving and checking…">Save and verify</SubmitButton>
        <p
          role="status"
          aria-live="polite"
          className={`text-sm ${state && !state.ok ? "text-red-700" : "text-slate-700"}`}
        >
          {state?.message ?? null}
        </p>
      </div>
    </form>
  );
}
