import "server-only";

import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { IntegrationEventType } from "@/lib/integrations/events";

export { integrationEventTypes, type IntegrationEventType } from "@/lib/integrations/events";

export interface IntegrationEventInput {
  tenantId: string;
  integrationId: string;
  type: IntegrationEventType;
  /** Ids and facts only: never a secret (the webhook payload carries it as it is). */
  data?: Record<string, unknown>;
  /** Makes the event happen once across every instance: a second insert with the same key is refused. */
  dedupeKey?: string;
  at?: Date;
}

/**
 * Records an event; false when an event with the same dedupeKey was already recorded (by this or
 * another instance), so the caller knows it was not the one to notice.
 */
export async function recordIntegrationEvent(
  event: IntegrationEventInput,
  /** The transaction of the change it reports; only for events without a dedupeKey (a refused
   * duplicate would abort the transaction). */
  client: Pick<Prisma.TransactionClient, "integrationEvent"> = db,
): Promise<boolean> {
  try {
    await client.integrationEvent.create({
      data: {
        tenantId: event.tenantId,
        integrationId: event.integrationId,
        type: event.type,
        data: JSON.parse(JSON.stringify(event.data ?? {})) as Prisma.InputJsonValue,
        dedupeKey: event.dedupeKey,
        at: event.at,
      },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** An integration's events, newest first. */
export function listIntegrationEvents(integrationId: string, take = 50) {
  return db.integrationEvent.findMany({ where: { integrationId }, orderBy: { at: "desc" }, take });
}
