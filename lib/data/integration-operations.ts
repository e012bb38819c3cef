/**
 * Reads and writes of integration operations (secret rotation, disconnect). Like the steps' rows, every
 * write that may race (two tabs, the background job on another instance) is conditional: on the row's
 * version to take a lease, on the lease held to save or finish.
 */
import "server-only";

import { integrationSecretContext, onboardingSecretContext } from "@/lib/crypto/contexts";
import { encryptSecret } from "@/lib/crypto/vault";
import type { VerificationRecord } from "@/lib/data/integrations";
import { LeaseLostError, leaseColumns, leaseReleased } from "@/lib/data/lease";
import { asJson } from "@/lib/data/steps";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import { Prisma, type IntegrationOperation } from "@/lib/generated/prisma/client";
import type { Actor, IntegrationOperationView } from "@/lib/view-types";

export type OperationRow = IntegrationOperation;
export type OperationKind = IntegrationOperation["kind"];

/** The integration does not exist, or the actor may not change it: one message, nothing told apart. */
export class IntegrationNotFoundError extends NotFoundError {
  constructor() {
    super("integration");
    this.name = "IntegrationNotFoundError";
  }
}

/** A request the integration's state refuses (already disconnected, an operation running...). */
export class IntegrationOperationError extends UserFacingError {
  constructor(message: string, field?: string) {
    super(message, field);
    this.name = "IntegrationOperationError";
  }
}

const managedFields = {
  id: true,
  tenantId: true,
  ownerId: true,
  clientId: true,
  status: true,
  secretKeyId: true,
  secretHint: true,
  secretExpiresAt: true,
  billingAccountName: true,
  billingAccountDisplayName: true,
  onboardingId: true,
  onboarding: {
    select: {
      id: true,
      appDisplayName: true,
      applicationObjectId: true,
      servicePrincipalId: true,
      roleAssignmentId: true,
      roleAssignmentName: true,
      secretExpiryMonths: true,
    },
  },
} as const;

export type ManagedIntegration = Prisma.IntegrationGetPayload<{ select: typeof managedFields }>;

/** The integration, if `actor` owns it and signed in to its tenant; else IntegrationNotFoundError. */
export async function getIntegrationForManagingOrThrow(
  actor: Actor,
  integrationId: string,
): Promise<ManagedIntegration> {
  const found = await db.integration.findFirst({
    where: { id: integrationId, ownerId: actor.id, tenantId: actor.tenantId },
    select: managedFields,
  });
  if (!found) throw new IntegrationNotFoundError();
  return found;
}

/** The same, for a runner acting for an operation's actor (already authorised when it was started). */
export function loadManagedIntegration(integrationId: string): Promise<ManagedIntegration> {
  return db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: managedFields });
}

/**
 * Starts an operation, or returns the one already open for the integration (a double click, two tabs):
 * the unique openKey lets only one be open. An open rotation gives way to a disconnect (its secrets go
 * with the app anyway), even one running right now: its lease goes with it, so whatever that run was
 * about to save (a new secret, the hand-over) is refused by the fence, and it never runs again.
 */
