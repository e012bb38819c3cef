"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { revokeShareLinkAction } from "@/lib/actions/share-links";

export function RevokeShareLinkForm({
  onboardingId,
  linkId,
  label,
}: {
  onboardingId: string;
  linkId: string;
  label: string;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(revokeShareLinkAction, null);
  return (
    <form action={action} className="inline-flex items-center gap-2">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      <input type="hidden" name="linkId" value={linkId} />
      <SubmitButton variant="secondary" pendingText="Revoking…" ariaLabel={label}>
        Revoke
      </SubmitButton>
      <span aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </span>
    </form>
  );
}
