import "server-only";

import { randomUUID } from "node:crypto";

import { integrationSecretContext, onboardingSecretContext } from "@/lib/crypto/contexts";
import { decryptSecret, encryptSecret } from "@/lib/crypto/vault";
import { recordIntegrationEvent } from "@/lib/data/integration-events";
import { LeaseLostError } from "@/lib/data/lease";
import { fencedTransactionWait } from "@/lib/data/steps";
import { db } from "@/lib/db";
import { isUniqueViolation } from "@/lib/db/errors";
import type { Prisma, Onboarding } from "@/lib/generated/prisma/client";

type Client = Prisma.TransactionClient;

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

export type ProvedCheck = Extract<VerificationRecord, { ok: true }>;

/**
 * Writes the Integration an onboarding produces, the four values the cost platform needs, from a
 * check that has just proved them (signed in as the app, read the billing account and its costs):
 * nothing else may create one. The secret is re-encrypted bound to the Integration's own row, so it
 * stays readable when the onboarding is gone. "integration.connected" is recorded in the same
 * transaction the first time.
 */
export async function saveIntegrationForOnboarding(o: Onboarding, proof: ProvedCheck, client: Client) {
  const existing = await client.integration.findUnique({
    where: { onboardingId: o.id },
    select: { id: true, status: true },
  });
  const id = existing?.id ?? `int_${randomUUID()}`;
  const secret = decryptSecret(
    { ciphertext: o.secretCiphertext!, keyId: o.secretEncryptionKeyId! },
    onboardingSecretContext(o.id),
  );
  const sealed = encryptSecret(secret, integrationSecretContext(id));
  const at = new Date();
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
    status: "active" as const,
    lastVerification: { ...proof, at: at.toISOString() },
    lastVerifiedAt: at,
    monthCostAmount: proof.amount,
    monthCostCurrency: proof.currency,
    monthCostAt: at,
  };
  const saved = await client.integration.upsert({
    where: { onboardingId: o.id },
    create: { ...data, id, onboardingId: o.id },
    update: { ...data, version: { increment: 1 } },
    select: { id: true, tenantId: true, clientId: true, billingAccountName: true },
  });
  // A row from before proofs were required may still say "pending": its first proof connects it.
  if (!existing || existing.status === "pending")
    await recordIntegrationEvent(
      {
        tenantId: saved.tenantId,
        integrationId: saved.id,
        type: "integration.connected",
        data: {
          integrationId: saved.id,
          tenantId: saved.tenantId,
          clientId: saved.clientId,
          billingAccountName: saved.billingAccountName,
          onboardingId: o.id,
        },
        at,
      },
      client,
    );
  return { id: saved.id };
}

/** The credentials step 5 checked: what it may write, and only while the onboarding still holds them. */
export type CheckedCredentials = { clientId: string; billingAccountName: string; secret: string };

/**
 * The onboarding's credentials changed while step 5 checked them (a redo of step 2, a rotation's
 * hand-over, a paste, a disconnect): what it proved belongs to nobody now, and the step checks again.
 */
export class CredentialsChangedError extends Error {
  constructor() {
    super("The onboarding's credentials changed while they were being checked");
    this.name = "CredentialsChangedError";
  }
}

/** Another onboarding's Integration already holds this app and billing account (the schema allows one). */
export class IntegrationTakenError extends Error {
  constructor() {
    super("Another onboarding already connected this app to this billing account");
    this.name = "IntegrationTakenError";
  }
}

type StepFence = { onboardingId: string; stepId: string; leaseOwner: string };

/**
 * Opens step 5's fenced transaction: the step's lease still held, then the Integration's row and the
 * onboarding's locked, in that order (a rotation's hand-over and a disconnect lock them in the same
 * order, so none waits on another in a circle), and the onboarding read afresh, as it is now.
 */
async function lockForStepFive(tx: Client, fence: StepFence): Promise<Onboarding> {
  const held = await tx.onboardingStep.updateMany({
    where: { onboardingId: fence.onboardingId, stepId: fence.stepId, leaseOwner: fence.leaseOwner },
    data: { updatedAt: new Date() },
  });
  if (held.count === 0) throw new LeaseLostError();
  await tx.integration.updateMany({
    where: { onboardingId: fence.onboardingId },
    data: { version: { increment: 1 } },
  });
  return tx.onboarding.update({ where: { id: fence.onboardingId }, data: { version: { increment: 1 } } });
}

function holds(
  row: { clientId: string | null; billingAccountName: string | null },
  secret: string | null,
  checked: CheckedCredentials,
) {
  return (
    row.clientId === checked.clientId &&
    row.billingAccountName === checked.billingAccountName &&
    secret === checked.secret
  );
}

