/**
 * The two background jobs of webhooks, run by every portal instance (lib/jobs/background.ts):
 * fan-out turns new outbox events into deliveries (idempotent: unique (eventId, endpointId)), and
 * delivery sends the due ones under a lease, retrying with exponential backoff and jitter.
 *
 * Retry schedule: 8 attempts in all. After attempt n (1..7) the next comes 30 s × 4^(n-1), at most
 * 12 h, each ±20 % jitter: about 30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min, 12 h (about 23 h
 * in all); a longer Retry-After (429, 503) is honoured up to 24 h. Retried: no answer (network error,
 * timeout after 10 s), 408, 425, 429 and 5xx. Any other answer but 2xx (a redirect, 400, 401, 404,
 * 410, ...) and a destination the address policy refuses fail the delivery at once: the receiver must
 * change something first, then "Redeliver". So does a signing secret that cannot be decrypted, for
 * that endpoint only.
 */
import "server-only";

import { CryptoError } from "@/lib/crypto/cipher";
import { webhookSecretContext } from "@/lib/crypto/contexts";
import { decryptSecret } from "@/lib/crypto/vault";
import {
  claimDueDeliveries,
  renewDeliveryLeases,
  createDeliveries,
  findEventsToFanOut,
  recordAttempt,
  type AttemptResult,
  type ClaimedDelivery,
} from "@/lib/data/webhooks";
import { getEnv } from "@/lib/env";
import { runUnderLease } from "@/lib/jobs/leased-run";
import { log } from "@/lib/log";
import type { WebhookAddressPolicy } from "@/lib/webhooks/address-policy";
import { buildWebhookPayload } from "@/lib/webhooks/payload";
import { sendWebhook, type SendOutcome } from "@/lib/webhooks/send";
import { signatureHeaders } from "@/lib/webhooks/signing";

export const MAX_ATTEMPTS = 8;
export const DELIVERY_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 12 * 3_600_000;
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;
/** Deliveries one instance sends at once per round. */
const BATCH = 10;

/** The wait after attempt `attempt` (1-based) before the next, before jitter. */
export function backoffMs(attempt: number): number {
  return Math.min(FIRST_RETRY_MS * 4 ** (attempt - 1), MAX_RETRY_MS);
}

/** Turns new outbox events into pending deliveries. Returns how many this call inserted. */
export async function fanOutWebhookEvents(now = new Date()): Promise<number> {
  const found = await findEventsToFanOut(now);
  return createDeliveries(
    found.map(({ endpointId, event, integration }) => ({
      eventId: event.id,
      eventType: event.type,
      endpointId,
      payload: buildWebhookPayload({
        id: event.id,
        type: event.type,
        createdAt: event.at,
        data: { integrationId: event.integrationId, tenantId: event.tenantId, ...event.data },
        integration,
      }),
      now,
    })),
  );
}

function retryable(outcome: SendOutcome): boolean {
  if (outcome.refused) return false;
  if (outcome.status === null) return true;
  return outcome.status === 408 || outcome.status === 425 || outcome.status === 429 || outcome.status >= 500;
}

function describe(outcome: SendOutcome): string | null {
  if (outcome.status === null) return outcome.error;
  if (outcome.status >= 200 && outcome.status < 300) return null;
  if (outcome.status >= 300 && outcome.status < 400)
    return `answered ${outcome.status}: redirects are not followed, set the final URL`;
  return `answered ${outcome.status}`;
}

