import "server-only";

import { randomUUID } from "node:crypto";

import { db } from "@/lib/db";
import { recordIntegrationEvent } from "@/lib/data/integration-events";
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
  | {
      ok: false;
      message: string;
      code?: string;
      /** Why, as lib/azure/app-check.ts classifies it (secret-expired, no-billing-read, ...). */
      reason?: string;
      /** What a person does about it. */
      action?: string;
    };

/**
 * Records a verification's result and, when it changes what the cost platform should know, the event:
 * "integration.connected" the first time it works, "integration.verification_failing" when a working
 * one stops. A disconnected integration stays disconnected.
 */
export async function recordVerification(integrationId: string, result: VerificationRecord) {
  const before = await db.integration.findUnique({
    where: { id: integrationId },
    select: { status: true, tenantId: true, clientId: true, billingAccountName: true, onboardingId: true },
  });
  if (!before || before.status === "disconnected") return;
  const at = new Date();
  await db.integration.update({
    where: { id: integrationId },
    data: {
      status: result.ok ? "active" : "failing",
      lastVerification: { ...result, at: at.toISOString() },
      ...(result.ok
        ? {
            lastVerifiedAt: at,
            monthCostAmount: result.amount,
            monthCostCurrency: result.currency,
            monthCostAt: at,
          }
        : {}),
    },
  });
  const facts = {
    integrationId,
    tenantId: before.tenantId,
    clientId: before.clientId,
    billingAccountName: before.billingAccountName,
    onboardingId: before.onboardingId,
  };
  if (result.ok && before.status === "pending")
    await recordIntegrationEvent({
      tenantId: before.tenantId,
      integrationId,
      type: "integration.connected",
      data: facts,
      at,
    });
  if (!result.ok && before.status !== "failing" && before.status !== "pending")
    await recordIntegrationEvent({
      tenantId: before.tenantId,
      integrationId,
      type: "integration.verification_failing",
      data: { ...facts, reason: result.message, code: result.code ?? null, cause: result.reason ?? null },
      at,
    });
}

/** Integrations the user already has for a billing account, to warn before a second onboarding. */
export async function findIntegrationsForBillingAccount(ownerTenantId: string, billingAccountName: string) {
  return db.integration.findMany({
    where: { tenantId: ownerTenantId, billingAccountName },
    select: { id: true, clientId: true, status: true, lastVerifiedAt: true, onboardingId: true },
  });
}

const apiFields = {
  id: true,
  tenantId: true,
  clientId: true,
  secretKeyId: true,
  secretHint: true,
  secretExpiresAt: true,
  billingAccountName: true,
  billingAccountDisplayName: true,
  status: true,
  lastVerifiedAt: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** A tenant's integrations for the cost platform's API, without secrets, oldest first. */
export function listIntegrationsForTenant(tenantId: string) {
  return db.integration.findMany({ where: { tenantId }, orderBy: { createdAt: "asc" }, select: apiFields });
}

/** What an API key reaches (lib/data/api-keys.ts KeyReach), as a filter; proved integrations only. */
export type IntegrationReach =
  | { reach: "all_tenants" }
  | { reach: "tenants"; tenantIds: string[] }
  | { reach: "integrations"; integrationIds: string[] };

function reachFilter(key: IntegrationReach) {
  const proved = { status: { not: "pending" as const } };
  if (key.reach === "all_tenants") return proved;
  if (key.reach === "tenants") return { ...proved, tenantId: { in: key.tenantIds } };
  return { ...proved, id: { in: key.integrationIds } };
}

/** The integrations a key reaches, without secrets, oldest first. */
export function listIntegrationsForKey(key: IntegrationReach) {
  return db.integration.findMany({
    where: reachFilter(key),
    orderBy: { createdAt: "asc" },
    select: apiFields,
  });
}

/**
 * One integration the key reaches, with its secret decrypted only when asked (a key allowed to read
 * secrets); null when it is missing or out of the key's reach, which the caller cannot tell apart.
 */
export async function getIntegrationForKey(
  key: IntegrationReach,
  id: string,
  { withSecret }: { withSecret: boolean },
): Promise<(IntegrationForApi & { clientSecret?: string }) | null> {
  const row = await db.integration.findFirst({
    where: { AND: [{ id }, reachFilter(key)] },
    select: { ...apiFields, secretCiphertext: true, secretEncryptionKeyId: true },
  });
  if (!row) return null;
  const { secretCiphertext, secretEncryptionKeyId, ...rest } = row;
  if (!withSecret || rest.status === "disconnected") return rest;
  const clientSecret = decryptSecret(
    { ciphertext: secretCiphertext, keyId: secretEncryptionKeyId },
    integrationSecretContext(row.id),
  );
  return { ...rest, clientSecret };
}

export type IntegrationForApi = Awaited<ReturnType<typeof listIntegrationsForTenant>>[number];

/**
 * One integration of the tenant, with its secret decrypted only when asked (a key allowed to read
 * secrets); null when it is missing or another tenant's, which the caller cannot tell apart.
 */
export async function getIntegrationForTenant(
  tenantId: string,
  id: string,
  { withSecret }: { withSecret: boolean },
): Promise<(IntegrationForApi & { clientSecret?: string }) | null> {
  const row = await db.integration.findFirst({
    where: { id, tenantId },
    select: { ...apiFields, secretCiphertext: true, secretEncryptionKeyId: true },
  });
  if (!row) return null;
  const { secretCiphertext, secretEncryptionKeyId, ...rest } = row;
  // A disconnected integration's app is gone: it has no secret to hand out (the value was dropped).
  if (!withSecret || rest.status === "disconnected") return rest;
  const clientSecret = decryptSecret(
    { ciphertext: secretCiphertext, keyId: secretEncryptionKeyId },
    integrationSecretContext(row.id),
  );
  return { ...rest, clientSecret };
}
