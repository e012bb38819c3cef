/**
 * The owner's view of their integrations: status and why, last check, secret expiry, the month's cost,
 * and what was recorded about each (events, reminder mails). Filtered by owner in every query; never
 * the secret (its hint at most).
 */
import "server-only";

import { listIntegrationEvents } from "@/lib/data/integration-events";
import { listIntegrationMails } from "@/lib/data/integration-mail";
import { IntegrationNotFoundError } from "@/lib/data/integration-operations";
import { requireOperator } from "@/lib/data/operators";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/view-types";

// One class for "no such integration of yours", wherever it is thrown: the action wrapper maps it.
export { IntegrationNotFoundError };

const viewFields = {
  id: true,
  tenantId: true,
  clientId: true,
  billingAccountName: true,
  billingAccountDisplayName: true,
  status: true,
  lastVerifiedAt: true,
  lastVerification: true,
  secretKeyId: true,
  secretHint: true,
  secretExpiresAt: true,
  monthCostAmount: true,
  monthCostCurrency: true,
  monthCostAt: true,
  nextCheckAt: true,
  onboardingId: true,
  createdAt: true,
} as const;

/** The actor's integrations, newest first. */
export function listIntegrationsForOwner(actor: Actor) {
  return db.integration.findMany({
    where: { ownerId: actor.id },
    orderBy: { createdAt: "desc" },
    select: viewFields,
  });
}

export type IntegrationView = Awaited<ReturnType<typeof listIntegrationsForOwner>>[number];

/** One of the actor's integrations, or null (missing and someone else's look the same). */
export function getIntegrationForOwner(actor: Actor, id: string) {
  return db.integration.findFirst({ where: { id, ownerId: actor.id }, select: viewFields });
}

export async function getIntegrationForOwnerOrThrow(actor: Actor, id: string) {
  const found = await getIntegrationForOwner(actor, id);
  if (!found) throw new IntegrationNotFoundError();
  return found;
}

/** What the integration's page shows below its status: its events and reminder mails, newest first. */
export async function getIntegrationHistory(actor: Actor, id: string) {
  await getIntegrationForOwnerOrThrow(actor, id);
  const [events, mails] = await Promise.all([listIntegrationEvents(id, 30), listIntegrationMails(id)]);
  return { events, mails };
}

/**
 * Every tenant's proved integrations, for operators (who wire them to the cost platform and scope its
 * keys): metadata only, oldest tenant first.
 */
export async function listIntegrationsForOperator(actor: Actor) {
  await requireOperator(actor, "see every tenant's integrations");
  return db.integration.findMany({
    where: { status: { not: "pending" } },
    orderBy: [{ tenantId: "asc" }, { createdAt: "asc" }],
    select: {
      id: true,
      tenantId: true,
      billingAccountName: true,
      billingAccountDisplayName: true,
      status: true,
      lastVerifiedAt: true,
      owner: { select: { name: true, email: true } },
    },
  });
}

export type OperatorIntegrationView = Awaited<ReturnType<typeof listIntegrationsForOperator>>[number];
