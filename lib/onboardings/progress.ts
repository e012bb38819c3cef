import "server-only";

import { deliveryTiming } from "@/lib/data/deliveries";
import { openOperationTiming } from "@/lib/data/integration-operations";
import { getProgress } from "@/lib/data/onboardings";
import { dueSteps, nextDueAt } from "@/lib/onboardings/engine";
import { progressSignalled } from "@/lib/onboardings/progress-signal";
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
  const [operation, deliveries] = await Promise.all([
    openOperationTiming(onboardingId),
    deliveryTiming(onboardingId),
  ]);
  const soon = Date.now() + operationPollHorizonMs;
  const operationMoving =
    operation?.status === "running" &&
    (operation.leaseExpiresAt !== null || (operation.nextAttemptAt?.getTime() ?? 0) <= soon);
  // A delivery to Vantage moving (or about to be woken by the background job once step 5 is done): the
  // page follows Vantage's status live, not through the hourly look at an imported one.
  const deliveryMoving = deliveries.some(
    (d) =>
      d.leaseExpiresAt !== null ||
      (d.status === "running" && (d.nextAttemptAt?.getTime() ?? 0) <= soon) ||
      d.wakeable,
  );
  return {
    status: onboarding.status,
    fingerprint: `${onboarding.updatedAt.getTime()}:${onboarding.steps.map((s) => `${s.stepId}=${s.version}`).join(",")}${operation ? `:op=${operation.version}` : ""}${deliveries.map((d) => `:d=${d.version}`).join("")}`,
    // Queued steps behind a step that needs attention cannot move: nothing to poll for.
    active: next !== null || operationMoving || deliveryMoving,
    due: dueSteps(rows, new Date(), saved).length > 0,
    nextDueAt: next?.toISOString() ?? null,
    steps: onboarding.steps.map((s) => ({ id: s.stepId, status: s.status })),
  };
}

/** How long a progress request may wait for a change before it answers with what it has. */
export const progressWaitMs = 8_000;
/** A waiting request re-reads this often, for changes made by another portal instance. */
const rereadEveryMs = 1_000;

/**
 * The progress once it differs from what the poller last saw (`seen`: its fingerprint and whether a
 * step was due), or when a step becomes due, or after `progressWaitMs`: the checklist learns of a step's
 * end the moment it happens rather than at its next look, and asks less often.
 */
export async function progressAfter(
  actor: Actor | { shareLinkId: string },
  onboardingId: string,
  seen: { fingerprint: string; due: boolean },
  abort?: AbortSignal,
): Promise<{
  snapshot: ProgressSnapshot | null;
  /** Time spent idle, waiting for a change. */ waitedMs: number;
}> {
  const deadline = Date.now() + progressWaitMs;
  let waitedMs = 0;
  for (;;) {
    const snapshot = await progressSnapshot(actor, onboardingId);
    const unchanged =
      snapshot?.active && snapshot.fingerprint === seen.fingerprint && snapshot.due === seen.due;
    // A step due later ends the wait then (the poller asks the server to run it); one due already
    // that the poller knows of is being run, and its lease will show as a change.
    const dueAt = snapshot?.nextDueAt ? Date.parse(snapshot.nextDueAt) : deadline;
    const wait = (dueAt > Date.now() ? Math.min(deadline, dueAt) : deadline) - Date.now();
    if (!unchanged || wait <= 0 || abort?.aborted) return { snapshot, waitedMs };
    const idleFrom = Date.now();
    await progressSignalled(onboardingId, Math.min(wait, rereadEveryMs), abort);
    waitedMs += Date.now() - idleFrom;
  }
}
