/**
 * The "owner worlds" that the access, leak and bad-input tests probe: a tenant seeded in the emulator,
 * its admin signed in as the owner, and what the owner holds. Import only after a harness has started
 * (the portal's modules are imported lazily, once the harness has set the environment).
 *
 * - `seedOwnerWorld`: rows only, nothing run against Azure: an automated and a manual onboarding, an act
 *   link, an Integration row, and the operator's webhook endpoint with one queued delivery.
 * - `seedConnectedOwner`: a fresh tenant's onboarding connected for real through the engine.
 */
import type { SeedResult } from "@/emulator/src/scenario";
import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import { driveToRest } from "@/test/support/drive";
import type { Harness } from "@/test/support/portal-harness";

export type SignedIn = Awaited<ReturnType<Harness["signIn"]>>;

export type OwnerWorld = {
  tenant: SeedResult;
  owner: SignedIn;
  /** One of the portal's operators: API keys and webhooks are theirs. */
  operator: SignedIn;
  /** Ids of what the owner (and the operator) hold, so that probes get past "not yours". */
  ids: {
    automated: string;
    manual: string;
    link: string;
    billingAccount: string;
    tenantId: string;
    integration: string;
    endpoint: string;
    delivery: string;
    /** The automated onboarding's delivery to Vantage, when asked for. */
    destination?: string;
  };
};

/**
 * A Contoso tenant (default delays: nothing here waits on Azure) and its admin's world. The Integration
 * row has `integrationStatus` (a disconnected one reaches nothing in Azure whatever an action does).
 */
export async function seedOwnerWorld(
  harness: Harness,
  options: { integrationStatus: "active" | "disconnected"; vantageDelivery?: boolean },
): Promise<OwnerWorld> {
  const { db } = await import("@/lib/db");
  const onboardings = await import("@/lib/data/onboardings");
  const links = await import("@/lib/data/share-links");
  const access = await import("@/lib/share-links/access");
  const webhooks = await import("@/lib/data/webhooks");

  const tenant = await control(harness.emu).seed({ preset: "contoso" });
  const owner = await harness.signIn(tenant.users.admin!.userPrincipalName);
  const operator = await harness.signInOperator();
  const automated = await onboardings.createOnboarding(owner, {
    appDisplayName: "vantage",
    secretExpiryMonths: 12,
  });
  const manual = await onboardings.createOnboarding(owner, {
    appDisplayName: "vantage",
    secretExpiryMonths: 12,
    mode: "manual",
  });
  const link = await links.createShareLink(owner, {
    onboardingId: automated.id,
    tokenHash: access.newShareToken().tokenHash,
    scope: "act",
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  const integration = `int_${crypto.randomUUID()}`;
  await db.integration.create({
    data: {
      id: integration,
      ownerId: owner.id,
      tenantId: owner.tenantId,
      clientId: crypto.randomUUID(),
      secretCiphertext: "x",
      secretEncryptionKeyId: "x",
      secretHint: "abc",
      billingAccountName: tenant.billingAccounts.mca!.name,
      status: options.integrationStatus,
    },
  });
  const endpoint = await webhooks.createWebhookEndpoint(operator, {
    url: "https://hooks.example.com/mca",
    eventTypes: ["integration.connected"],
    description: null,
    secret: "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    allTenants: true,
  });
  const delivery = await webhooks.queueTestDelivery(operator, endpoint.id, () => "{}");
  const destination = options.vantageDelivery
    ? (await db.delivery.create({ data: { onboardingId: automated.id, destination: "vantage" } })).id
    : undefined;
  return {
    tenant,
    owner,
    operator,
    ids: {
      automated: automated.id,
      manual: manual.id,
      link: link.id,
      billingAccount: tenant.billingAccounts.mca!.name,
      tenantId: tenant.tenantId,
      integration,
      endpoint: endpoint.id,
      delivery: delivery.id,
      ...(destination ? { destination } : {}),
    },
  };
}

/** The integration's secret value, decrypted as /api/v1 would. */
export async function secretOf(row: { id: string; secretCiphertext: string; secretEncryptionKeyId: string }) {
  const vault = await import("@/lib/crypto/vault");
  const contexts = await import("@/lib/crypto/contexts");
  return vault.decryptSecret(
    { ciphertext: row.secretCiphertext, keyId: row.secretEncryptionKeyId },
    contexts.integrationSecretContext(row.id),
  );
}

/**
 * A fresh Contoso tenant (no delays) whose admin, the owner, connected an onboarding: the five steps
 * run to the end through the engine, its Integration active. `secret` is the Integration's secret value.
 */
export async function seedConnectedOwner(harness: Harness, options: { appDisplayName?: string } = {}) {
  const engine = await import("@/lib/onboardings/engine");
  const onboardings = await import("@/lib/data/onboardings");
  const { db } = await import("@/lib/db");
  const emu = control(harness.emu);
  const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
  const owner = await harness.signIn(tenant.users.admin!.userPrincipalName);
  const { id } = await onboardings.createOnboarding(owner, {
    appDisplayName: options.appDisplayName ?? "vantage",
    secretExpiryMonths: 12,
  });
  await engine.queueSteps(owner, id, "remaining");
  await driveToRest(owner, id, { rounds: 20, limitMs: Infinity, pollMs: 1_000 });
  const integration = await db.integration.findUniqueOrThrow({ where: { onboardingId: id } });
  if (integration.status !== "active")
    throw new Error(`the onboarding did not connect: integration ${integration.status}`);
  const onboarding = await db.onboarding.findUniqueOrThrow({ where: { id } });
  return {
    emu,
    tenant,
    owner,
    onboardingId: id,
    onboarding,
    integration,
    secret: await secretOf(integration),
  };
}
