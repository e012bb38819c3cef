/**
 * The engine's reads and writes of onboarding steps: queueing, leases and results. Every write that
 * may race (two tabs, a colleague, another portal instance) is a conditional update on the step's
 * version or on the lease it holds, and reports whether it won.
 */
import "server-only";

import { LeaseLostError, leaseColumns, leaseReleased } from "@/lib/data/lease";
import { NotFoundError } from "@/lib/data/onboardings";
import { db } from "@/lib/db";
import { Prisma, type Onboarding, type OnboardingStatus } from "@/lib/generated/prisma/client";
import type { StepId } from "@/lib/onboardings/catalog";
import { signalProgress } from "@/lib/onboardings/progress-signal";
import type { Actor } from "@/lib/view-types";

export type StepRow = Prisma.OnboardingStepGetPayload<object>;

/** An onboarding as stored: what a step reads and, through a fenced save, writes. */
export type OnboardingRecord = Onboarding;

/** The onboarding fields a step's runner may save (Azure ids, the sealed secret, the status). */
export type OnboardingFields = Partial<
  Pick<
    Onboarding,
    | "applicationObjectId"
    | "clientId"
    | "servicePrincipalId"
    | "secretKeyId"
    | "secretCiphertext"
    | "secretEncryptionKeyId"
    | "secretHint"
    | "secretExpiresAt"
    | "retiringSecretKeyId"
    | "billingAccountName"
    | "billingAccountDisplayName"
    | "roleAssignmentId"
    | "roleAssignmentName"
    | "status"
  >
>;

export function asJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? {})) as Prisma.InputJsonValue;
}

/**
 * The onboarding, if `actor` may run its steps: its owner, or a colleague holding a live act link to
 * it (not revoked, not expired). Either way only from the onboarding's own tenant.
 */
export async function findOnboardingForActing(
  actor: Actor,
  onboardingId: string,
  shareLinkId?: string,
): Promise<Onboarding> {
  const viaLink = shareLinkId
    ? [
        {
          shareLinks: {
            some: { id: shareLinkId, scope: "act" as const, revokedAt: null, expiresAt: { gt: new Date() } },
          },
        },
      ]
    : [];
  const onboarding = await db.onboarding.findFirst({
    where: { id: onboardingId, tenantId: actor.tenantId, OR: [{ ownerId: actor.id }, ...viaLink] },
  });
  if (!onboarding) throw new NotFoundError();
  return onboarding;
}

/** Why a step's person may no longer act on the onboarding; null when they still may. */
export type StandingLost =
  { reason: "revoked"; at: Date } | { reason: "expired"; at: Date } | { reason: "not-allowed" };

/**
 * Whether the person a step runs as may still act: the onboarding's owner, or a colleague of its
 * tenant whose act link (the one the step was queued through) is neither revoked nor expired.
 */
export async function standingOfStepRunner(
  onboarding: Pick<Onboarding, "id" | "ownerId" | "tenantId">,
  actor: Pick<Actor, "id" | "tenantId">,
  shareLinkId: string | null,
  now = new Date(),
): Promise<StandingLost | null> {
  if (actor.tenantId !== onboarding.tenantId) return { reason: "not-allowed" };
  if (actor.id === onboarding.ownerId) return null;
  const link = shareLinkId
    ? await db.shareLink.findFirst({
        where: { id: shareLinkId, onboardingId: onboarding.id },
        select: { scope: true, revokedAt: true, expiresAt: true },
      })
    : null;
  if (!link || link.scope !== "act") return { reason: "not-allowed" };
  if (link.revokedAt) return { reason: "revoked", at: link.revokedAt };
  if (link.expiresAt <= now) return { reason: "expired", at: link.expiresAt };
  return null;
}

/**
 * A disconnect stops every step of the onboarding that is queued, waiting or running, for good: a
 * running one loses its lease, so nothing it was about to save lands. Returns how many it stopped.
 */
export async function cancelOpenSteps(onboardingId: string, message: string): Promise<number> {
  const now = new Date();
  const result = await db.onboardingStep.updateMany({
    where: { onboardingId, status: { in: ["waiting", "running"] } },
    data: {
      status: "cancelled",
      error: asJson({ kind: "input", message, cancelled: true }),
      nextAttemptAt: null,
      ...leaseReleased(leaseColumns),
      finishedAt: now,
      version: { increment: 1 },
    },
  });
  if (result.count) signalProgress(onboardingId);
  return result.count;
}

export function listSteps(onboardingId: string): Promise<StepRow[]> {
  return db.onboardingStep.findMany({ where: { onboardingId } });
}

export function loadOnboarding(onboardingId: string): Promise<Onboarding> {
  return db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
}

