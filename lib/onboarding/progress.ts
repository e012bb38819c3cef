import "server-only";

import { openOperationTiming } from "@/lib/data/integration-operations";
import { getProgress } from "@/lib/data/onboardings";
import { dueSteps, nextDueAt } from "@/lib/onboarding/engine";
import type { Actor, ProgressSnapshot } from "@/lib/view-types";

export type { ProgressSnapshot };

const operationPollHorizonMs = 2 * 60_000;

export async function progressSnapshot(
  actor: Actor | { shareLinkId: string },
  onboardingId: string,
): Promise<ProgressSnapshot | null> {
  const onboarding = await getProgress(actor, onboardingId);
  if (!onboarding) return null;
  const rows = onboarding.steps;
  const saved = { applicationObjectId: onboarding.applicationObjectId };
  const next = nextDueAt(rows, saved);
  // A secret rotation or disconnect under way (the background runner moves it): poll while it runs
  // or is due within a couple of minutes, not through a grace period of hours.
  const operation = await openOperationTiming(onboardingId);
  const soon = Date.now() + operationPollHorizonMs;
  const operationMoving =
    operation?.status === "running" &&
    (operation.leaseExpiresAt !== null || (operation.nextAttemptAt?.getTime() ?? 0) <= soon);
  return {
    status: onboarding.status,
    fingerprint: `${onboarding.updatedAt.getTime()}:${onboarding.steps.map((s) => `${s.stepId}=${s.version}`).join(",")}${operation ? `:op=${operation.version}` : ""}`,
    // Queued steps behind a step that needs attention cannot move: nothing to poll for.
    active: next !== null || operationMoving,
    due: dueSteps(rows, new Date(), saved).length > 0,
    nextDueAt: next?.toISOString() ?? null,
    steps: onboarding.steps.map((s) => ({ id: s.stepId, status: s.status })),
  };
}
