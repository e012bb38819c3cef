import "server-only";

import { db } from "@/lib/db";
import type { Onboarding } from "@/lib/generated/prisma/client";

/**
 * Creates or refreshes the Integration an onboarding produces: the four values the cost platform needs.
 * The secret is the onboarding's ciphertext, decryptable with the onboarding's context only. It counts
 * as failing until step 5 has proved it works.
 */
export async function saveIntegrationForOnboarding(o: Onboarding) {
  const data = {
    ownerId: o.ownerId,
    tenantId: o.tenantId,
    clientId: o.clientId!,
    secretCiphertext: o.secretCiphertext!,
    secretEncryptionKeyId: o.secretEncryptionKeyId!,
    secretKeyId: o.secretKeyId,
    secretHint: o.secretHint ?? "",
    secretExpiresAt: o.secretExpiresAt,
    billingAccountName: o.billingAccountName!,
    billingAccountDisplayName: o.billingAccountDisplayName,
  };
  return db.integration.upsert({
    where: { onboardingId: o.id },
    create: { ...data, onboardingId: o.id, status: "pending" },
    update: data,
    select: { id: true },
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
