/**
 * Where an onboarding's connection goes (its destinations), and the Vantage delivery's resumable state.
 * Like the steps' and operations' rows, every write that may race (two tabs, the background job on
 * another instance) is conditional: on the row's version to take the lease, on the lease held to save.
 */
import "server-only";

import { LeaseLostError, leaseColumns, leaseReleased } from "@/lib/data/lease";
import { asJson } from "@/lib/data/steps";
import { db } from "@/lib/db";
import { UserFacingError } from "@/lib/errors";
import { Prisma, type Delivery, type DeliveryDestination } from "@/lib/generated/prisma/client";
import { signalProgress } from "@/lib/onboardings/progress-signal";
import { unknownIdMessages } from "@/lib/validations/ids";
import type { Actor } from "@/lib/view-types";

export type DeliveryRow = Delivery;

export const destinationIds = ["vantage", "api", "by_hand"] as const satisfies readonly DeliveryDestination[];
export type DestinationId = (typeof destinationIds)[number];

/** A destination request the onboarding's state refuses; the message says what to do. */
export class DeliveryError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "DeliveryError";
  }
}

/**
 * Which secret an integration holds, as the delivery compares it: Azure's keyId, or the hint of a secret
 * pasted by hand (whose keyId we never saw). Kept equal to the SQL in wakeDeliveries.
 */
export function secretTag(integration: { secretKeyId: string | null; secretHint: string }) {
  return integration.secretKeyId ?? `hint:${integration.secretHint}`;
}

/** Adds destinations to the actor's onboarding; those it has already stay as they are. */
export async function addDestinations(actor: Actor, onboardingId: string, destinations: DestinationId[]) {
  const onboarding = await db.onboarding.findFirst({
    where: { id: onboardingId, ownerId: actor.id, tenantId: actor.tenantId },
    select: { id: true, integration: { select: { status: true } } },
  });
  if (!onboarding) throw new DeliveryError("This onboarding does not exist or is not yours.");
  if (onboarding.integration?.status === "disconnected")
    throw new DeliveryError("This connection is disconnected: there is nothing to deliver.");
  if (destinations.length === 0) return 0;
  const { count } = await db.delivery.createMany({
    data: destinations.map((destination) => ({ onboardingId, destination })),
    skipDuplicates: true,
  });
  signalProgress(onboardingId);
  return count;
}

export type DeliveryView = {
  id: string;
  destination: DestinationId;
  status: Delivery["status"];
  vantageStatus: string | null;
  vantageMessage: string | null;
  vantageIntegrationToken: string | null;
  nextStatus: string | null;
  replacing: boolean;
  message: string | null;
  action: string | null;
  waiting: boolean;
  nextAttemptAt: string | null;
  timeline: Record<string, string>;
};

const viewFields = {
  id: true,
  onboardingId: true,
  destination: true,
  status: true,
  vantageStatus: true,
  vantageMessage: true,
  vantageIntegrationToken: true,
  nextIntegrationToken: true,
  nextStatus: true,
  error: true,
  nextAttemptAt: true,
  timeline: true,
} as const;

function toView(row: Prisma.DeliveryGetPayload<{ select: typeof viewFields }>): DeliveryView {
  const error = (row.error ?? null) as { message?: string; action?: string; waiting?: boolean } | null;
  return {
    id: row.id,
    destination: row.destination,
    status: row.status,
    vantageStatus: row.vantageStatus,
    vantageMessage: row.vantageMessage,
    vantageIntegrationToken: row.vantageIntegrationToken,
    nextStatus: row.nextStatus,
    replacing: Boolean(row.nextIntegrationToken),
    message: error?.message ?? null,
    action: error?.action ?? null,
    waiting: Boolean(error?.waiting),
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    timeline: (row.timeline ?? {}) as Record<string, string>,
  };
}

const order: Record<DestinationId, number> = { vantage: 0, api: 1, by_hand: 2 };

/**
 * The destinations of an onboarding, for a page that has already checked the viewer may see it (its
 * owner, or a share link's holder): ids, statuses and Vantage's words, never a token or secret.
 */
