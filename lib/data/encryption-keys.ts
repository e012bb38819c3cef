/**
 * Re-encrypts every ciphertext under the current key (`npm run keys:rotate`): token caches, onboarding
 * secrets, integration secrets, webhook signing secrets, rotations' new secrets and Vantage API tokens,
 * each bound to its own row (or person) as before. Rows sealed by a key that is
 * no longer configured cannot be re-encrypted: token caches among them are deleted (their accounts sign
 * in again); secrets are reported, never deleted, so an operator can bring the old key back.
 */
import "server-only";

import type { Encryption, Sealed } from "@/lib/crypto/cipher";
import {
  integrationSecretContext,
  onboardingSecretContext,
  rotationSecretContext,
  tokenCacheContext,
  vantageTokenContext,
  webhookSecretContext,
} from "@/lib/crypto/contexts";
import { db } from "@/lib/db";

export type RotationReport = {
  keyId: string;
  reencrypted: {
    tokenCaches: number;
    onboardingSecrets: number;
    integrationSecrets: number;
    webhookSecrets: number;
    /** New secrets of rotations between their creation and hand-over. */
    rotationSecrets: number;
    /** The Vantage API tokens people gave (one per person). */
    vantageTokens: number;
  };
  alreadyCurrent: number;
  /** Token caches nobody can read any more, removed. */
  droppedTokenCaches: number;
  /** Secrets sealed by an unknown key: "onboarding <id>", "integration <id>", "webhook endpoint <id>", ... */
  unreadable: string[];
};

function reseal(encryption: Encryption, sealed: Sealed, context: string): Sealed | null {
  try {
    return encryption.encrypt(encryption.decrypt(sealed, context), context);
  } catch {
    return null;
  }
}

/** A row's one ciphertext, read with its key id. */
type SealedRow = { id: string; ciphertext: string; keyId: string };

/** Every table holding one ciphertext per row: how to read it, its context, and the conditional save. */
const sealedColumns: {
  label: string;
  counts: keyof RotationReport["reencrypted"];
  context: (id: string) => string;
  rows: () => Promise<SealedRow[]>;
  save: (id: string, was: string, sealed: Sealed) => Promise<number>;
}[] = [
  {
    label: "onboarding",
    counts: "onboardingSecrets",
    context: onboardingSecretContext,
    rows: async () =>
      (
        await db.onboarding.findMany({
          where: { secretCiphertext: { not: null } },
          select: { id: true, secretCiphertext: true, secretEncryptionKeyId: true },
        })
      ).map((r) => ({ id: r.id, ciphertext: r.secretCiphertext!, keyId: r.secretEncryptionKeyId ?? "" })),
    save: async (id, was, sealed) =>
      (
        await db.onboarding.updateMany({
          where: { id, secretCiphertext: was },
          data: { secretCiphertext: sealed.ciphertext, secretEncryptionKeyId: sealed.keyId },
        })
      ).count,
  },
  {
    label: "integration",
    counts: "integrationSecrets",
    context: integrationSecretContext,
    rows: async () =>
      (
        await db.integration.findMany({
          select: { id: true, secretCiphertext: true, secretEncryptionKeyId: true },
        })
      ).map((r) => ({ id: r.id, ciphertext: r.secretCiphertext, keyId: r.secretEncryptionKeyId })),
    save: async (id, was, sealed) =>
      (
        await db.integration.updateMany({
          where: { id, secretCiphertext: was },
          data: { secretCiphertext: sealed.ciphertext, secretEncryptionKeyId: sealed.keyId },
        })
      ).count,
  },
  {
    label: "secret rotation",
    counts: "rotationSecrets",
    context: rotationSecretContext,
    rows: async () =>
      (
        await db.integrationOperation.findMany({
          where: { newSecretCiphertext: { not: null } },
          select: { id: true, newSecretCiphertext: true, newSecretEncryptionKeyId: true },
        })
      ).map((r) => ({
        id: r.id,
        ciphertext: r.newSecretCiphertext!,
        keyId: r.newSecretEncryptionKeyId ?? "",
      })),
    save: async (id, was, sealed) =>
      (
        await db.integrationOperation.updateMany({
          where: { id, newSecretCiphertext: was },
          data: { newSecretCiphertext: sealed.ciphertext, newSecretEncryptionKeyId: sealed.keyId },
        })
      ).count,
  },
  {
    // Bound to its user, not to the row: the context is the user's id.
    label: "Vantage token of user",
    counts: "vantageTokens",
    context: vantageTokenContext,
    rows: async () =>
      (
        await db.vantageToken.findMany({
          select: { userId: true, tokenCiphertext: true, tokenEncryptionKeyId: true },
        })
      ).map((r) => ({ id: r.userId, ciphertext: r.tokenCiphertext, keyId: r.tokenEncryptionKeyId })),
    save: async (userId, was, sealed) =>
      (
        await db.vantageToken.updateMany({
          where: { userId, tokenCiphertext: was },
          data: { tokenCiphertext: sealed.ciphertext, tokenEncryptionKeyId: sealed.keyId },
        })
      ).count,
  },
];

