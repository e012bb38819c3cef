/**
 * The onboarding engine. A person queues steps (one step, or every remaining one with "Connect");
 * advance() then runs whatever is due, in dependency order, within a time budget, and leaves the rest
 * recorded in the database: "waiting" with a next attempt time, or "needs attention" with a message.
 * No state lives in memory, so any request on any instance (a page visit, the progress poller's
 * advance call, a server action) continues where the last one stopped.
 *
 * One runner per step: a runner takes the step's lease with a conditional update on its version, and
 * a lease that outlived its holder (a killed server) may be taken over once it expires.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError, toSafeError } from "@/lib/azure/errors";
import { GraphClient } from "@/lib/azure/graph";
import { delegatedCredential } from "@/lib/azure/token-broker";
import { recordAudit } from "@/lib/data/audit";
import { NotFoundError } from "@/lib/data/onboardings";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { StillWaiting } from "@/lib/onboarding/retry";
import { stepCatalog, stepInfo, type StepId } from "@/lib/onboarding/step-catalog";
import { stepModules } from "@/lib/onboarding/steps";
import type { Actor, StepContext, StepError, StepOutcome } from "@/lib/onboarding/types";

const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
const leaseSlackMs = 30_000;
const maxTransientAttempts = 8;

type StepRow = Prisma.OnboardingStepGetPayload<object>;
/** What scheduling needs to know of a step. */
type StepTiming = Pick<StepRow, "stepId" | "status" | "nextAttemptAt" | "leaseExpiresAt">;

export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineError";
  }
}

async function loadForActor(actor: Actor, onboardingId: string) {
  // Share links will widen this to colleagues; today only the owner may act.
  const onboarding = await db.onboarding.findFirst({ where: { id: onboardingId, ownerId: actor.id } });
  if (!onboarding) throw new NotFoundError();
  return onboarding;
}

function asJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? {})) as Prisma.InputJsonValue;
}

/**
 * Queues steps to run: "remaining" for Connect (every step not done), or one step (a redo when done).
 * A step that is running keeps running; its lease decides.
 */
export async function queueSteps(
  actor: Actor,
  onboardingId: string,
  which: StepId | "remaining",
  options: { checkOnly?: boolean } = {},
): Promise<void> {
  await loadForActor(actor, onboardingId);
  const steps = await db.onboardingStep.findMany({ where: { onboardingId } });
  const now = new Date();
  for (const step of steps) {
    const wanted = which === "remaining" ? step.status !== "done" : step.stepId === which;
    if (!wanted || (step.status === "running" && step.leaseExpiresAt && step.leaseExpiresAt > now)) continue;
    if (step.status === "waiting") {
      // Already queued: bring its next attempt forward, keeping when it began waiting.
      if (which !== "remaining") {
        await db.onboardingStep.updateMany({
          where: { onboardingId, stepId: step.stepId, version: step.version },
          data: { nextAttemptAt: now, version: { increment: 1 } },
        });
      }
      continue;
    }
    const redo = step.status === "done";
    const flags = {
      ...(redo ? { redoRequested: true } : {}),
      ...(options.checkOnly ? { checkOnly: true } : {}),
    };
    const kept = { ...((step.outputs ?? {}) as Record<string, unknown>) };
    delete kept.redoRequested;
    delete kept.checkOnly;
    await db.onboardingStep.updateMany({
      where: { onboardingId, stepId: step.stepId, version: step.version },
      data: {
        status: "waiting",
        nextAttemptAt: now,
        error: Prisma.DbNull,
        attempts: 0,
        startedAt: now,
        finishedAt: null,
        outputs: asJson({ ...kept, ...flags }),
        version: { increment: 1 },
      },
    });
  }
  await refreshStatus(onboardingId);
}

function dependenciesDone(stepId: StepId, steps: StepTiming[]) {
  const needs = stepInfo(stepId).needs;
  return needs.every((need) => steps.find((s) => s.stepId === need)?.status === "done");
}

/** Steps that may run now: queued and due, or running under a lease nobody renewed. */
export function dueSteps<T extends StepTiming>(steps: T[], now = new Date()): T[] {
  return steps.filter((step) => {
    const id = step.stepId as StepId;
    if (!dependenciesDone(id, steps)) return false;
    if (step.status === "waiting") return !step.nextAttemptAt || step.nextAttemptAt <= now;
    if (step.status === "running") return !step.leaseExpiresAt || step.leaseExpiresAt <= now;
    return false;
  });
}

