"use client";

import { useActionState } from "react";

import { ReachFields } from "@/components/api-keys/reach-fields";
import { ShownOnce } from "@/components/ui/shown-once";
import { SubmitButton } from "@/components/ui/submit-button";
import { TextField } from "@/components/ui/text-field";
import { createApiKeyAction, type NewApiKey } from "@/lib/actions/api-keys";
import type { ActionResult } from "@/lib/actions/safe-action";

export function CreateApiKeyForm() {
  const [state, action] = useActionState<ActionResult<NewApiKey> | null, FormData>(createApiKeyAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <div>
      <form action={action} noValidate className="space-y-3">
        <TextField
          id="api-key-name"
          label="Key name"
          name="name"
          required
          maxLength={80}
          placeholder="Cost platform production"
          error={errors?.name?.[0]}
        />
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">The key may read</legend>
          <div className="mt-1 flex flex-wrap gap-4 text-sm text-slate-800">
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="scope" value="read-metadata" defaultChecked />
              Integrations without their secrets
            </label>
            <label className="inline-flex items-center gap-2">
              <input type="radio" name="scope" value="read-secrets" />
              Integrations and their client secrets
            </label>
          </div>
        </fieldset>
        <ReachFields
          idPrefix="api-key"
          legend="The key reaches"
          choices={["all-tenants", "tenants", "integrations"]}
          errors={errors}
        />
        <SubmitButton pendingText="Creating…">Create API key</SubmitButton>
        <p aria-live="polite" className="text-sm text-red-700">
          {state && !state.ok && !errors ? state.message : null}
        </p>
      </form>
      {state?.ok ? (
        <ShownOnce
          heading={`Key “${state.data.name}” (${state.data.scope}, ${state.data.reach}) ready.`}
          value={state.data.key}
          label="New API key"
          copyLabel="Copy key"
        />
      ) : null}
    </div>
  );
}
