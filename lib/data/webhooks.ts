/**
 * Webhook endpoints (the operators': each receives every tenant's events, or those of the tenants it
 * lists) and their deliveries:
 * fan-out from the IntegrationEvent outbox (idempotent by the unique (eventId, endpointId)), leases so
 * that one instance at a time sends a delivery, and each attempt's result.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import type { Sealed } from "@/lib/crypto/cipher";
import { webhookSecretContext } from "@/lib/crypto/contexts";
import { encryptSecret } from "@/lib/crypto/vault";
import { leaseColumns, leaseFor, leaseFree, leaseReleased } from "@/lib/data/lease";
import { isOperator, OperatorOnlyError } from "@/lib/data/operators";
import { db } from "@/lib/db";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import type { Actor } from "@/lib/view-types";

export class WebhookNotAllowedError extends OperatorOnlyError {
  constructor() {
    super("manage webhooks");
    this.name = "WebhookNotAllowedError";
  }
}

export class WebhookEndpointNotFoundError extends NotFoundError {
  constructor(kind: "webhookEndpoint" | "webhookDelivery" = "webhookEndpoint") {
    super(kind);
    this.name = "WebhookEndpointNotFoundError";
  }
}

export class WebhookEndpointDisabledError extends UserFacingError {
  constructor() {
    super("This endpoint is disabled: nothing is sent to it. Enable it to receive events again.");
    this.name = "WebhookEndpointDisabledError";
  }
}

/** Webhooks tell the cost platform what happens to integrations: the operators' alone, as API keys. */
export const mayManageWebhooks = isOperator;

async function authorise(actor: Actor) {
  if (!(await mayManageWebhooks(actor))) throw new WebhookNotAllowedError();
}

/** Which tenants' events an endpoint receives. */
export type EndpointReach = { allTenants: true } | { allTenants: false; tenantIds: string[] };

/** How long the secret before a rotation keeps signing beside the new one. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

export async function createWebhookEndpoint(
  actor: Actor,
  input: { url: string; eventTypes: string[]; description: string | null; secret: string } & EndpointReach,
) {
  await authorise(actor);
  const id = `whe_${randomUUID().replaceAll("-", "")}`;
  const sealed = encryptSecret(input.secret, webhookSecretContext(id));
  return db.webhookEndpoint.create({
    data: {
      id,
      allTenants: input.allTenants,
      tenantIds: input.allTenants ? [] : [...new Set(input.tenantIds)],
      url: input.url,
      eventTypes: input.eventTypes,
      description: input.description,
      secretCiphertext: sealed.ciphertext,
      secretEncryptionKeyId: sealed.keyId,
      createdById: actor.id,
    },
    select: { id: true, url: true },
  });
}

/** Every endpoint with its latest deliveries, newest first, for operators: never a secret. */
export async function listWebhookEndpoints(actor: Actor, deliveriesPerEndpoint = 20) {
  await authorise(actor);
  return db.webhookEndpoint.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      url: true,
      allTenants: true,
      tenantIds: true,
      disabledReason: true,
      eventTypes: true,
      description: true,
      createdAt: true,
      disabledAt: true,
      enabledAt: true,
      previousSecretExpiresAt: true,
      createdBy: { select: { name: true, email: true } },
      deliveries: {
        orderBy: { createdAt: "desc" },
        take: deliveriesPerEndpoint,
        select: {
          id: true,
          eventId: true,
          eventType: true,
          status: true,
          attempts: true,
          nextAttemptAt: true,
          lastStatusCode: true,
          lastError: true,
          lastDurationMs: true,
          createdAt: true,
          deliveredAt: true,
        },
      },
    },
  });
}

export type WebhookEndpointListItem = Awaited<ReturnType<typeof listWebhookEndpoints>>[number];

async function endpointById(_actor: Actor, endpointId: string) {
  const endpoint = await db.webhookEndpoint.findFirst({
    where: { id: endpointId },
    select: { id: true, url: true, disabledAt: true, secretCiphertext: true, secretEncryptionKeyId: true },
  });
  if (!endpoint) throw new WebhookEndpointNotFoundError();
  return endpoint;
}

/**
 * Replaces the signing secret; the previous one keeps signing too (a second `v1,` signature) for
 * SECRET_OVERLAP_MS, so the receiver can switch without refusing a delivery.
 */
export async function rotateWebhookSecret(
  actor: Actor,
  endpointId: string,
  secret: string,
  now = new Date(),
) {
  await authorise(actor);
  const endpoint = await endpointById(actor, endpointId);
  const sealed = encryptSecret(secret, webhookSecretContext(endpoint.id));
  await db.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: {
      secretCiphertext: sealed.ciphertext,
      secretEncryptionKeyId: sealed.keyId,
      previousSecretCiphertext: endpoint.secretCiphertext,
      previousSecretKeyId: endpoint.secretEncryptionKeyId,
      previousSecretExpiresAt: new Date(now.getTime() + SECRET_OVERLAP_MS),
    },
  });
  return { id: endpoint.id, url: endpoint.url };
}

