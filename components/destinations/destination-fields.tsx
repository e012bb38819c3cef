/**
 * The destinations a connection can go to, as checkboxes, with the Vantage token field when no token is
 * saved yet. Shared by the first Connect and the onboarding page's "Where the credentials go".
 */
import Link from "next/link";

export const destinationLabels = {
  vantage: "Vantage",
  api: "API and webhooks",
  by_hand: "By hand",
} as const;

const explanations: Record<keyof typeof destinationLabels, string> = {
  vantage: "MCA Connect adds the Azure integration in Vantage through its API, and follows its import.",
  api: "Your cost platform reads the credentials from the integrations API, or is told by a webhook.",
  by_hand: "You paste the four values into your cost platform's console yourself.",
};

export function DestinationFields({
  idPrefix,
  offered = ["vantage", "api", "by_hand"],
  checked = [],
  tokenHint,
  tokenError,
}: {
  idPrefix: string;
  offered?: (keyof typeof destinationLabels)[];
  checked?: string[];
  /** The saved Vantage token's first characters; null when none is saved (the field is shown). */
  tokenHint: string | null;
  tokenError?: string;
}) {
  return (
    <fieldset className="w-full">
      <legend className="text-sm font-medium text-slate-700">Where the credentials go</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-3">
        {offered.map((id) => (
          <label
            key={id}
            className="has-checked:border-brand-600 has-checked:bg-brand-50 flex items-start gap-2 rounded-md border border-slate-300 p-3 text-sm"
          >
            <input
              type="checkbox"
              name="destination"
              value={id}
              defaultChecked={checked.includes(id)}
              className="mt-1"
            />
            <span>
              <span className="block font-medium text-slate-900">{destinationLabels[id]}</span>
              <span className="block text-slate-600">{explanations[id]}</span>
            </span>
          </label>
        ))}
      </div>
      {offered.includes("vantage") ? (
        tokenHint ? (
          <p className="mt-2 text-sm text-slate-600">
            Vantage uses your saved API token ({tokenHint}).{" "}
            <Link href="/settings/vantage" prefetch={false} className="text-brand-700 underline">
              Replace it or choose workspaces
            </Link>
          </p>
        ) : (
          <div className="mt-3">
            <label htmlFor={`${idPrefix}-vantage-token`} className="block text-sm font-medium text-slate-700">
              Vantage API token (for Vantage only)
            </label>
            <input
              id={`${idPrefix}-vantage-token`}
              name="vantageToken"
              type="password"
              autoComplete="off"
              spellCheck={false}
              maxLength={500}
              aria-invalid={Boolean(tokenError)}
              aria-describedby={`${idPrefix}-vantage-token-hint`}
              className="mt-1 block w-full max-w-md rounded-md border border-slate-300 px-3 py-2 font-mono text-sm"
            />
            <p id={`${idPrefix}-vantage-token-hint`} className="mt-1 text-xs text-slate-600">
              Make one with the <strong>Write</strong> scope in Vantage&apos;s console (Settings &gt; API
              Access Tokens). It is checked with Vantage, stored encrypted and never shown again.
            </p>
            {tokenError ? <p className="mt-1 text-xs text-red-700">{tokenError}</p> : null}
          </div>
        )
      ) : null}
    </fieldset>
  );
}
