/**
 * Re-encrypts every ciphertext under the current key (`npm run keys:rotate`): token caches, onboarding
 * secrets, integration secrets and webhook signing secrets, each bound to its own row as before. Rows sealed by a key that is
 * no longer configured cannot be re-encrypted: token caches among them are deleted (their accounts sign
 * in again); secrets are reported, never deleted, so an operator can bring the old key back.
 */
import "server-only";

import type { Encryption, Sealed } from "@/lib/crypto/cipher";
import { db } from "@/lib/db";
import {
  integrationSecretContext,
  onboardingSecretContext,
  rotationSecretContext,
  tokenCacheContext,
  webhookSecretContext,
} from "@/lib/crypto/contexts";

export type RotationReport = {
  keyId: string;
  reencrypted: {
    tokenCaches: number;
    onboardingSecrets: number;
    integrationSecrets: number;
    webhookSecrets: number;
    /** New secrets of rotations between their creation and hand-over. */
    rotationSecrets: number;
  };
  alreadyCurrent: number;
  /** Token caches nobody can read any more, removed. */
  droppedTokenCaches: number;
  /** Secrets sealed by an unknown key: "onboarding <id>" / "integration <id>" / "webhook endpoint <id>". */
  unreadable: string[];
};

function reseal(encryption: Encryption, sealed: Sealed, context: string): Sealed | null {
  try {
    return encryption.encrypt(encryption.decrypt(sealed, context), context);
  } catch {
    return null;
  }
}

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

  for (const row of await db.onboarding.findMany({
    where: { secretCiphertext: { not: null } },
    select: { id: true, secretCiphertext: true, secretEncryptionKeyId: true },
  })) {
    if (row.secretEncryptionKeyId === keyId) {
      report.alreadyCurrent++;
      continue;
    }
    const sealed = reseal(
      encryption,
      { ciphertext: row.secretCiphertext!, keyId: row.secretEncryptionKeyId ?? "" },
      onboardingSecretContext(row.id),
    );
    if (!sealed) {
      report.unreadable.push(`onboarding ${row.id}`);
      continue;
    }
    const updated = await db.onboarding.updateMany({
      where: { id: row.id, secretCiphertext: row.secretCiphertext },
      data: { secretCiphertext: sealed.ciphertext, secretEncryptionKeyId: sealed.keyId },
    });
    report.reencrypted.onboardingSecrets += updated.count;
  }

  for (const row of await db.integration.findMany({
    select: { id: true, secretCiphertext: true, secretEncryptionKeyId: true },
  })) {
    if (row.secretEncryptionKeyId === keyId) {
      report.alreadyCurrent++;
      continue;
    }
    const sealed = reseal(
      encryption,
      { ciphertext: row.secretCiphertext, keyId: row.secretEncryptionKeyId },
      integrationSecretContext(row.id),
    );
    if (!sealed) {
      report.unreadable.push(`integration ${row.id}`);
      continue;
    }
    const updated = await db.integration.updateMany({
      where: { id: row.id, secretCiphertext: row.secretCiphertext },
      data: { secretCiphertext: sealed.ciphertext, secretEncryptionKeyId: sealed.keyId },
    });
    report.reencrypted.integrationSecrets += updated.count;
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
  for (const row of await db.integrationOperation.findMany({
    where: { newSecretCiphertext: { not: null } },
    select: { id: true, newSecretCiphertext: true, newSecretEncryptionKeyId: true },
  })) {
    if (row.newSecretEncryptionKeyId === keyId) {
      report.alreadyCurrent++;
      continue;
    }
    const sealed = reseal(
      encryption,
      { ciphertext: row.newSecretCiphertext!, keyId: row.newSecretEncryptionKeyId ?? "" },
      rotationSecretContext(row.id),
    );
    if (!sealed) {
      report.unreadable.push(`secret rotation ${row.id}`);
      continue;
    }
    const updated = await db.integrationOperation.updateMany({
      where: { id: row.id, newSecretCiphertext: row.newSecretCiphertext },
      data: { newSecretCiphertext: sealed.ciphertext, newSecretEncryptionKeyId: sealed.keyId },
    });
    report.reencrypted.rotationSecrets += updated.count;
  }
  return report;
}