/** Stops deliveries to the endpoint: nothing new is fanned out to it, pending ones are not sent. */
export async function disableWebhookEndpoint(actor: Actor, endpointId: string) {
  await authorise(actor);
  const endpoint = await endpointById(actor, endpointId);
  if (endpoint.disabledAt) return;
  await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { disabledAt: new Date() } });
}

/**
 * Sends to the endpoint again: events recorded from now on, and the deliveries that were waiting when
 * it was disabled. Events recorded while it was disabled are not sent (enabledAt bounds the fan-out):
 * a receiver that was switched off on purpose is not flooded with what it asked not to get.
 */
export async function enableWebhookEndpoint(actor: Actor, endpointId: string, now = new Date()) {
  await authorise(actor);
  const endpoint = await endpointById(actor, endpointId);
  if (!endpoint.disabledAt) return;
  await db.webhookEndpoint.update({
    where: { id: endpoint.id },
    data: { disabledAt: null, disabledReason: null, enabledAt: now },
  });
}

/** Removes the endpoint and its deliveries. */
export async function deleteWebhookEndpoint(actor: Actor, endpointId: string) {
  await authorise(actor);
  const { count } = await db.webhookEndpoint.deleteMany({ where: { id: endpointId } });
  if (count === 0) throw new WebhookEndpointNotFoundError();
}

/** Queues a `webhook.test` delivery to one endpoint; the runner sends it at its next round. */
export async function queueTestDelivery(
  actor: Actor,
  endpointId: string,
  build: (eventId: string) => string,
) {
  await authorise(actor);
  const endpoint = await endpointById(actor, endpointId);
  if (endpoint.disabledAt) throw new WebhookEndpointDisabledError();
  const eventId = `test_${randomUUID().replaceAll("-", "")}`;
  return db.webhookDelivery.create({
    data: { eventId, eventType: "webhook.test", endpointId, payload: build(eventId) },
    select: { id: true, eventId: true },
  });
}

/**
 * Sends a delivery again, same webhook-id and body (so a receiver that saw it can tell), with a fresh
 * retry schedule. A delivery another instance is sending right now is left to it.
 */
export async function redeliver(actor: Actor, deliveryId: string, now = new Date()) {
  await authorise(actor);
  const delivery = await db.webhookDelivery.findFirst({
    where: { id: deliveryId },
    select: { id: true, endpoint: { select: { disabledAt: true } } },
  });
  if (!delivery) throw new WebhookEndpointNotFoundError("webhookDelivery");
  if (delivery.endpoint.disabledAt) throw new WebhookEndpointDisabledError();
  await db.webhookDelivery.updateMany({
    where: { id: delivery.id, ...leaseFree(leaseColumns.until, now) },
    data: { status: "pending", attempts: 0, nextAttemptAt: now, deliveredAt: null },
  });
}

// ---------------------------------------------------------------------------------------------------
// For the background jobs (lib/webhooks/jobs.ts)

/** Events fanned out are at most this old: an endpoint does not receive what happened before it. */
const FAN_OUT_WINDOW_MS = 7 * 86_400_000;

/**
 * Events of the last days not yet turned into a delivery for an enabled endpoint reaching their tenant that
 * subscribes to their type (and existed, and was not disabled, when they happened: an event from before
 * it was last enabled again is skipped), with their integration's facts.
 */
export async function findEventsToFanOut(now: Date, limit = 200) {
  const since = new Date(now.getTime() - FAN_OUT_WINDOW_MS);
  const pairs = await db.$queryRaw<{ eventId: string; endpointId: string }[]>`
    SELECT e."id" AS "eventId", ep."id" AS "endpointId"
    FROM "IntegrationEvent" e
    JOIN "WebhookEndpoint" ep
      ON (ep."allTenants" OR e."tenantId" = ANY(ep."tenantIds")) AND ep."disabledAt" IS NULL
     AND e."type" = ANY(ep."eventTypes") AND e."at" >= COALESCE(ep."enabledAt", ep."createdAt")
    WHERE e."at" >= ${since}
      AND NOT EXISTS (
        SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = e."id" AND d."endpointId" = ep."id"
      )
    ORDER BY e."at" ASC
    LIMIT ${limit}`;
  if (pairs.length === 0) return [];
  const events = await db.integrationEvent.findMany({
    where: { id: { in: [...new Set(pairs.map((p) => p.eventId))] } },
    select: { id: true, type: true, at: true, data: true, tenantId: true, integrationId: true },
  });
  const integrations = await db.integration.findMany({
    where: { id: { in: [...new Set(events.map((e) => e.integrationId))] } },
    select: {
      id: true,
      tenantId: true,
      clientId: true,
      billingAccountName: true,
      billingAccountDisplayName: true,
      status: true,
      secretKeyId: true,
      secretExpiresAt: true,
    },
  });
  const eventsById = new Map(events.map((e) => [e.id, e]));
  const integrationsById = new Map(integrations.map((i) => [i.id, i]));
  return pairs.flatMap(({ eventId, endpointId }) => {
    const event = eventsById.get(eventId);
    if (!event) return [];
    // An integration of another tenant never lends its facts, whatever an event names.
    const integration = integrationsById.get(event.integrationId);
    return [
      {
        endpointId,
        event: { ...event, data: (event.data ?? {}) as Record<string, unknown> },
        integration: integration?.tenantId === event.tenantId ? integration : null,
      },
    ];
  });
}

