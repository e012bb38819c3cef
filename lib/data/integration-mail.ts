/**
 * The mail outbox: one row per (event, recipient), made once by the unique index, sent under a lease
 * (a conditional update) by whichever instance claims it, retried with backoff when SMTP fails.
 */
import "server-only";

import { leaseFor, leaseFree, leaseReleased, mailLeaseColumns } from "@/lib/data/lease";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";

/** Watched integrations whose secret expires between now and `until`, with their owner's address. */
export function listIntegrationsExpiringBefore(now: Date, until: Date) {
  return db.integration.findMany({
    where: { status: { in: ["active", "failing"] }, secretExpiresAt: { gt: now, lte: until } },
    select: {
      id: true,
      tenantId: true,
      clientId: true,
      onboardingId: true,
      billingAccountName: true,
      billingAccountDisplayName: true,
      secretKeyId: true,
      secretExpiresAt: true,
      owner: { select: { name: true, email: true } },
    },
  });
}

export type ExpiringIntegration = Awaited<ReturnType<typeof listIntegrationsExpiringBefore>>[number];

/** Expiry reminders recorded since `since` that have no mail yet, with their integration's owner. */
export async function listRemindersWithoutMail(since: Date) {
  const events = await db.integrationEvent.findMany({
    where: { type: "integration.secret_expiring", at: { gte: since } },
    orderBy: { at: "asc" },
    take: 200,
  });
  if (events.length === 0) return [];
  const mailed = new Set(
    (
      await db.integrationMail.findMany({
        where: { eventId: { in: events.map((e) => e.id) } },
        select: { eventId: true },
      })
    ).map((m) => m.eventId),
  );
  const pending = events.filter((e) => !mailed.has(e.id));
  const owners = await db.integration.findMany({
    where: { id: { in: pending.map((e) => e.integrationId) } },
    select: {
      id: true,
      clientId: true,
      billingAccountName: true,
      billingAccountDisplayName: true,
      owner: { select: { name: true, email: true } },
    },
  });
  return pending.flatMap((event) => {
    const integration = owners.find((o) => o.id === event.integrationId);
    return integration ? [{ event, integration }] : [];
  });
}

/** Queues a mail; false when this (event, recipient) already has one (another instance queued it). */
export async function enqueueMail(mail: {
  eventId: string;
  integrationId: string;
  recipient: string;
  subject: string;
  text: string;
  now: Date;
}): Promise<boolean> {
  try {
    await db.integrationMail.create({
      data: {
        eventId: mail.eventId,
        integrationId: mail.integrationId,
        recipient: mail.recipient,
        subject: mail.subject,
        text: mail.text,
        nextAttemptAt: mail.now,
        createdAt: mail.now,
      },
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Claims the next mail due, under a lease; null when none is free. */
export async function claimDueMail(now: Date, owner: string, until: Date) {
  for (let tries = 0; tries < 5; tries++) {
    const candidate = await db.integrationMail.findFirst({
      where: {
        status: "pending",
        nextAttemptAt: { lte: now },
        ...leaseFree(mailLeaseColumns.until, now),
      },
      orderBy: { nextAttemptAt: "asc" },
      select: { id: true, leaseUntil: true, attempts: true },
    });
    if (!candidate) return null;
    const claimed = await db.integrationMail.updateMany({
      where: {
        id: candidate.id,
        status: "pending",
        nextAttemptAt: { lte: now },
        // Unchanged since we read it: nobody else took (or tried) it in between.
        leaseUntil: candidate.leaseUntil,
        attempts: candidate.attempts,
      },
      data: leaseFor(mailLeaseColumns, owner, until),
    });
    if (claimed.count === 1)
      return db.integrationMail.findUniqueOrThrow({
        where: { id: candidate.id },
        select: { id: true, recipient: true, subject: true, text: true, attempts: true },
      });
  }
  return null;
}

/** Extends a mail's lease while its holder still holds it; false when it was taken over. */
export async function renewMailLease(id: string, owner: string, until: Date): Promise<boolean> {
  const renewed = await db.integrationMail.updateMany({
    where: { id, leaseOwner: owner },
    data: { leaseUntil: until },
  });
  return renewed.count === 1;
}

export async function markMailSent(id: string, owner: string, now: Date): Promise<void> {
  await db.integrationMail.updateMany({
    where: { id, leaseOwner: owner },
    data: { status: "sent", sentAt: now, attempts: { increment: 1 }, ...leaseReleased(mailLeaseColumns) },
  });
}

/** Records a failed attempt: tried again at `retryAt`, or given up (`failed`) when that is null. */
export async function markMailFailed(
  id: string,
  owner: string,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db.integrationMail.updateMany({
    where: { id, leaseOwner: owner },
    data: {
      status: retryAt ? "pending" : "failed",
      attempts: { increment: 1 },
      lastError: error,
      ...(retryAt ? { nextAttemptAt: retryAt } : {}),
      ...leaseReleased(mailLeaseColumns),
    },
  });
}

/** An integration's mails, newest first, for its page. */
export function listIntegrationMails(integrationId: string, take = 20) {
  return db.integrationMail.findMany({
    where: { integrationId },
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      eventId: true,
      recipient: true,
      subject: true,
      status: true,
      attempts: true,
      sentAt: true,
      lastError: true,
      createdAt: true,
    },
  });
}
