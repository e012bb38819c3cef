import "server-only";

import { db } from "@/lib/db";
import type { Actor, AuditInput } from "@/lib/view-types";

export async function recordAudit(onboardingId: string, actor: Actor, event: AuditInput) {
  await db.auditEvent.create({
    data: {
      onboardingId,
      actorId: actor.id,
      actorName: actor.name ?? actor.email ?? "Unknown user",
      action: event.action,
      target: event.target,
      azureRequestId: event.requestId,
      outcome: event.outcome,
      detail: event.detail === undefined ? undefined : JSON.parse(JSON.stringify(event.detail)),
    },
  });
}

/**
 * An onboarding's record of changes, for its owner or through a live share link; nothing for anyone
 * else, whatever the page checked before.
 */
export async function listAudit(viewer: Actor | { shareLinkId: string }, onboardingId: string) {
  const onboarding =
    "shareLinkId" in viewer
      ? { shareLinks: { some: { id: viewer.shareLinkId, revokedAt: null, expiresAt: { gt: new Date() } } } }
      : { ownerId: viewer.id };
  return db.auditEvent.findMany({
    where: { onboardingId, onboarding },
    orderBy: { at: "desc" },
    take: 100,
    select: {
      id: true,
      actorName: true,
      action: true,
      target: true,
      azureRequestId: true,
      outcome: true,
      at: true,
    },
  });
}

/** Every audit row of an onboarding, oldest first, for its owner only (the receipt). */
export async function listAuditForReceipt(owner: Actor, onboardingId: string) {
  return db.auditEvent.findMany({
    where: { onboardingId, onboarding: { ownerId: owner.id } },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    select: { at: true, action: true, target: true, actorName: true, outcome: true, azureRequestId: true },
  });
}
