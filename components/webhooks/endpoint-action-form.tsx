"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { NewSecret } from "@/components/webhooks/new-secret";
import type { ActionResult } from "@/lib/actions/safe-action";
import {
  deleteWebhookEndpointAction,
  disableWebhookEndpointAction,
  redeliverWebhookAction,
  rotateWebhookSecretAction,
  sendTestWebhookAction,
  type NewWebhookSecret,
} from "@/lib/actions/webhooks";

const endpointActions = {
  test: { action: sendTestWebhookAction, text: "Send test event", pending: "Queuing…", variant: "primary" },
  rotate: {
    action: rotateWebhookSecretAction,
    text: "Rotate secret",
    pending: "Rotating…",
    variant: "secondary",
  },
  disable: {
    action: disableWebhookEndpointAction,
    text: "Disable",
    pending: "Disabling…",
    variant: "secondary",
  },
  delete: { action: deleteWebhookEndpointAction, text: "Delete", pending: "Deleting…", variant: "secondary" },
} as const;

type Result = ActionResult<NewWebhookSecret | undefined>;

/** One button acting on one endpoint; rotating shows the new secret once. */
export function EndpointActionForm({
  kind,
  endpointId,
  label,
}: {
  kind: keyof typeof endpointActions;
  endpointId: string;
  label: string;
}) {
  const spec = endpointActions[kind];
  const [state, action] = useActionState<Result | null, FormData>(
    spec.action as (prev: Result | null, data: FormData) => Promise<Result>,
    null,
  );
  return (
    <div>
      <form action={action} className="inline-flex items-center gap-2">
        <input type="hidden" name="endpointId" value={endpointId} />
        <SubmitButton variant={spec.variant} pendingText={spec.pending} ariaLabel={label}>
          {spec.text}
        </SubmitButton>
        <span aria-live="polite" className={`text-sm ${state?.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state ? state.message : null}
        </span>
      </form>
      {state?.ok && state.data ? (
        <NewSecret
          secret={state.data.secret}
          heading="New signing secret (the old one also signs for 24 hours):"
        />
      ) : null}
    </div>
  );
}

export function RedeliverForm({ deliveryId, label }: { deliveryId: string; label: string }) {
  const [state, action] = useActionState<ActionResult | null, FormData>(redeliverWebhookAction, null);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <SubmitButton variant="secondary" pendingText="Queuing…" ariaLabel={label}>
        Redeliver
      </SubmitButton>
      <span aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </span>
    </form>
  );
}
