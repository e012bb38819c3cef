/**
 * What a webhook says: `{ id, type, createdAt, data }`, ids and facts about one integration. Built
 * from the outbox event and the integration's row; any field that could hold secret material is left
 * out even if an event recorded it by mistake.
 */
import { integrationEventTypes, testEvent } from "@/lib/integrations/events";

export const webhookEventTypes = [...integrationEventTypes, testEvent.type] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export type WebhookPayload = {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
};

/** Keys that never leave the portal, at any depth of `data`. */
const secretish = /secret(?!KeyId$|ExpiresAt$)|password|token|ciphertext|credential|hint|key$/i;

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4) return null;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => !secretish.test(key))
        .map(([key, item]) => [key, scrub(item, depth + 1)]),
    );
  return value;
}

export function buildWebhookPayload(input: {
  id: string;
  type: string;
  createdAt: Date;
  data: Record<string, unknown>;
  integration?: {
    id: string;
    tenantId: string;
    clientId: string;
    billingAccountName: string;
    billingAccountDisplayName: string | null;
    status: string;
    secretKeyId: string | null;
    secretExpiresAt: Date | null;
  } | null;
}): string {
  const facts = input.integration
    ? {
        integrationId: input.integration.id,
        tenantId: input.integration.tenantId,
        clientId: input.integration.clientId,
        billingAccountName: input.integration.billingAccountName,
        billingAccountDisplayName: input.integration.billingAccountDisplayName,
        status: input.integration.status,
        secretKeyId: input.integration.secretKeyId,
        secretExpiresAt: input.integration.secretExpiresAt?.toISOString() ?? null,
      }
    : {};
  const payload: WebhookPayload = {
    id: input.id,
    type: input.type,
    createdAt: input.createdAt.toISOString(),
    data: scrub({ ...(input.data ?? {}), ...facts }) as Record<string, unknown>,
  };
  return JSON.stringify(payload);
}
