"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { revokeApiKeyAction } from "@/lib/actions/api-keys";

export function RevokeApiKeyForm({ keyId, label }: { keyId: string; label: string }) {
  const [state, action] = useActionState<ActionResult | null, FormData>(revokeApiKeyAction, null);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="keyId" value={keyId} />
      <SubmitButton variant="secondary" pendingText="Revoking…" ariaLabel={label}>
        Revoke
      </SubmitButton>
      <span aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </span>
    </form>
  );
}
