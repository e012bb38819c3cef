/**
 * The health job's bookkeeping: which integrations are due for a check, who checks one now (a lease
 * taken with a conditional update, so one instance checks it however many run the job), and when the
 * next check is. Checks are spread over the interval by a fixed offset per integration, so a restart,
 * a deploy or a long outage never turns into a burst of cost queries.
 */
import "server-only";

import { createHash } from "node:crypto";

import { integrationSecretContext } from "@/lib/crypto/contexts";
import { decryptSecret } from "@/lib/crypto/vault";
import { checkLeaseColumns, leaseFor, leaseFree, leaseReleased } from "@/lib/data/lease";
import { db } from "@/lib/db";

/** Statuses the health job watches: a pending one is still step 5's, a disconnected one is gone. */
export const checkedStatuses = ["active", "failing"] as const;

/** Where in the interval an integration's checks fall: a fixed fraction in [0, 1) from its id. */
export function spreadFraction(id: string): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Gives each watched integration without a next check one: an interval after it was last verified; one
 * already overdue (verified long ago, say before an upgrade) at its own offset into the coming interval,
 * so they are spread instead of all being due at once. The condition makes it safe to race.
 */
export async function scheduleUnscheduled(now: Date, intervalMs: number): Promise<number> {
  const rows = await db.integration.findMany({
    where: { status: { in: [...checkedStatuses] }, nextCheckAt: null },
    select: { id: true, lastVerifiedAt: true, createdAt: true },
    take: 500,
  });
  for (const row of rows) {
    const afterLast = (row.lastVerifiedAt ?? row.createdAt).getTime() + intervalMs;
    // Overdue ones are spread over the coming interval by their fixed offset.
    const at =
      afterLast > now.getTime() ? afterLast : now.getTime() + Math.round(spreadFraction(row.id) * intervalMs);
    await db.integration.updateMany({
      where: { id: row.id, nextCheckAt: null },
      data: { nextCheckAt: new Date(at) },
    });
  }
  return rows.length;
}

/** Integrations whose check is due and not held by anyone, the longest overdue first. */
export async function listDueIntegrationIds(now: Date, take: number): Promise<string[]> {
  const rows = await db.integration.findMany({
    where: {
      status: { in: [...checkedStatuses] },
      nextCheckAt: { lte: now },
      ...leaseFree(checkLeaseColumns.until, now),
    },
    orderBy: { nextCheckAt: "asc" },
    select: { id: true },
    take,
  });
  return rows.map((r) => r.id);
}

/**
 * Takes the lease on one integration's check; false when another instance holds it, it is no longer
 * watched, or (unless `force`, the owner's "Check now") it is not due any more.
 */
export async function claimIntegrationCheck(
  id: string,
  owner: string,
  now: Date,
  until: Date,
  { force = false }: { force?: boolean } = {},
): Promise<boolean> {
  const claimed = await db.integration.updateMany({
    where: {
      id,
      status: { in: [...checkedStatuses] },
      ...(force ? {} : { nextCheckAt: { lte: now } }),
      ...leaseFree(checkLeaseColumns.until, now),
    },
    data: leaseFor(checkLeaseColumns, owner, until),
  });
  return claimed.count === 1;
}

/** Extends a check's lease while its holder still holds it; false when it was taken over. */
export async function renewIntegrationCheck(id: string, owner: string, until: Date): Promise<boolean> {
  const renewed = await db.integration.updateMany({
    where: { id, checkLeaseOwner: owner },
    data: { checkLeaseUntil: until },
  });
  return renewed.count === 1;
}

/** Ends a check: the next one is at `nextCheckAt`; only the lease's holder may end it. */
export async function releaseIntegrationCheck(id: string, owner: string, nextCheckAt: Date): Promise<void> {
  await db.integration.updateMany({
    where: { id, checkLeaseOwner: owner },
    data: { nextCheckAt, ...leaseReleased(checkLeaseColumns) },
  });
}

/** What a check needs to sign in as the app; the secret decrypted for that call only. */
export async function getIntegrationForCheck(id: string) {
  const row = await db.integration.findUnique({
    where: { id },
    select: {
      id: true,
      tenantId: true,
      clientId: true,
      billingAccountName: true,
      secretExpiresAt: true,
      secretCiphertext: true,
      secretEncryptionKeyId: true,
      status: true,
    },
  });
  if (!row) return null;
  const { secretCiphertext, secretEncryptionKeyId, ...rest } = row;
  return {
    ...rest,
    secret: decryptSecret(
      { ciphertext: secretCiphertext, keyId: secretEncryptionKeyId },
      integrationSecretContext(row.id),
    ),
  };
}