/** The few onboarding fields a waiting step may start on (the engine's early results). */
export async function loadEarlyFields<F extends "applicationObjectId">(
  onboardingId: string,
  fields: readonly F[],
): Promise<Partial<Record<F, string | null>>> {
  const select = Object.fromEntries(fields.map((f) => [f, true])) as Record<F, true>;
  const row = await db.onboarding.findUnique({ where: { id: onboardingId }, select });
  return (row ?? {}) as Partial<Record<F, string | null>>;
}

/**
 * Who a step runs as: the person, and the act link they queued it through (none for the owner). The
 * engine checks both again each time it takes the step's lease.
 */
export type StepRunner = { actorId: string; shareLinkId?: string | null };

/** Sets a step to run as soon as it can, for `runner`, unless someone changed it meanwhile. */
export async function queueStep(
  step: Pick<StepRow, "onboardingId" | "stepId" | "version">,
  runner: StepRunner,
  outputs: Record<string, unknown>,
): Promise<boolean> {
  const now = new Date();
  const result = await db.onboardingStep.updateMany({
    where: { onboardingId: step.onboardingId, stepId: step.stepId, version: step.version },
    data: {
      status: "waiting",
      nextAttemptAt: now,
      error: Prisma.DbNull,
      attempts: 0,
      startedAt: now,
      finishedAt: null,
      actorId: runner.actorId,
      shareLinkId: runner.shareLinkId ?? null,
      outputs: asJson(outputs),
      version: { increment: 1 },
    },
  });
  if (result.count) signalProgress(step.onboardingId);
  return result.count > 0;
}

/** A step already queued: bring its next attempt forward (keeping when it began waiting). */
export async function hurryStep(
  step: Pick<StepRow, "onboardingId" | "stepId" | "version">,
  runner: StepRunner,
  options: { now: boolean },
): Promise<boolean> {
  const result = await db.onboardingStep.updateMany({
    where: { onboardingId: step.onboardingId, stepId: step.stepId, version: step.version },
    data: {
      actorId: runner.actorId,
      shareLinkId: runner.shareLinkId ?? null,
      ...(options.now ? { nextAttemptAt: new Date() } : {}),
      version: { increment: 1 },
    },
  });
  if (result.count) signalProgress(step.onboardingId);
  return result.count > 0;
}

/** Takes a due step's lease; false when another runner got there first. */
export async function takeLease(
  step: Pick<StepRow, "onboardingId" | "stepId" | "version" | "startedAt">,
  leaseOwner: string,
  leaseExpiresAt: Date,
): Promise<boolean> {
  const result = await db.onboardingStep.updateMany({
    where: { onboardingId: step.onboardingId, stepId: step.stepId, version: step.version },
    data: {
      status: "running",
      leaseOwner,
      leaseExpiresAt,
      attempts: { increment: 1 },
      startedAt: step.startedAt ?? new Date(),
      version: { increment: 1 },
    },
  });
  if (result.count) signalProgress(step.onboardingId);
  return result.count > 0;
}

/** Extends a lease the runner still holds; false when it was taken over. */
export async function renewLease(
  onboardingId: string,
  stepId: StepId,
  leaseOwner: string,
  leaseExpiresAt: Date,
): Promise<boolean> {
  const result = await db.onboardingStep.updateMany({
    where: { onboardingId, stepId, leaseOwner },
    data: { leaseExpiresAt },
  });
  return result.count > 0;
}

/**
 * When every connection of PostgreSQL's pool is busy (a hundred onboardings at once: npm run bench), a
 * transaction waits for one as a single query does. Prisma's default gives up after 2 s, and the step
 * then failed as if Azure had: the lease (engine.ts, 30 s beyond the run's budget) is the real limit.
 */
export const fencedTransactionWait = { maxWait: 20_000, timeout: 20_000 };

/**
 * Saves Azure ids and secrets for a step's runner, only while it holds the step's lease: the check and
 * the write are one transaction, and the check's row lock keeps a takeover out until it commits.
 */
export async function saveOnboardingFieldsFenced(
  onboardingId: string,
  stepId: StepId,
  leaseOwner: string,
  fields: OnboardingFields,
): Promise<Onboarding> {
  const saved = await db.$transaction(async (tx) => {
    const held = await tx.onboardingStep.updateMany({
      where: { onboardingId, stepId, leaseOwner },
      data: { updatedAt: new Date() },
    });
    if (held.count === 0) throw new LeaseLostError();
    return tx.onboarding.update({
      where: { id: onboardingId },
      data: { ...fields, version: { increment: 1 } },
    });
  }, fencedTransactionWait);
  signalProgress(onboardingId);
  return saved;
}

/**
 * After step 5 removed the secret the Integration used to hold: forgets it, while the runner holds the
 * lease and unless a newer redo of step 2 has named another secret to retire meanwhile.
 */
