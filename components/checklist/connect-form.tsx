"use client";

import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionResult } from "@/lib/actions/safe-action";
import { connectAction } from "@/lib/actions/onboarding";

export function ConnectForm({ onboardingId, label }: { onboardingId: string; label: string }) {
  const [state, action] = useActionState<ActionResult | null, FormData>(connectAction, null);
  return (
    <form action={action} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="onboardingId" value={onboardingId} />
      <SubmitButton pendingText="Connecting…">{label}</SubmitButton>
      <p aria-live="polite" className="text-sm text-red-700">
        {state && !state.ok ? state.message : null}
      </p>
    </form>
  );
}
