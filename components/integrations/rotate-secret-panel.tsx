import { graceLabel } from "@/components/integrations/operation-time";
import { RotateSecretDialog } from "@/components/integrations/rotate-secret-dialog";
import { utcDateTime } from "@/lib/format";
import type { IntegrationOperationView, OperationView } from "@/lib/view-types";

const steps: { key: string; label: string }[] = [
  { key: "added", label: "New secret added" },
  { key: "verified", label: "Verified as the app (token, billing account, cost query)" },
  { key: "delivered", label: "Handed to the cost platform (API and webhook)" },
  { key: "oldRemoved", label: "Old secret removed" },
];

function RotationTimeline({ rotation }: { rotation: OperationView }) {
  return (
    <ol aria-label="Rotation timeline" className="mt-3 space-y-1 text-sm">
      {steps.map((step) => {
        const at = rotation.timeline[step.key];
        const pending =
          step.key === "oldRemoved" && !at && rotation.removeAfter
            ? `after the grace period, at ${utcDateTime(rotation.removeAfter)}`
            : "pending";
        return (
          <li key={step.key} className="flex gap-2">
            <span aria-hidden="true" className={at ? "text-emerald-700" : "text-slate-400"}>
              {at ? "✓" : "○"}
            </span>
            <span className={at ? "text-slate-900" : "text-slate-600"}>
              {step.label}: {at ? utcDateTime(at, { seconds: true }) : pending}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function rotationStatus(rotation: OperationView): { text: string; tone: string } {
  if (rotation.status === "done")
    return {
      text: `Rotated ${utcDateTime(rotation.finishedAt)}: only the new secret remains.`,
      tone: "text-emerald-900",
    };
  if (rotation.status === "awaiting_sign_in")
    return {
      text: `Waiting for ${rotation.actorName ?? "the person who started it"} to sign in again to finish: ${rotation.message ?? ""}`,
      tone: "text-amber-900",
    };
  if (rotation.status === "needs_attention")
    return {
      text: `${rotation.message ?? "The rotation stopped."} ${rotation.action ?? ""}`,
      tone: "text-red-800",
    };
  if (rotation.phase === "grace" || rotation.phase === "remove-old")
    return {
      text: `Both secrets work until ${utcDateTime(rotation.removeAfter)}; then the old one is removed automatically.`,
      tone: "text-slate-800",
    };
  return { text: rotation.message ?? "Rotating…", tone: "text-slate-800" };
}

/**
 * Secret rotation for one integration: its current secret, the latest rotation's timeline and the
 * button (a dialog with the grace period). Takes view props only; mount it wherever the integration is.
 */
export function RotateSecretPanel({
  integration,
  graceChoices,
  defaultGraceSeconds,
  headingLevel = 3,
}: {
  integration: IntegrationOperationView;
  /** Grace periods the operator allows, in seconds (lib/integrations graceChoices()). */
  graceChoices: number[];
  defaultGraceSeconds: number;
  /** 2 where the panel stands beside the page's own h2 sections (the integration's page). */
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const rotation = integration.rotation;
  const open = rotation && rotation.status !== "done";
  const disconnected = integration.status === "disconnected";
  const status = rotation ? rotationStatus(rotation) : null;
  return (
    <section
      aria-labelledby={`rotate-${integration.integrationId}`}
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <Heading
            id={`rotate-${integration.integrationId}`}
            className={`text-brand-900 font-semibold ${headingLevel === 2 ? "text-xl" : "text-lg"}`}
          >
            Client secret
          </Heading>
          <p className="mt-1 text-sm text-slate-700">
            {disconnected ? (
              "None: the integration is disconnected."
            ) : (
              <>
                Current secret <span className="font-mono">{integration.secretHint}…</span>
                {integration.secretExpiresAt ? `, expires ${utcDateTime(integration.secretExpiresAt)}` : null}
                . Rotating adds a new one, verifies it and hands it over; the old one keeps working for the
                grace period ({graceLabel(defaultGraceSeconds)} by default), so cost imports never stop.
              </>
            )}
          </p>
        </div>
        {!disconnected &&
        (!open || rotation?.status === "needs_attention" || rotation?.status === "awaiting_sign_in") ? (
          <RotateSecretDialog
            integrationId={integration.integrationId}
            graceChoices={graceChoices}
            defaultGraceSeconds={defaultGraceSeconds}
            retry={Boolean(open)}
          />
        ) : null}
      </div>
      {rotation && status ? (
        <div className="mt-4 border-t border-slate-200 pt-3">
          <p className="text-sm font-medium text-slate-900">
            Rotation started {utcDateTime(rotation.startedAt)}
            {rotation.actorName ? ` by ${rotation.actorName}` : ""}
            {rotation.newSecretHint ? (
              <>
                {" "}
                (new secret <span className="font-mono">{rotation.newSecretHint}…</span>)
              </>
            ) : null}
          </p>
          <p role="status" className={`mt-1 text-sm ${status.tone}`}>
            {status.text}
          </p>
          <RotationTimeline rotation={rotation} />
        </div>
      ) : null}
    </section>
  );
}