export async function listDeliveriesOfOnboarding(onboardingId: string): Promise<DeliveryView[]> {
  const rows = await db.delivery.findMany({ where: { onboardingId }, select: viewFields });
  return rows.map(toView).sort((a, b) => order[a.destination] - order[b.destination]);
}

/** The Vantage deliveries of the actor's integrations, by integration id, for the integrations pages. */
export async function vantageDeliveriesOfIntegrations(actor: Actor, integrationIds: string[]) {
  const integrations = await db.integration.findMany({
    where: { id: { in: integrationIds }, ownerId: actor.id },
    select: { id: true, onboardingId: true },
  });
  const byOnboarding = new Map(
    integrations.filter((i) => i.onboardingId).map((i) => [i.onboardingId!, i.id] as const),
  );
  const rows = await db.delivery.findMany({
    where: { onboardingId: { in: [...byOnboarding.keys()] }, destination: "vantage" },
    select: viewFields,
  });
  return new Map(rows.map((r) => [byOnboarding.get(r.onboardingId)!, toView(r)] as const));
}

/**
 * For the progress poller: the Vantage deliveries' versions and timing only, and whether one waits for
 * the background job to wake it (its connection is active).
 */
export async function deliveryTiming(onboardingId: string) {
  const rows = await db.delivery.findMany({
    where: { onboardingId, destination: "vantage" },
    select: {
      version: true,
      status: true,
      nextAttemptAt: true,
      leaseExpiresAt: true,
      onboarding: { select: { integration: { select: { status: true } } } },
    },
  });
  return rows.map(({ onboarding, ...timing }) => ({
    ...timing,
    wakeable: timing.status === "waiting" && onboarding.integration?.status === "active",
  }));
}

/**
 * The hook that starts Vantage deliveries: the Integration's state, compared with what the delivery last
 * made Vantage hold. It wakes a delivery whose connection became active (step 5 proved it), whose secret
 * changed (a rotation handed a new one over, or step 2 was redone), or that was disconnected. Based on
 * state rather than on reading each IntegrationEvent, so an event missed (a crash, a merge that writes
 * the events elsewhere) only delays a delivery until the next round. Returns the ids woken.
 */
export async function wakeDeliveries(now = new Date()): Promise<string[]> {
  const due = await db.$queryRaw<{ id: string; onboardingId: string; status: string }[]>`
    SELECT d."id", d."onboardingId", d."status"::text AS "status"
    FROM "Delivery" d
    JOIN "Integration" i ON i."onboardingId" = d."onboardingId"
    WHERE d."destination" = 'vantage'
      AND d."leaseOwner" IS NULL
      AND (
        (i."status" = 'active' AND d."status" = 'waiting')
        OR (i."status" IN ('active', 'failing') AND d."status" = 'delivered'
            AND d."vantageSecretTag" IS DISTINCT FROM COALESCE(i."secretKeyId", 'hint:' || i."secretHint"))
        OR (i."status" = 'disconnected' AND d."status" IN ('waiting', 'delivered', 'needs_attention'))
      )
    LIMIT 50`;
  const woken: string[] = [];
  for (const row of due) {
    const { count } = await db.delivery.updateMany({
      where: { id: row.id, status: row.status as Delivery["status"], leaseOwner: null },
      data: { status: "running", nextAttemptAt: now, attempts: 0, version: { increment: 1 } },
    });
    if (count) {
      woken.push(row.id);
      signalProgress(row.onboardingId);
    }
  }
  return woken;
}