export async function startOperation(input: {
  integrationId: string;
  onboardingId: string | null;
  tenantId: string;
  kind: OperationKind;
  phase: string;
  actorId: string;
  retiringKeyId?: string | null;
  graceMs?: number;
}): Promise<{ operation: OperationRow; started: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const open = await db.integrationOperation.findUnique({ where: { openKey: input.integrationId } });
    if (open) {
      if (open.kind === input.kind) return { operation: open, started: false };
      if (open.kind === "disconnect")
        throw new IntegrationOperationError("This integration is being disconnected.");
      const now = new Date();
      // Not conditional on its version, which a running rotation moves with every save.
      await db.integrationOperation.updateMany({
        where: { id: open.id, openKey: input.integrationId },
        data: {
          openKey: null,
          status: "done",
          phase: "superseded",
          finishedAt: now,
          newSecretCiphertext: null,
          ...leaseReleased(leaseColumns),
          nextAttemptAt: null,
          error: asJson({ message: "Stopped by a disconnect of this integration." }),
          version: { increment: 1 },
        },
      });
      continue;
    }
    try {
      const operation = await db.integrationOperation.create({
        data: {
          integrationId: input.integrationId,
          onboardingId: input.onboardingId,
          tenantId: input.tenantId,
          kind: input.kind,
          phase: input.phase,
          actorId: input.actorId,
          retiringKeyId: input.retiringKeyId ?? null,
          graceMs: input.graceMs ?? null,
          openKey: input.integrationId,
          nextAttemptAt: new Date(),
        },
      });
      return { operation, started: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new IntegrationOperationError("Another change to this integration is starting. Try again.");
}

/** A finished or stopped operation runs again (a person pressed Retry), as `actorId`. */
export async function retryOperation(operationId: string, actorId: string): Promise<boolean> {
  const result = await db.integrationOperation.updateMany({
    where: { id: operationId, status: { in: ["needs_attention", "awaiting_sign_in"] } },
    data: { status: "running", error: Prisma.DbNull, nextAttemptAt: new Date(), attempts: 0, actorId },
  });
  return result.count > 0;
}

export function getOperation(id: string): Promise<OperationRow> {
  return db.integrationOperation.findUniqueOrThrow({ where: { id } });
}

/** Operations any instance may continue now: due, or under a lease nobody renewed. */
export async function listDueOperations(now: Date, take = 10): Promise<string[]> {
  const rows = await db.integrationOperation.findMany({
    where: {
      OR: [
        { status: { in: ["running", "awaiting_sign_in"] }, leaseOwner: null, nextAttemptAt: { lte: now } },
        { status: { in: ["running", "awaiting_sign_in"] }, leaseExpiresAt: { lte: now } },
      ],
    },
    orderBy: { nextAttemptAt: "asc" },
    take,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Takes an operation's lease; null when another runner holds it or it is not due. */
export async function takeOperationLease(
  operationId: string,
  leaseOwner: string,
  leaseExpiresAt: Date,
  now = new Date(),
): Promise<OperationRow | null> {
  const row = await db.integrationOperation.findUnique({ where: { id: operationId } });
  if (!row || row.status === "done" || row.status === "needs_attention") return null;
  if (row.leaseOwner && row.leaseExpiresAt && row.leaseExpiresAt > now) return null;
  // A lease nobody renewed is taken over at once; otherwise the operation runs when it is due.
  const abandoned = Boolean(row.leaseOwner);
  if (!abandoned && row.nextAttemptAt && row.nextAttemptAt > now) return null;
  const result = await db.integrationOperation.updateMany({
    where: { id: operationId, version: row.version },
    data: { leaseOwner, leaseExpiresAt, attempts: { increment: 1 }, version: { increment: 1 } },
  });
  if (result.count === 0) return null;
  return db.integrationOperation.findUniqueOrThrow({ where: { id: operationId } });
}

export async function renewOperationLease(id: string, leaseOwner: string, leaseExpiresAt: Date) {
  const result = await db.integrationOperation.updateMany({
    where: { id, leaseOwner },
    data: { leaseExpiresAt },
  });
  return result.count > 0;
}

/** What a run saves on its operation while it holds the lease: the new secret, times, the check. */
export type OperationFields = Partial<
  Pick<
    OperationRow,
    | "newKeyId"
    | "newSecretCiphertext"
    | "newSecretEncryptionKeyId"
    | "newSecretHint"
    | "newSecretExpiresAt"
    | "removeAfter"
  >
> & {
  /** When each phase finished (ISO times by event). */
  timeline?: Record<string, string>;
  verification?: VerificationRecord;
};

function operationFieldsData(fields: OperationFields): Prisma.IntegrationOperationUpdateManyMutationInput {
  const { timeline, verification, ...rest } = fields;
  return {
    ...rest,
    ...(timeline ? { timeline: asJson(timeline) } : {}),
    ...(verification ? { verification: asJson(verification) } : {}),
  };
}

async function updateOperationFenced(
  id: string,
  leaseOwner: string,
  data: Prisma.IntegrationOperationUpdateManyMutationInput,
): Promise<OperationRow> {
  return db.$transaction(async (tx) => {
    const held = await tx.integrationOperation.updateMany({
      where: { id, leaseOwner },
      data: { ...data, version: { increment: 1 } },
    });
    if (held.count === 0) throw new LeaseLostError();
    return tx.integrationOperation.findUniqueOrThrow({ where: { id } });
  });
}

/** Saves while the runner holds the lease; LeaseLostError when it was taken over. */
export function saveOperationFenced(
  id: string,
  leaseOwner: string,
  fields: OperationFields,
): Promise<OperationRow> {
  return updateOperationFenced(id, leaseOwner, operationFieldsData(fields));
}

/**
 * Moves the operation on to its next phase, due at once with a fresh count of attempts, while the
 * runner holds the lease; LeaseLostError when it was taken over.
 */
export function enterOperationPhase(id: string, leaseOwner: string, phase: string): Promise<OperationRow> {
  return updateOperationFenced(id, leaseOwner, {
    phase,
    error: Prisma.DbNull,
    nextAttemptAt: new Date(),
    attempts: 0,
  });
}

/** A person's view of what went wrong with an operation (messages already scrubbed). */
export type OperationProblem = { message: string; action?: string; resolution?: string; code?: string };

/**
 * How a run of an operation ended: done; waiting (for Azure, the grace period or a sign-in) until a
 * moment; needing a person; stopped before it began (its person is unknown), which needs a person too;
 * or out of rounds, due again at once.
 */
export type OperationRunEnd =
  | { status: "done" }
  | { status: "waiting"; message: string; retryInMs: number; awaitingSignIn?: boolean }
  | { status: "needs_attention"; problem: OperationProblem }
  | { status: "no_runner"; problem: OperationProblem }
  | { status: "continue" };

function runEndData(end: OperationRunEnd, now: Date): Prisma.IntegrationOperationUpdateManyMutationInput {
  switch (end.status) {
    case "done":
      return { status: "done", phase: "done", openKey: null, finishedAt: now, newSecretCiphertext: null };
    case "waiting":
      return {
        status: end.awaitingSignIn ? "awaiting_sign_in" : "running",
        error: asJson({ message: end.message, waiting: true }),
        nextAttemptAt: new Date(now.getTime() + end.retryInMs),
      };
    case "needs_attention":
      return { status: "needs_attention", error: asJson(end.problem), nextAttemptAt: null };
    case "no_runner":
      return { status: "needs_attention", error: asJson(end.problem) };
    case "continue":
      return { nextAttemptAt: now };
  }
}

/** Ends a run: releases the lease with the run's result; false when the lease was taken over. */
export async function finishOperationRun(
  id: string,
  leaseOwner: string,
  end: OperationRunEnd,
): Promise<boolean> {
  const result = await db.integrationOperation.updateMany({
    where: { id, leaseOwner },
    data: {
      ...runEndData(end, new Date()),
      ...leaseReleased(leaseColumns),
      version: { increment: 1 },
    },
  });
  return result.count > 0;
}

/**
 * Hands the verified new secret over, in one transaction fenced by the lease: the Integration (what
 * /api/v1 serves) and the onboarding both hold the new secret from this commit on.
 */
export async function deliverRotatedSecretFenced(
  operation: Pick<OperationRow, "id" | "integrationId" | "onboardingId">,
  leaseOwner: string,
  secret: { value: string; keyId: string; hint: string; expiresAt: Date | null },
  fields: OperationFields,
): Promise<OperationRow> {
  const forIntegration = encryptSecret(secret.value, integrationSecretContext(operation.integrationId));
  return db.$transaction(async (tx) => {
    const held = await tx.integrationOperation.updateMany({
      where: { id: operation.id, leaseOwner },
      data: { ...operationFieldsData(fields), version: { increment: 1 } },
    });
    if (held.count === 0) throw new LeaseLostError();
    await tx.integration.update({
      where: { id: operation.integrationId },
      data: {
        secretCiphertext: forIntegration.ciphertext,
        secretEncryptionKeyId: forIntegration.keyId,
        secretKeyId: secret.keyId,
        secretHint: secret.hint,
        secretExpiresAt: secret.expiresAt,
        version: { increment: 1 },
      },
    });
    if (operation.onboardingId) {
      const forOnboarding = encryptSecret(secret.value, onboardingSecretContext(operation.onboardingId));
      await tx.onboarding.update({
        where: { id: operation.onboardingId },
        data: {
          secretCiphertext: forOnboarding.ciphertext,
          secretEncryptionKeyId: forOnboarding.keyId,
          secretKeyId: secret.keyId,
          secretHint: secret.hint,
          secretExpiresAt: secret.expiresAt,
          version: { increment: 1 },
        },
      });
    }
    return tx.integrationOperation.findUniqueOrThrow({ where: { id: operation.id } });
  });
}

/**
 * The end of a disconnect: the Integration says "disconnected" and keeps no secret value (the API
 * answers for it without one); the onboarding forgets its secret too.
 */
export async function markIntegrationDisconnectedFenced(
  operation: Pick<OperationRow, "id" | "integrationId" | "onboardingId">,
  leaseOwner: string,
  fields: OperationFields,
): Promise<void> {
  const emptied = encryptSecret("", integrationSecretContext(operation.integrationId));
  await db.$transaction(async (tx) => {
    const held = await tx.integrationOperation.updateMany({
      where: { id: operation.id, leaseOwner },
      data: { ...operationFieldsData(fields), version: { increment: 1 } },
    });
    if (held.count === 0) throw new LeaseLostError();
    await tx.integration.update({
      where: { id: operation.integrationId },
      data: {
        status: "disconnected",
        secretCiphertext: emptied.ciphertext,
        secretEncryptionKeyId: emptied.keyId,
        secretKeyId: null,
        secretHint: "",
        version: { increment: 1 },
      },
    });
    if (operation.onboardingId)
      await tx.onboarding.update({
        where: { id: operation.onboardingId },
        data: {
          secretCiphertext: null,
          secretEncryptionKeyId: null,
          secretKeyId: null,
          secretHint: null,
          retiringSecretKeyId: null,
          version: { increment: 1 },
        },
      });
  });
}

/** A person signed in again: their operations that waited for it may run now. */
export async function resumeOperationsAwaitingSignIn(userId: string): Promise<number> {
  const result = await db.integrationOperation.updateMany({
    where: { actorId: userId, status: "awaiting_sign_in" },
    data: { status: "running", nextAttemptAt: new Date(), version: { increment: 1 } },
  });
  return result.count;
}

/**
 * What the owner's page shows of an integration: its status and its latest rotation and disconnect,
 * never a secret. Null when it is not the viewer's.
 */
export async function getIntegrationLifecycleView(
  viewer: Actor,
  integrationId: string,
): Promise<IntegrationOperationView | null> {
  const integration = await db.integration.findFirst({
    where: { id: integrationId, ownerId: viewer.id, tenantId: viewer.tenantId },
    select: {
      id: true,
      status: true,
      clientId: true,
      secretHint: true,
      secretExpiresAt: true,
      billingAccountName: true,
      billingAccountDisplayName: true,
      onboarding: { select: { appDisplayName: true } },
    },
  });
  if (!integration) return null;
  const ops = await db.integrationOperation.findMany({
    where: { integrationId },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: {
      id: true,
      kind: true,
      phase: true,
      status: true,
      error: true,
      timeline: true,
      removeAfter: true,
      newSecretHint: true,
      createdAt: true,
      finishedAt: true,
      actor: { select: { name: true, email: true } },
    },
  });
  const view = (kind: OperationKind) => {
    const op = ops.find((o) => o.kind === kind && o.phase !== "superseded");
    if (!op) return null;
    const error = (op.error ?? null) as { message?: string; action?: string; resolution?: string } | null;
    return {
      id: op.id,
      phase: op.phase,
      status: op.status,
      actorName: op.actor?.name ?? op.actor?.email ?? null,
      startedAt: op.createdAt.toISOString(),
      finishedAt: op.finishedAt?.toISOString() ?? null,
      removeAfter: op.removeAfter?.toISOString() ?? null,
      newSecretHint: op.newSecretHint,
      timeline: (op.timeline ?? {}) as Record<string, string>,
      message: error?.message ?? null,
      action: error?.action ?? null,
      resolution: error?.resolution ?? null,
    };
  };
  return {
    integrationId: integration.id,
    status: integration.status,
    clientId: integration.clientId,
    secretHint: integration.secretHint,
    secretExpiresAt: integration.secretExpiresAt?.toISOString() ?? null,
    billingAccountDisplayName: integration.billingAccountDisplayName ?? integration.billingAccountName,
    appDisplayName: integration.onboarding?.appDisplayName ?? null,
    rotation: view("rotate_secret"),
    disconnect: view("disconnect"),
  };
}

/** The lifecycle view of the Integration an onboarding made, for its owner; null when none. */
export async function getIntegrationLifecycleViewForOnboarding(viewer: Actor, onboardingId: string) {
  const integration = await db.integration.findFirst({
    where: { onboardingId, ownerId: viewer.id, tenantId: viewer.tenantId },
    select: { id: true },
  });
  return integration ? getIntegrationLifecycleView(viewer, integration.id) : null;
}

/**
 * The open rotation or disconnect of an onboarding's integration, for the progress poller: only its
 * version and timing (no names, no ids), so the page refreshes as it moves.
 */
export async function openOperationTiming(onboardingId: string) {
  return db.integrationOperation.findFirst({
    where: { onboardingId, openKey: { not: null } },
    select: { version: true, status: true, nextAttemptAt: true, leaseExpiresAt: true },
  });
}

/**
 * What the Integration an onboarding made is going through, for the engine's guards: whether it was
 * disconnected, and its open rotation or disconnect (null when none). Null when there is no Integration.
 */
export async function integrationLifecycleOfOnboarding(onboardingId: string) {
  const integration = await db.integration.findUnique({
    where: { onboardingId },
    select: { id: true, status: true },
  });
  if (!integration) return null;
  const open = await db.integrationOperation.findUnique({
    where: { openKey: integration.id },
    select: { kind: true, phase: true, status: true, removeAfter: true },
  });
  return { disconnected: integration.status === "disconnected", open };
}

/**
 * Whether one of the onboarding's steps that make or hand over its secret (1, 2 and 5) is queued or
 * running: a redo of step 2 in flight, which a rotation must not cross.
 */
export async function secretStepsInFlight(onboardingId: string): Promise<boolean> {
  const busy = await db.onboardingStep.count({
    where: {
      onboardingId,
      stepId: { in: ["app-registration", "client-secret", "verify"] },
      status: { in: ["waiting", "running"] },
    },
  });
  return busy > 0;
}
