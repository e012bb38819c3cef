import "server-only";

import { getProgress } from "@/lib/data/onboardings";
import { dueSteps, nextDueAt } from "@/lib/onboarding/engine";
import type { Actor, ProgressSnapshot } from "@/lib/view-types";

export type { ProgressSnapshot };

export async function progressSnapshot(
  actor: Actor | { shareLinkId: string },
  onboardingId: string,
): Promise<ProgressSnapshot | null> {
  const onboarding = await getProgress(actor, onboardingId);
  if (!onboarding) return null;
  const rows = onboarding.steps;
  const saved = { applicationObjectId: onboarding.applicationObjectId };
  const next = nextDueAt(rows, saved);
  return {
    status: onboarding.status,
    fingerprint: `${onboarding.updatedAt.getTime()}:${onboarding.steps.map((s) => `${s.stepId}=${s.version}`).join(",")}`,
    // Queued steps behind a step that needs attention cannot move: nothing to poll for.
    active: next !== null,
    due: dueSteps(rows, new Date(), saved).length > 0,
    nextDueAt: next?.toISOString() ?? null,
    steps: onboarding.steps.map((s) => ({ id: s.stepId, status: s.status })),
  };
}