/** Deliveries any instance may continue now: due, or under a lease nobody renewed. */
export async function listDueDeliveries(now: Date, take = 10): Promise<string[]> {
  const rows = await db.delivery.findMany({
    where: {
      destination: "vantage",
      OR: [
        { status: { in: ["running", "delivered"] }, leaseOwner: null, nextAttemptAt: { lte: now } },
        { leaseOwner: { not: null }, leaseExpiresAt: { lte: now } },
      ],
    },
    orderBy: { nextAttemptAt: "asc" },
    take,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** Takes a delivery's lease; null when another runner holds it or it is not due. */
export async function takeDeliveryLease(
  id: string,
  leaseOwner: string,
  leaseExpiresAt: Date,
  now = new Date(),
): Promise<DeliveryRow | null> {
  const row = await db.delivery.findUnique({ where: { id } });
  if (!row || row.destination !== "vantage") return null;
  if (row.leaseOwner && row.leaseExpiresAt && row.leaseExpiresAt > now) return null;
  const abandoned = Boolean(row.leaseOwner);
  if (!abandoned) {
    if (row.status !== "running" && row.status !== "delivered") return null;
    if (row.nextAttemptAt && row.nextAttemptAt > now) return null;
  }
  const { count } = await db.delivery.updateMany({
    where: { id, version: row.version },
    data: { leaseOwner, leaseExpiresAt, version: { increment: 1 } },
  });
  if (count === 0) return null;
  signalProgress(row.onboardingId);
  return db.delivery.findUniqueOrThrow({ where: { id } });
}

export async function renewDeliveryLease(id: string, leaseOwner: string, leaseExpiresAt: Date) {
  const { count } = await db.delivery.updateMany({ where: { id, leaseOwner }, data: { leaseExpiresAt } });
  return count > 0;
}

/** What a run saves on its delivery while it holds the lease: Vantage's tokens and words, its times. */
export type DeliveryFields = Partial<
  Pick<
    DeliveryRow,
    | "vantageIntegrationToken"
    | "vantageStatus"
    | "vantageMessage"
    | "vantageSecretTag"
    | "nextIntegrationToken"
    | "nextStatus"
    | "nextSecretTag"
    | "retiringIntegrationToken"
    | "createStartedAt"
    | "workspacesSetOn"
    | "followSince"
  >
> & {
  /** A Vantage integration this delivery made or adopted, added to the ones it knows. */
  knownIntegrationToken?: string;
  /** When Vantage first (or last) said each thing (ISO times by event). */
  timeline?: Record<string, string>;
};

function deliveryFieldsData(fields: DeliveryFields): Prisma.DeliveryUpdateManyMutationInput {
  const { knownIntegrationToken, timeline, ...rest } = fields;
  return {
    ...rest,
    ...(knownIntegrationToken !== undefined
      ? { knownIntegrationTokens: { push: knownIntegrationToken } }
      : {}),
    ...(timeline ? { timeline: asJson(timeline) } : {}),
  };
}

/** Saves while the runner holds the lease; LeaseLostError when it was taken over. */
export async function saveDeliveryFenced(
  id: string,
  leaseOwner: string,
  fields: DeliveryFields,
): Promise<DeliveryRow> {
  const row = await db.$transaction(async (tx) => {
    const held = await tx.delivery.updateMany({
      where: { id, leaseOwner },
      data: { ...deliveryFieldsData(fields), version: { increment: 1 } },
    });
    if (held.count === 0) throw new LeaseLostError();
    return tx.delivery.findUniqueOrThrow({ where: { id } });
  });
  signalProgress(row.onboardingId);
  return row;
}

/**
 * How a run of a delivery ended: at rest ("waiting" for credentials, or "removed"); to look again in
 * `retryInMs` (`message`: why, when it is not Vantage's status; `countsAttempt`: after a failure worth
 * retrying, which the backoff counts); needing a person; or out of budget, due again at once.
 */
export type DeliveryRunEnd =
  | { kind: "idle"; status: "waiting" | "removed" }
  | {
      kind: "wait";
      status: "running" | "delivered";
      message: string | null;
      retryInMs: number;
      countsAttempt: boolean;
    }
  | { kind: "attention"; problem: { message: string; action?: string; kind?: string } }
  | { kind: "continue" };

function runEndData(end: DeliveryRunEnd, now: Date): Prisma.DeliveryUpdateManyMutationInput {
  switch (end.kind) {
    case "idle":
      return { status: end.status, error: Prisma.DbNull, nextAttemptAt: null, attempts: 0 };
    case "wait":
      return {
        status: end.status,
        error: end.message ? asJson({ message: end.message, waiting: true }) : Prisma.DbNull,
        nextAttemptAt: new Date(now.getTime() + Math.max(0, end.retryInMs)),
        attempts: end.countsAttempt ? { increment: 1 } : 0,
      };
    case "attention":
      return { status: "needs_attention", error: asJson({ ...end.problem }), nextAttemptAt: null };
    case "continue":
      return { nextAttemptAt: now };
  }
}

/** Ends a run: lets go of the lease with the run's result; false when the lease was taken over. */
export async function finishDeliveryRun(id: string, leaseOwner: string, end: DeliveryRunEnd) {
  const { count } = await db.delivery.updateMany({
    where: { id, leaseOwner },
    data: {
      ...runEndData(end, new Date()),
      ...leaseReleased(leaseColumns),
      version: { increment: 1 },
    },
  });
  const row = await db.delivery.findUnique({ where: { id }, select: { onboardingId: true } });
  if (row) signalProgress(row.onboardingId);
  return count > 0;
}

/**
 * What a run needs besides its row: the onboarding's owner (whose Vantage token it uses) and the
 * Integration (with its encrypted secret; the job decrypts it only to send it to Vantage).
 */
export async function loadDeliveryWork(onboardingId: string) {
  const onboarding = await db.onboarding.findUniqueOrThrow({
    where: { id: onboardingId },
    select: {
      id: true,
      ownerId: true,
      tenantId: true,
      integration: {
        select: {
          id: true,
          status: true,
          tenantId: true,
          clientId: true,
          secretKeyId: true,
          secretHint: true,
          secretCiphertext: true,
          secretEncryptionKeyId: true,
        },
      },
    },
  });
  return onboarding;
}

/** Which of these Vantage integration tokens some delivery (of any onboarding) made or adopted. */
export async function tokensKnownToDeliveries(tokens: string[]): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const rows = await db.delivery.findMany({
    where: { knownIntegrationTokens: { hasSome: tokens } },
    select: { knownIntegrationTokens: true },
  });
  const asked = new Set(tokens);
  return new Set(rows.flatMap((r) => r.knownIntegrationTokens).filter((t) => asked.has(t)));
}

/**
 * "Try again" on a delivery that needs a person: due now. `replaceFailed` tells the run that a Vantage
 * integration Vantage reports as `error` may be replaced with a new one (the person changed something).
 */
export async function retryDelivery(actor: Actor, deliveryId: string) {
  const row = await db.delivery.findFirst({
    where: {
      id: deliveryId,
      destination: "vantage",
      onboarding: { ownerId: actor.id, tenantId: actor.tenantId },
    },
    select: { id: true, status: true, onboardingId: true, timeline: true },
  });
  if (!row) throw new DeliveryError(unknownIdMessages.destination);
  if (row.status === "removed")
    throw new DeliveryError("This connection is disconnected: nothing to deliver.");
  const timeline = {
    ...((row.timeline ?? {}) as Record<string, string>),
    retryRequested: new Date().toISOString(),
  };
  const { count } = await db.delivery.updateMany({
    where: { id: row.id, status: { in: ["needs_attention", "delivered", "waiting", "running"] } },
    data: {
      status: "running",
      nextAttemptAt: new Date(),
      attempts: 0,
      timeline: timeline as Prisma.InputJsonValue,
      version: { increment: 1 },
    },
  });
  signalProgress(row.onboardingId);
  return { id: row.id, onboardingId: row.onboardingId, retried: count > 0 };
}

/**
 * After the actor saved a Vantage token: their deliveries that stopped for want of a working one (none,
 * refused, read-only) are due again.
 */
export async function resumeDeliveriesAfterTokenChange(actor: Actor) {
  const rows = await db.delivery.findMany({
    where: {
      destination: "vantage",
      status: "needs_attention",
      onboarding: { ownerId: actor.id, tenantId: actor.tenantId },
    },
    select: { id: true, onboardingId: true, error: true },
  });
  for (const row of rows) {
    const kind = (row.error as { kind?: string } | null)?.kind;
    if (!kind || !["no-token", "bad-token", "read-only", "forbidden"].includes(kind)) continue;
    await db.delivery.updateMany({
      where: { id: row.id, status: "needs_attention" },
      data: { status: "running", nextAttemptAt: new Date(), attempts: 0, version: { increment: 1 } },
    });
    signalProgress(row.onboardingId);
  }
}
