"use client";

import { useActionState } from "react";

import { ReachFields } from "@/components/api-keys/reach-fields";
import { ShownOnce } from "@/components/ui/shown-once";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import type { ActionResult } from "@/lib/actions/safe-action";
import { createWebhookEndpointAction, type NewWebhookSecret } from "@/lib/actions/webhooks";

export function CreateWebhookForm({ eventTypes }: { eventTypes: { type: string; label: string }[] }) {
  const [state, action] = useActionState<ActionResult<NewWebhookSecret> | null, FormData>(
    createWebhookEndpointAction,
    null,
  );
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div>
      <form action={action} noValidate className="space-y-3">
        <TextField
          id="webhook-url"
          label="Endpoint URL"
          name="url"
          type="url"
          required
          maxLength={2000}
          placeholder="https://costs.example.com/webhooks/mca"
          width="max-w-xl"
          error={errors?.url?.[0]}
        />
        <TextField
          id="webhook-description"
          label={
            <>
              Description <span className="font-normal text-slate-600">(optional)</span>
            </>
          }
          name="description"
          maxLength={200}
          placeholder="Cost platform production"
          width="max-w-xl"
          error={errors?.description?.[0]}
        />
        <fieldset aria-describedby={errors?.eventTypes ? "webhook-events-error" : undefined}>
          <legend className="text-sm font-medium text-slate-800">Events to send</legend>
          <div className="mt-1 grid gap-1 text-sm text-slate-800 sm:grid-cols-2">
            {eventTypes.map(({ type, label }) => (
              <label key={type} className="inline-flex items-center gap-2">
                <input type="checkbox" name="eventTypes" value={type} defaultChecked />
                {label} <code className="text-xs text-slate-600">{type}</code>
              </label>
            ))}
          </div>
          {errors?.eventTypes ? (
            <p id="webhook-events-error" className="mt-1 text-sm text-red-700">
              {errors.eventTypes[0]}
            </p>
          ) : null}
        </fieldset>
        <ReachFields
          idPrefix="webhook"
          legend="Events of"
          choices={["all-tenants", "tenants"]}
          errors={errors}
        />
        <SubmitButton pendingText="Adding…">Add endpoint</SubmitButton>
        <p aria-live="polite" className="text-sm text-red-700">
          {state && !state.ok && !errors ? state.message : null}
        </p>
      </form>
      {state?.ok ? (
        <ShownOnce
          heading={`Endpoint ${state.data.url} added. Its signing secret:`}
          value={state.data.secret}
          label="Signing secret"
          copyLabel="Copy secret"
        />
      ) : null}
    </div>
  );
}
