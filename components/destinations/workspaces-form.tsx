"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { chooseVantageWorkspacesAction } from "@/lib/actions/destinations";
import type { ActionResult } from "@/lib/actions/safe-action";

/** The workspaces new Vantage integrations are put in, among those the token's user sees. */
export function WorkspacesForm({
  workspaces,
  chosen,
}: {
  workspaces: { token: string; name: string }[];
  chosen: string[];
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(chooseVantageWorkspacesAction, null);
  return (
    <form action={action} className="space-y-2">
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">
          Workspaces for new Vantage integrations
        </legend>
        <div className="mt-2 flex flex-wrap gap-2">
          {workspaces.map((w) => (
            <label
              key={w.token}
              className="has-checked:border-brand-600 has-checked:bg-brand-50 flex items-center gap-2 rounded-md border border-slate-300 px-3 py-2 text-sm"
            >
              <input
                type="checkbox"
                name="workspaceToken"
                value={w.token}
                defaultChecked={chosen.includes(w.token)}
              />
              {w.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton variant="secondary" pendingText="Saving…">
          Save workspaces
        </SubmitButton>
        <p aria-live="polite" className={`text-sm ${state?.ok ? "text-emerald-800" : "text-red-700"}`}>
          {state?.message ?? null}
        </p>
      </div>
    </form>
  );
}
