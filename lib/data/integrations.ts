import "server-only";

import { randomUUID } from "node:crypto";

import { db } from "@/lib/db";
import type { Onboarding } from "@/lib/generated/prisma/client";
import { integrationSecretContext, onboardingSecretContext } from "@/lib/secret-contexts";
import { decryptSecret, encryptSecret } from "@/lib/vault";

/**
 * Creates or refreshes the Integration an onboarding produces: the four values the cost platform needs.
 * The secret is re-encrypted bound to the Integration's own row, so it stays readable when the
 * onboarding is gone. It counts as pending until step 5 has proved it works.
 */
export async function saveIntegrationForOnboarding(o: Onboarding) {
  const existing = await db.integration.findUnique({ where: { onboardingId: o.id }, select: { id: true } });
  const id = existing?.id ?? `int_${randomUUID()}`;
  const secret = decryptSecret(
    { ciphertext: o.secretCiphertext!, keyId: o.secretEncryptionKeyId! },
    onboardingSecretContext(o.id),
  );
  const sealed = encryptSecret(secret, integrationSecretContext(id));
  const data = {
    ownerId: o.ownerId,
    tenantId: o.tenantId,
    clientId: o.clientId!,
    secretCiphertext: sealed.ciphertext,
    secretEncryptionKeyId: sealed.keyId,
    secretKeyId: o.secretKeyId,
    secretHint: o.secretHint ?? "",
    secretExpiresAt: o.secretExpiresAt,
    billingAccountName: o.billingAccountName!,
    billingAccountDisplayName: o.billingAccountDisplayName,
  };
  return db.integration.upsert({
    where: { onboardingId: o.id },
    create: { ...data, id, onboardingId: o.id, status: "pending" },
    update: data,
    select: { id: true },
  });
}

/** The Integration an onboarding made, if any: which secret it holds and whether it works. */
export function findIntegrationForOnboarding(onboardingId: string) {
  return db.integration.findUnique({
    where: { onboardingId },
    select: { id: true, status: true, secretKeyId: true },
  });
}

export type VerificationRecord =
  | { ok: true; amount: number; currency: string | null; from: string; to: string }
  | { ok: false; message: string; code?: string };

export async function recordVerification(integrationId: string, result: VerificationRecord) {
  await db.integration.update({
    where: { id: integrationId },
    data: {
      status: result.ok ? "active" : "failing",
      lastVerification: { ...result, at: new Date().toISOString() },
      ...(result.ok ? { lastVerifiedAt: new Date() } : {}),
    },
  });
}

/** Integrations the user already has for a billing account, to warn before a second onboarding. */
export async function findIntegrationsForBillingAccount(ownerTenantId: string, billingAccountName: string) {
  return db.integration.findMany({
    where: { tenantId: ownerTenantId, billingAccountName },
    select: { id: true, clientId: true, status: true, lastVerifiedAt: true, onboardingId: true },
  });
}