export async function rotateEncryptionKeys(encryption: Encryption): Promise<RotationReport> {
  const keyId = encryption.currentKeyId;
  const report: RotationReport = {
    keyId,
    reencrypted: {
      tokenCaches: 0,
      onboardingSecrets: 0,
      integrationSecrets: 0,
      webhookSecrets: 0,
      rotationSecrets: 0,
      vantageTokens: 0,
    },
    alreadyCurrent: 0,
    droppedTokenCaches: 0,
    unreadable: [],
  };

  for (const row of await db.msalTokenCache.findMany({
    select: { homeAccountId: true, ciphertext: true, keyId: true, version: true },
  })) {
    if (row.keyId === keyId) {
      report.alreadyCurrent++;
      continue;
    }
    const sealed = reseal(encryption, row, tokenCacheContext(row.homeAccountId));
    if (!sealed) {
      await db.msalTokenCache.deleteMany({
        where: { homeAccountId: row.homeAccountId, version: row.version },
      });
      report.droppedTokenCaches++;
      continue;
    }
    // Conditional on the version read: a concurrent sign-in's write wins, and it is sealed anew anyway.
    const updated = await db.msalTokenCache.updateMany({
      where: { homeAccountId: row.homeAccountId, version: row.version },
      data: { ciphertext: sealed.ciphertext, keyId: sealed.keyId, version: { increment: 1 } },
    });
    report.reencrypted.tokenCaches += updated.count;
  }

  for (const column of sealedColumns) {
    for (const row of await column.rows()) {
      if (row.keyId === keyId) {
        report.alreadyCurrent++;
        continue;
      }
      const sealed = reseal(encryption, row, column.context(row.id));
      if (!sealed) {
        report.unreadable.push(`${column.label} ${row.id}`);
        continue;
      }
      // Conditional on the ciphertext read: a concurrent write of a new value wins (it is sealed anew).
      report.reencrypted[column.counts] += await column.save(row.id, row.ciphertext, sealed);
    }
  }

  // A webhook endpoint's signing secret, and the previous one while it still signs after a rotation.
  for (const row of await db.webhookEndpoint.findMany({
    select: {
      id: true,
      secretCiphertext: true,
      secretEncryptionKeyId: true,
      previousSecretCiphertext: true,
      previousSecretKeyId: true,
    },
  })) {
    const context = webhookSecretContext(row.id);
    const current = row.secretEncryptionKeyId === keyId;
    const previous = !row.previousSecretCiphertext || row.previousSecretKeyId === keyId;
    if (current && previous) {
      report.alreadyCurrent++;
      continue;
    }
    const sealed = current
      ? { ciphertext: row.secretCiphertext, keyId: row.secretEncryptionKeyId }
      : reseal(encryption, { ciphertext: row.secretCiphertext, keyId: row.secretEncryptionKeyId }, context);
    const sealedPrevious =
      previous || !row.previousSecretCiphertext
        ? null
        : reseal(
            encryption,
            { ciphertext: row.previousSecretCiphertext, keyId: row.previousSecretKeyId ?? "" },
            context,
          );
    if (!sealed || (!previous && !sealedPrevious)) {
      report.unreadable.push(`webhook endpoint ${row.id}`);
      continue;
    }
    const updated = await db.webhookEndpoint.updateMany({
      where: { id: row.id, secretCiphertext: row.secretCiphertext },
      data: {
        secretCiphertext: sealed.ciphertext,
        secretEncryptionKeyId: sealed.keyId,
        ...(sealedPrevious
          ? { previousSecretCiphertext: sealedPrevious.ciphertext, previousSecretKeyId: sealedPrevious.keyId }
          : {}),
      },
    });
    report.reencrypted.webhookSecrets += updated.count;
  }
  return report;
}
