import "server-only";

import { getProgress } from "@/lib/data/onboardings";
import { dueSteps, nextDueAt } from "@/lib/onboarding/engine";
import type { Actor } from "@/lib/onboarding/types";

export type ProgressSnapshot = {
  status: string;
  /** Changes whenever anything on the page would: the poller refreshes the page when it does. */
  fingerprint: string;
  /** Something is queued, waiting or running: keep polling. */
  active: boolean;
  /** A step may run now: the poller asks the server to advance. */
  due: boolean;
  nextDueAt: string | null;
  steps: { id: string; status: string }[];
};

export async function progressSnapshot(actor: Actor, onboardingId: string): Promise<ProgressSnapshot | null> {
  const onboarding = await getProgress(actor, onboardingId);
  if (!onboarding) return null;
  const rows = onboarding.steps;
  const next = nextDueAt(rows);
  return {
    status: onboarding.status,
    fingerprint: `${onboarding.updatedAt.getTime()}:${onboarding.steps.map((s) => `${s.stepId}=${s.version}`).join(",")}`,
    // Queued steps behind a step that needs attention cannot move: nothing to poll for.
    active: next !== null,
    due: dueSteps(rows).length > 0,
    nextDueAt: next?.toISOString() ?? null,
    steps: onboarding.steps.map((s) => ({ id: s.stepId, status: s.status })),
  };
}