/** Inserts deliveries; ones another instance inserted first are skipped (unique eventId, endpointId). */
export async function createDeliveries(
  rows: { eventId: string; eventType: string; endpointId: string; payload: string; now: Date }[],
) {
  if (rows.length === 0) return 0;
  const { count } = await db.webhookDelivery.createMany({
    data: rows.map(({ now, ...row }) => ({ ...row, nextAttemptAt: now })),
    skipDuplicates: true,
  });
  return count;
}

export type ClaimedDelivery = {
  id: string;
  eventId: string;
  payload: string;
  attempts: number;
  endpointId: string;
  url: string;
  /**
   * The current secret, then the previous one while it still signs, as stored: the sender decrypts
   * them (lib/webhooks/jobs.ts), so one that cannot be decrypted fails only this endpoint's deliveries.
   */
  sealedSecrets: Sealed[];
};

/** Extends the leases `owner` still holds on deliveries; false when it holds none any more. */
export async function renewDeliveryLeases(owner: string, until: Date): Promise<boolean> {
  const { count } = await db.webhookDelivery.updateMany({
    where: { [leaseColumns.owner]: owner },
    data: { [leaseColumns.until]: until },
  });
  return count > 0;
}

/**
 * Takes the lease on up to `limit` due deliveries for `owner`: a conditional update, so of several
 * instances asking at once exactly one gets each delivery; an expired lease (a crashed sender) may be
 * taken over.
 */
export async function claimDueDeliveries(
  now: Date,
  owner: string,
  { limit, until }: { limit: number; until: Date },
): Promise<ClaimedDelivery[]> {
  const free = leaseFree(leaseColumns.until, now);
  const due = {
    status: "pending" as const,
    nextAttemptAt: { lte: now },
    endpoint: { disabledAt: null },
    ...free,
  };
  const candidates = await db.webhookDelivery.findMany({
    where: due,
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true },
  });
  const claimed: ClaimedDelivery[] = [];
  for (const { id } of candidates) {
    const { count } = await db.webhookDelivery.updateMany({
      where: { id, status: "pending", nextAttemptAt: { lte: now }, ...free },
      data: leaseFor(leaseColumns, owner, until),
    });
    if (count === 0) continue;
    const row = await db.webhookDelivery.findUnique({
      where: { id },
      select: {
        id: true,
        eventId: true,
        payload: true,
        attempts: true,
        endpoint: {
          select: {
            id: true,
            url: true,
            secretCiphertext: true,
            secretEncryptionKeyId: true,
            previousSecretCiphertext: true,
            previousSecretKeyId: true,
            previousSecretExpiresAt: true,
          },
        },
      },
    });
    if (!row) continue;
    const { endpoint } = row;
    const sealedSecrets = [{ ciphertext: endpoint.secretCiphertext, keyId: endpoint.secretEncryptionKeyId }];
    if (
      endpoint.previousSecretCiphertext &&
      endpoint.previousSecretKeyId &&
      endpoint.previousSecretExpiresAt &&
      endpoint.previousSecretExpiresAt > now
    )
      sealedSecrets.push({
        ciphertext: endpoint.previousSecretCiphertext,
        keyId: endpoint.previousSecretKeyId,
      });
    claimed.push({
      id: row.id,
      eventId: row.eventId,
      payload: row.payload,
      attempts: row.attempts,
      endpointId: endpoint.id,
      url: endpoint.url,
      sealedSecrets,
    });
  }
  return claimed;
}

export type AttemptResult = {
  status: "pending" | "succeeded" | "failed";
  nextAttemptAt: Date | null;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  at: Date;
};

/** Records one attempt and lets go of the lease; false when the lease was lost meanwhile. */
export async function recordAttempt(deliveryId: string, owner: string, result: AttemptResult) {
  const { count } = await db.webhookDelivery.updateMany({
    where: { id: deliveryId, leaseOwner: owner },
    data: {
      status: result.status,
      attempts: { increment: 1 },
      nextAttemptAt: result.nextAttemptAt,
      lastStatusCode: result.statusCode,
      lastError: result.error,
      lastDurationMs: result.durationMs,
      deliveredAt: result.status === "succeeded" ? result.at : null,
      ...leaseReleased(leaseColumns),
    },
  });
  return count === 1;
}