export async function clearRetiringSecretFenced(
  fence: { onboardingId: string; stepId: string; leaseOwner: string },
  keyId: string,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const held = await tx.onboardingStep.updateMany({
      where: { onboardingId: fence.onboardingId, stepId: fence.stepId, leaseOwner: fence.leaseOwner },
      data: { updatedAt: new Date() },
    });
    if (held.count === 0) throw new LeaseLostError();
    await tx.onboarding.updateMany({
      where: { id: fence.onboardingId, retiringSecretKeyId: keyId },
      data: { retiringSecretKeyId: null, version: { increment: 1 } },
    });
  }, fencedTransactionWait);
}

/**
 * How a run of a step ended, as the engine decided (messages already scrubbed): done with its
 * outputs, waiting for a moment (or for a sign-in), needing a person, or cancelled for good.
 */
export type StepFinish =
  | { status: "done"; outputs: Record<string, unknown> }
  | {
      status: "waiting";
      message: string;
      retryInMs: number;
      outputs?: Record<string, unknown>;
      awaitingSignIn?: boolean;
    }
  | { status: "needs_attention"; error: { kind: string; message: string }; outputs?: Record<string, unknown> }
  | { status: "cancelled"; message: string };

function finishedStepFields(outcome: StepFinish, now: Date): Prisma.OnboardingStepUpdateManyMutationInput {
  switch (outcome.status) {
    case "cancelled":
      return {
        status: "cancelled",
        error: asJson({ kind: "input", message: outcome.message, cancelled: true }),
        nextAttemptAt: null,
        finishedAt: now,
      };
    case "done":
      return {
        status: "done",
        outputs: asJson(outcome.outputs),
        error: Prisma.DbNull,
        nextAttemptAt: null,
        finishedAt: now,
      };
    case "waiting":
      return {
        status: "waiting",
        error: asJson({
          kind: outcome.awaitingSignIn ? "sign-in" : "consistency",
          message: outcome.message,
          waiting: true,
          ...(outcome.awaitingSignIn ? { awaitingSignIn: true } : {}),
        }),
        nextAttemptAt: new Date(now.getTime() + outcome.retryInMs),
        ...(outcome.outputs ? { outputs: asJson(outcome.outputs) } : {}),
      };
    case "needs_attention":
      return {
        status: "needs_attention",
        error: asJson(outcome.error),
        nextAttemptAt: null,
        finishedAt: now,
        ...(outcome.outputs ? { outputs: asJson(outcome.outputs) } : {}),
      };
  }
}

/** Records how a step's run ended and releases its lease, if the runner still holds it. */
export async function finishLeasedStep(
  onboardingId: string,
  stepId: StepId,
  leaseOwner: string,
  outcome: StepFinish,
): Promise<boolean> {
  const data = finishedStepFields(outcome, new Date());
  const result = await db.onboardingStep.updateMany({
    where: { onboardingId, stepId, leaseOwner },
    data: { ...data, ...leaseReleased(leaseColumns), version: { increment: 1 } },
  });
  if (result.count) signalProgress(onboardingId);
  return result.count > 0;
}

/** A person signed in again: their steps that waited for it may run now. */
export async function resumeStepsAwaitingSignIn(userId: string): Promise<number> {
  const result = await db.onboardingStep.updateMany({
    where: { actorId: userId, status: "waiting", error: { path: ["awaitingSignIn"], equals: true } },
    data: { nextAttemptAt: new Date(), version: { increment: 1 } },
  });
  return result.count;
}

/**
 * The steps of onboardings that have a step queued or running under an expired lease: candidates for
 * the background runner, which decides what is really due (dependencies included).
 */
export async function listCandidateSteps(maxOnboardings: number) {
  const now = new Date();
  const onboardings = await db.onboarding.findMany({
    where: {
      steps: {
        some: {
          actorId: { not: null },
          OR: [
            { status: "waiting", nextAttemptAt: { lte: now } },
            { status: "running", leaseExpiresAt: { lte: now } },
          ],
        },
      },
    },
    orderBy: { updatedAt: "asc" },
    take: maxOnboardings,
    select: {
      id: true,
      applicationObjectId: true,
      steps: {
        select: { stepId: true, status: true, nextAttemptAt: true, leaseExpiresAt: true, actorId: true },
      },
    },
  });
  return onboardings;
}

/**
 * Sets the onboarding's status from its steps as they are when it commits. The onboarding's row is
 * locked first, so two runners that finish steps at the same moment (two instances, or a page and the
 * background runner) take turns: the last to write has read every step the other saved, and a stale
 * "in progress" never lands after "completed".
 */
export async function refreshOnboardingStatus(
  onboardingId: string,
  statusOf: (steps: { status: string }[]) => OnboardingStatus,
): Promise<void> {
  const changed = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "id" FROM "Onboarding" WHERE "id" = ${onboardingId} FOR UPDATE`;
    const steps = await tx.onboardingStep.findMany({ where: { onboardingId }, select: { status: true } });
    const status = statusOf(steps);
    const result = await tx.onboarding.updateMany({
      where: { id: onboardingId, NOT: { status } },
      data: { status },
    });
    return result.count > 0;
  });
  if (changed) signalProgress(onboardingId);
}
