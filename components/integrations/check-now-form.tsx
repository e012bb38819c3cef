"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { checkIntegrationAction } from "@/lib/actions/integrations";
import type { ActionResult } from "@/lib/actions/safe-action";

/** "Check now": re-verifies the integration as the app, at once, and says what came of it. */
export function CheckNowForm({ integrationId, disabled }: { integrationId: string; disabled?: boolean }) {
  const [state, action] = useActionState<ActionResult | null, FormData>(checkIntegrationAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="integrationId" value={integrationId} />
      <SubmitButton variant="secondary" pendingText="Checking…" disabled={disabled}>
        Check now
      </SubmitButton>
      <p aria-live="polite" className={`text-sm ${state && !state.ok ? "text-red-700" : "text-slate-700"}`}>
        {state ? state.message : null}
      </p>
    </form>
  );
}
