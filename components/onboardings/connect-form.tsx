"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { connectAction } from "@/lib/actions/onboardings";
import type { ActionResult } from "@/lib/actions/safe-action";

/** Runs every remaining step; while steps are under way it shows that instead of inviting a second click. */
export function ConnectForm({
  onboardingId,
  shareLinkId,
  label,
  busy,
}: {
  onboardingId: string;
  /** Set when a colleague acts through a share link; the server checks the link's cookie. */
  shareLinkId?: string;
  label: string;
  busy: boolean;
}) {
  const [state, action] = useActionState<ActionResult | null, FormData>(connectAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      {shareLinkId ? <input type="hidden" name="shareLinkId" value={shareLinkId} /> : null}
      <SubmitButton pendingText="Connecting…" disabled={busy}>
        {busy ? "Connecting…" : label}
      </SubmitButton>
      <p aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