/** What follows an attempt: success, another attempt (when), or giving up. */
export function nextStep(
  outcome: SendOutcome,
  attempt: number,
  now: Date,
  random = Math.random,
): Pick<AttemptResult, "status" | "nextAttemptAt"> {
  if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300)
    return { status: "succeeded", nextAttemptAt: null };
  if (!retryable(outcome) || attempt >= MAX_ATTEMPTS) return { status: "failed", nextAttemptAt: null };
  const jittered = backoffMs(attempt) * (0.8 + 0.4 * random());
  const wait = Math.max(jittered, Math.min(outcome.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return { status: "pending", nextAttemptAt: new Date(now.getTime() + Math.round(wait)) };
}

/**
 * The endpoint's signing secrets, or why they cannot be had. A current secret that cannot be decrypted
 * (its key left ENCRYPTION_KEYS_OLD too soon, a damaged row) fails this delivery, never the round: the
 * other endpoints' deliveries go on. A previous secret that cannot be decrypted only stops signing, so
 * a rotation mends an endpoint whose secret was lost.
 */
function unsealSecrets(delivery: ClaimedDelivery): { secrets: string[] } | { error: string } {
  const context = webhookSecretContext(delivery.endpointId);
  const secrets: string[] = [];
  for (const [index, sealed] of delivery.sealedSecrets.entries()) {
    try {
      secrets.push(decryptSecret(sealed, context));
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      if (index > 0) {
        log.warn({ endpointId: delivery.endpointId }, "previous webhook signing secret cannot be decrypted");
        continue;
      }
      return {
        error: `not sent: the signing secret cannot be decrypted: ${error.message.replace(/^Cannot decrypt: /, "").replace(/\.$/, "")}. Put the key it was encrypted with back in ENCRYPTION_KEYS_OLD, or rotate the signing secret, give the receiver the new one, and Redeliver.`,
      };
    }
  }
  return { secrets };
}

async function attempt(
  delivery: ClaimedDelivery,
  owner: string,
  now: Date,
  options: { timeoutMs: number; policy: WebhookAddressPolicy },
) {
  const unsealed = unsealSecrets(delivery);
  let result: AttemptResult;
  if ("error" in unsealed) {
    // Retrying cannot help: someone must change the keys or the secret first, then Redeliver.
    result = {
      status: "failed",
      nextAttemptAt: null,
      statusCode: null,
      error: unsealed.error,
      durationMs: 0,
      at: new Date(),
    };
  } else {
    const outcome = await sendWebhook({
      url: delivery.url,
      body: delivery.payload,
      headers: signatureHeaders(unsealed.secrets, delivery.eventId, delivery.payload),
      timeoutMs: options.timeoutMs,
      policy: options.policy,
    });
    result = {
      ...nextStep(outcome, delivery.attempts + 1, now),
      statusCode: outcome.status,
      error: describe(outcome),
      durationMs: outcome.durationMs,
      at: new Date(),
    };
  }
  if (!(await recordAttempt(delivery.id, owner, result)))
    log.warn({ deliveryId: delivery.id }, "webhook delivery lease lost before its result was recorded");
  return result;
}

/**
 * Sends the due deliveries this instance can lease, in parallel. Several instances (or overlapping
 * rounds) never send one delivery at the same time: each takes the lease first. A sender that dies
 * after sending but before recording leaves the lease to expire, and the delivery is sent again with
 * the same webhook-id: receivers drop duplicates by it (at-least-once, as every webhook system).
 */
export async function deliverDueWebhooks(
  now = new Date(),
  options: { timeoutMs?: number; policy?: WebhookAddressPolicy; limit?: number } = {},
): Promise<AttemptResult[]> {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const policy = options.policy ?? getEnv().webhooks;
  let results: AttemptResult[] = [];
  await runUnderLease({
    deadline: Date.now() + timeoutMs,
    // Beyond the request's timeout: long enough for the write after it.
    slackMs: 20_000,
    take: async (owner, until) => {
      const claimed = await claimDueDeliveries(now, owner, { limit: options.limit ?? BATCH, until });
      return claimed.length > 0 ? claimed : null;
    },
    renew: (owner, until) => renewDeliveryLeases(owner, until),
    run: async (claimed, owner) => {
      results = await Promise.all(
        claimed.map((delivery) => attempt(delivery, owner, now, { timeoutMs, policy })),
      );
    },
    onLost: () => log.warn("webhook deliveries' lease was taken over"),
  });
  return results;
}

export const webhookJob = {
  name: "webhooks",
  everyMs: 2_000,
  async run(now: Date) {
    await fanOutWebhookEvents(now);
    await deliverDueWebhooks(now);
  },
};
