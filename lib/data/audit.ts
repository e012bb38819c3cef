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

export async function listAudit(onboardingId: string) {
  return db.auditEvent.findMany({
    where: { onboardingId },
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
