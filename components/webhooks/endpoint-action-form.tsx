"use client";

import { RowActionForm } from "@/components/ui/row-action-form";
import { ShownOnce } from "@/components/ui/shown-once";
import type { ActionResult } from "@/lib/actions/safe-action";
import {
  deleteWebhookEndpointAction,
  disableWebhookEndpointAction,
  enableWebhookEndpointAction,
  rotateWebhookSecretAction,
  sendTestWebhookAction,
  type NewWebhookSecret,
} from "@/lib/actions/webhooks";

type Result = ActionResult<NewWebhookSecret | undefined>;
type Spec = {
  action: (prev: Result | null, data: FormData) => Promise<Result>;
  text: string;
  pending: string;
  variant?: "primary";
  confirm?: { question: string; yes: string };
};

const endpointActions = {
  test: { action: sendTestWebhookAction, text: "Send test event", pending: "Queuing…", variant: "primary" },
  rotate: { action: rotateWebhookSecretAction, text: "Rotate secret", pending: "Rotating…" },
  disable: { action: disableWebhookEndpointAction, text: "Disable", pending: "Disabling…" },
  enable: { action: enableWebhookEndpointAction, text: "Enable", pending: "Enabling…", variant: "primary" },
  delete: {
    action: deleteWebhookEndpointAction,
    text: "Delete…",
    pending: "Deleting…",
    confirm: { question: "Delete this endpoint and its delivery history?", yes: "Yes, delete" },
  },
} as const;

/** One button acting on one endpoint; rotating shows the new secret once, deleting asks first. */
export function EndpointActionForm({
  kind,
  endpointId,
  label,
}: {
  kind: keyof typeof endpointActions;
  endpointId: string;
  label: string;
}) {
  // The actions differ in what a success carries (a secret, or nothing): the row form takes both.
  const spec = endpointActions[kind] as Spec;
  return (
    <RowActionForm<NewWebhookSecret | undefined>
      action={spec.action}
      fields={{ endpointId }}
      pendingText={spec.pending}
      label={label}
      variant={spec.variant}
      confirm={spec.confirm}
      sayDone
      done={(data) =>
        data ? (
          <ShownOnce
            heading="New signing secret (the old one also signs for 24 hours):"
            value={data.secret}
            label="Signing secret"
            copyLabel="Copy secret"
          />
        ) : null
      }
    >
      {spec.text}
    </RowActionForm>
  );
}
