/**
 * The onboarding's steps and its Integration's lifecycle (lib/integrations) must not cross:
 * - after a disconnect (or during one) its app, secret and role are gone: no step runs again, a step 1
 *   redo would create a new app nobody manages;
 * - while a secret rotation is open, a redo of step 2 (or of step 1, which redoes step 2) would remove
 *   the rotation's secrets early: the old one still in its grace period, or the new one not yet handed
 *   over. It waits until the rotation has finished.
 * Checked when a person queues steps (their button gets the message) and again when step 2 runs (a
 * rotation may have started in between).
 */
import "server-only";

import { integrationLifecycleOfOnboarding } from "@/lib/data/integration-operations";
import { utcDateTime } from "@/lib/format";
import type { StepId } from "@/lib/onboardings/catalog";

const touchSecrets: StepId[] = ["app-registration", "client-secret"];

/** Why `stepIds` may not run now on this onboarding, in a sentence a person can act on; null when they may. */
export async function lifecycleRefusal(
  onboardingId: string,
  stepIds: readonly StepId[],
): Promise<string | null> {
  if (stepIds.length === 0) return null;
  const lifecycle = await integrationLifecycleOfOnboarding(onboardingId);
  if (!lifecycle) return null;
  if (lifecycle.disconnected)
    return "This connection was disconnected: its app, secret and role are gone from Azure, so its steps cannot run again. Start a new onboarding to connect the billing account again.";
  if (lifecycle.open?.kind === "disconnect")
    return "This connection is being disconnected, so its steps cannot run again. Start a new onboarding to connect the billing account again.";
  if (lifecycle.open?.kind === "rotate_secret" && stepIds.some((id) => touchSecrets.includes(id))) {
    const until = lifecycle.open.removeAfter
      ? `: the old secret keeps working until ${utcDateTime(lifecycle.open.removeAfter)}.`
      : " (its new secret is not handed over yet).";
    return `A secret rotation is under way${until} Redoing step 1 or 2 now would remove a secret the cost platform may still use; redo it after the rotation has finished, or rotate the secret again for a new one.`;
  }
  return null;
}