/** The next moment something becomes due, for the poller (null when nothing is queued). */
export function nextDueAt(steps: StepTiming[]): Date | null {
  const times = steps
    .filter(
      (s) =>
        (s.status === "waiting" && dependenciesDone(s.stepId as StepId, steps)) || s.status === "running",
    )
    .map((s) => (s.status === "running" ? s.leaseExpiresAt : s.nextAttemptAt) ?? new Date());
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

/**
 * Runs every due step until none is due or the budget is spent. Steps without a dependency between
 * them (1 and 3) run side by side.
 */
export async function advance(
  actor: Actor,
  onboardingId: string,
  options: { budgetMs?: number } = {},
): Promise<void> {
  const onboarding = await loadForActor(actor, onboardingId);
  if (onboarding.tenantId !== actor.tenantId) {
    throw new EngineError(
      "You are signed in to another tenant. Sign in with an account of the onboarding's tenant to run its steps.",
    );
  }
  const deadline = Date.now() + (options.budgetMs ?? 8_000);
  for (let round = 0; round < 10 && Date.now() < deadline; round++) {
    const steps = await db.onboardingStep.findMany({ where: { onboardingId } });
    const due = dueSteps(steps);
    if (due.length === 0) break;
    await Promise.all(due.map((step) => runStep(actor, onboardingId, step, deadline)));
  }
  await refreshStatus(onboardingId);
}

async function runStep(actor: Actor, onboardingId: string, step: StepRow, deadline: number): Promise<void> {
  const stepId = step.stepId as StepId;
  const now = new Date();
  const leased = await db.onboardingStep.updateMany({
    where: { onboardingId, stepId, version: step.version },
    data: {
      status: "running",
      leaseOwner: instanceId,
      leaseExpiresAt: new Date(deadline + leaseSlackMs),
      attempts: { increment: 1 },
      startedAt: step.startedAt ?? now,
      version: { increment: 1 },
    },
  });
  if (leased.count === 0) return; // Someone else holds it, or it changed under us.

  let onboarding = await db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
  const endpoints = azureEndpoints();
  let graph: GraphClient | undefined;
  let arm: ArmClient | undefined;
  const flags = (step.outputs ?? {}) as { redoRequested?: boolean; checkOnly?: boolean };
  const redo = Boolean(flags.redoRequested);
  const ctx: StepContext = {
    stepId,
    get onboarding() {
      return onboarding;
    },
    set onboarding(value) {
      onboarding = value;
    },
    actor,
    redo,
    checkOnly: Boolean(flags.checkOnly),
    deadline,
    firstAttemptAt: step.startedAt ?? now,
    graph: () =>
      (graph ??= new GraphClient(
        delegatedCredential(actor.homeAccountId, onboarding.tenantId, "graph"),
        endpoints,
      )),
    arm: () =>
      (arm ??= new ArmClient(
        delegatedCredential(actor.homeAccountId, onboarding.tenantId, "arm"),
        endpoints,
      )),
    save: async (fields) => {
      onboarding = await db.onboarding.update({
        where: { id: onboardingId },
        data: { ...fields, version: { increment: 1 } },
      });
    },
    audit: (event) => recordAudit(onboardingId, actor, event),
  };

  let outcome: StepOutcome;
  try {
    outcome = await stepModules[stepId].run(ctx);
  } catch (error) {
    outcome = outcomeFromError(error, step.attempts + 1);
  }
  await finishStep(onboardingId, stepId, outcome);
}

function outcomeFromError(error: unknown, attempts: number): StepOutcome {
  if (error instanceof StillWaiting) {
    return { status: "waiting", message: error.reason, retryInMs: error.retryInMs };
  }
  const safe = error instanceof AzureCallError ? error.toJSON() : toSafeError(error);
  if (!(error instanceof AzureCallError)) log.error({ err: safe }, "step failed unexpectedly");
  if (safe.kind === "transient" && attempts < maxTransientAttempts) {
    return {
      status: "waiting",
      message: "Azure had a temporary problem; trying again shortly.",
      retryInMs: Math.min(2000 * 2 ** attempts, 30_000),
    };
  }
  return { status: "needs_attention", error: withAction(safe) };
}

function withAction(error: StepError): StepError {
  if (error.action) return error;
  const actions: Record<string, string> = {
    "sign-in": "Sign in again, then run the step again.",
    permission:
      "Your account lacks the rights for this step: ask an administrator, or share the onboarding with someone who has them.",
    consistency: "Azure is still catching up; run the step again in a minute.",
    transient: "Azure had a temporary problem; run the step again.",
    input: "Check the values above and run the step again.",
    policy:
      "A tenant policy refused this; ask an administrator, or change the setting and run the step again.",
    fatal: "Run the step again; if it keeps failing, check the audit log below for Azure's request id.",
  };
  return { ...error, action: actions[error.kind] };
}

async function finishStep(onboardingId: string, stepId: StepId, outcome: StepOutcome) {
  const now = new Date();
  const base = { leaseOwner: null, leaseExpiresAt: null, version: { increment: 1 } } as const;
  const data: Prisma.OnboardingStepUpdateManyMutationInput =
    outcome.status === "done"
      ? {
          ...base,
          status: "done",
          outputs: asJson(outcome.outputs),
          error: Prisma.DbNull,
          nextAttemptAt: null,
          finishedAt: now,
        }
      : outcome.status === "waiting"
        ? {
            ...base,
            status: "waiting",
            error: asJson({ kind: "consistency", message: outcome.message, waiting: true }),
            nextAttemptAt: new Date(now.getTime() + outcome.retryInMs),
            ...(outcome.outputs ? { outputs: asJson(outcome.outputs) } : {}),
          }
        : {
            ...base,
            status: "needs_attention",
            error: asJson(outcome.error),
            nextAttemptAt: null,
            finishedAt: now,
            ...(outcome.outputs ? { outputs: asJson(outcome.outputs) } : {}),
          };
  const updated = await db.onboardingStep.updateMany({
    where: { onboardingId, stepId, leaseOwner: instanceId },
    data,
  });
  if (updated.count === 0)
    log.warn(
      { onboardingId, stepId },
      "step lease was taken over before the step finished; its result was dropped",
    );
}

/** The onboarding's overall status follows its steps. */
export async function refreshStatus(onboardingId: string) {
  const steps = await db.onboardingStep.findMany({ where: { onboardingId }, select: { status: true } });
  const status =
    steps.length === stepCatalog.length && steps.every((s) => s.status === "done")
      ? "completed"
      : steps.some((s) => s.status === "needs_attention")
        ? "needs_attention"
        : "in_progress";
  await db.onboarding.updateMany({ where: { id: onboardingId, NOT: { status } }, data: { status } });
}
