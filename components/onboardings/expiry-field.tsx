import { secretExpiryChoices } from "@/lib/onboardings/secret-expiry";

/** The secret-expiry choice, shared by the new-onboarding form and the checklist's settings. */
export function ExpiryField({
  id,
  defaultMonths,
  hint,
}: {
  id: string;
  defaultMonths: number;
  hint?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Secret expires after
      </label>
      <select
        id={id}
        name="secretExpiryMonths"
        defaultValue={String(defaultMonths)}
        className="mt-1 block rounded-md border border-slate-300 px-3 py-2 text-sm"
      >
        {secretExpiryChoices.map((months) => (
          <option key={months} value={months}>
            {months} months
          </option>
        ))}
      </select>
      {hint ? <p className="mt-1 text-xs text-slate-600">{hint}</p> : null}
    </div>
  );
}