function onboardingSecret(o: Onboarding): string | null {
  if (!o.secretCiphertext || !o.secretEncryptionKeyId) return null;
  return decryptSecret(
    { ciphertext: o.secretCiphertext, keyId: o.secretEncryptionKeyId },
    onboardingSecretContext(o.id),
  );
}

/**
 * Step 5's success, saved in one transaction fenced by its lease: the Integration is written from the
 * onboarding as it is at commit time (re-read under lock), and only if it still holds exactly the
 * credentials that were proved; then `fields` are saved on the onboarding. So a rotation's hand-over
 * or a redo of step 2 that landed while the check ran is never undone (CredentialsChangedError).
 */
export async function saveProvedIntegrationFenced(
  fence: StepFence,
  checked: CheckedCredentials,
  proof: ProvedCheck,
  fields: Prisma.OnboardingUpdateInput,
): Promise<{ integrationId: string; onboarding: Onboarding }> {
  try {
    return await db.$transaction(async (tx) => {
      const now = await lockForStepFive(tx, fence);
      if (!holds(now, onboardingSecret(now), checked)) throw new CredentialsChangedError();
      const current = await tx.integration.findUnique({
        where: { onboardingId: fence.onboardingId },
        select: { status: true },
      });
      if (current?.status === "disconnected") throw new CredentialsChangedError();
      const { id } = await saveIntegrationForOnboarding(now, proof, tx);
      const onboarding = await tx.onboarding.update({ where: { id: now.id }, data: fields });
      return { integrationId: id, onboarding };
    }, fencedTransactionWait);
  } catch (error) {
    if (isUniqueViolation(error)) throw new IntegrationTakenError();
    throw error;
  }
}

/**
 * Step 5's failed check, fenced by its lease: recorded on the onboarding's Integration only when that
 * Integration holds the very credentials that failed (a working one that stopped working is listed
 * as failing). A replacement that fails (a new secret, other pasted values) leaves the working one as
 * it is, and with no Integration nothing is written: the step's message says what failed. Returns
 * whether it was recorded.
 */
export async function recordFailedCheckFenced(
  fence: StepFence,
  checked: CheckedCredentials,
  failure: Extract<VerificationRecord, { ok: false }>,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockForStepFive(tx, fence);
    const integration = await tx.integration.findUnique({
      where: { onboardingId: fence.onboardingId },
      select: {
        id: true,
        clientId: true,
        billingAccountName: true,
        secretCiphertext: true,
        secretEncryptionKeyId: true,
      },
    });
    if (!integration) return false;
    const secret = decryptSecret(
      { ciphertext: integration.secretCiphertext, keyId: integration.secretEncryptionKeyId },
      integrationSecretContext(integration.id),
    );
    if (!holds(integration, secret, checked)) return false;
    await recordVerificationIn(tx, integration.id, failure);
    return true;
  }, fencedTransactionWait);
}

/** The Integration an onboarding made, if any: which secret it holds and whether it works. */
export function findIntegrationForOnboarding(onboardingId: string) {
  return db.integration.findUnique({
    where: { onboardingId },
    select: { id: true, status: true, secretKeyId: true },
  });
}

/**
 * Records a verification's result and, when it changes what the cost platform should know, the event,
 * in one transaction: "integration.connected" the first time it works, "integration.verification_failing"
 * when a working one stops. A disconnected integration stays disconnected.
 */
export async function recordVerification(integrationId: string, result: VerificationRecord) {
  await db.$transaction((tx) => recordVerificationIn(tx, integrationId, result));
}

async function recordVerificationIn(tx: Client, integrationId: string, result: VerificationRecord) {
  const before = await tx.integration.findUnique({
    where: { id: integrationId },
    select: { status: true, tenantId: true, clientId: true, billingAccountName: true, onboardingId: true },
  });
  if (!before || before.status === "disconnected") return;
  const at = new Date();
  await tx.integration.update({
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
    await recordIntegrationEvent(
      { tenantId: before.tenantId, integrationId, type: "integration.connected", data: facts, at },
      tx,
    );
  if (!result.ok && before.status !== "failing" && before.status !== "pending")
    await recordIntegrationEvent(
      {
        tenantId: before.tenantId,
        integrationId,
        type: "integration.verification_failing",
        data: { ...facts, reason: result.message, code: result.code ?? null, cause: result.reason ?? null },
        at,
      },
      tx,
    );
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

/**
 * What the API serves: proved integrations only. None is written before step 5 has proved it, and rows
 * of older versions that were never proved were removed; this keeps any that might remain out anyway.
 */
const servedByApi = { status: { not: "pending" } } as const;

/** A tenant's integrations for the cost platform's API, without secrets, oldest first. */
export function listIntegrationsForTenant(tenantId: string) {
  return db.integration.findMany({
    where: { tenantId, ...servedByApi },
    orderBy: { createdAt: "asc" },
    select: apiFields,
  });
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
