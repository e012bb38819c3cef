/**
 * Key rotation: a token cache under a retired key no longer locks its account out (it is overwritten
 * at the next sign-in), `npm run keys:rotate` re-encrypts every secret (Vantage API tokens too) under the new key, and the
 * Integration's secret is bound to its own row.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { control } from "@/emulator/test/helpers";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

const portal = portalHarnessForFile();
let db: typeof import("@/lib/db");
let crypto: typeof import("@/lib/crypto/cipher");
let rotation: typeof import("@/lib/data/encryption-keys");
let contexts: typeof import("@/lib/crypto/contexts");
let vault: typeof import("@/lib/crypto/vault");
let integrations: typeof import("@/lib/data/integrations");
let onboardings: typeof import("@/lib/data/onboardings");
let vantageTokens: typeof import("@/lib/data/vantage-tokens");

beforeAll(async () => {
  db = await import("@/lib/db");
  crypto = await import("@/lib/crypto/cipher");
  rotation = await import("@/lib/data/encryption-keys");
  contexts = await import("@/lib/crypto/contexts");
  vault = await import("@/lib/crypto/vault");
  integrations = await import("@/lib/data/integrations");
  onboardings = await import("@/lib/data/onboardings");
  vantageTokens = await import("@/lib/data/vantage-tokens");
}, 120_000);

const currentKey = () => process.env.ENCRYPTION_KEY!;

describe("encryption keys", () => {
  it("lets an account whose token cache was sealed by a retired key sign in again", async () => {
    const tenant = await control(portal.current.emu).seed({ preset: "contoso" });
    const upn = tenant.users.admin!.userPrincipalName;
    const first = await portal.current.signIn(upn);
    const retired = crypto.createEncryption({ key: crypto.generateEncryptionKey() });
    const sealed = retired.encrypt("{}", contexts.tokenCacheContext(first.homeAccountId));
    await db.db.msalTokenCache.update({
      where: { homeAccountId: first.homeAccountId },
      data: { ciphertext: sealed.ciphertext, keyId: sealed.keyId },
    });
    const again = await portal.current.signIn(upn);
    expect(again.homeAccountId).toBe(first.homeAccountId);
    const row = await db.db.msalTokenCache.findUniqueOrThrow({
      where: { homeAccountId: first.homeAccountId },
    });
    expect(row.keyId).not.toBe(sealed.keyId);
    expect(vault.decryptSecret(row, contexts.tokenCacheContext(first.homeAccountId))).toContain(
      "RefreshToken",
    );
  });

  it("re-encrypts token caches, onboarding and integration secrets under the new key", async () => {
    const tenant = await control(portal.current.emu).seed({ preset: "contoso" });
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    const sealed = vault.encryptSecret(
      "s3cret-value-of-forty-characters-long!!",
      contexts.onboardingSecretContext(id),
    );
    const onboarding = await db.db.onboarding.update({
      where: { id },
      data: {
        clientId: "11111111-1111-1111-1111-111111111111",
        billingAccountName: "a:b_2020-01-01",
        secretCiphertext: sealed.ciphertext,
        secretEncryptionKeyId: sealed.keyId,
      },
    });
    // As step 5 writes it once it has proved the values.
    const proof = { ok: true as const, amount: 1, currency: "USD", from: "2026-12-01", to: "2026-12-07" };
    const integration = await db.db.$transaction((tx) =>
      integrations.saveIntegrationForOnboarding(onboarding, proof, tx),
    );
    const stored = await db.db.integration.findUniqueOrThrow({ where: { id: integration.id } });
    const integrationSealed = { ciphertext: stored.secretCiphertext, keyId: stored.secretEncryptionKeyId };
    // Bound to the Integration's own row, not the onboarding's.
    expect(vault.decryptSecret(integrationSealed, contexts.integrationSecretContext(integration.id))).toBe(
      "s3cret-value-of-forty-characters-long!!",
    );
    expect(() => vault.decryptSecret(integrationSealed, contexts.onboardingSecretContext(id))).toThrow();

    // A webhook endpoint's signing secret, sealed under the current key.
    const webhookSealed = vault.encryptSecret(
      "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      contexts.webhookSecretContext("whe_rotation"),
    );
    await db.db.webhookEndpoint.create({
      data: {
        id: "whe_rotation",
        tenantId: actor.tenantId,
        url: "https://hooks.example.com/x",
        eventTypes: ["integration.connected"],
        secretCiphertext: webhookSealed.ciphertext,
        secretEncryptionKeyId: webhookSealed.keyId,
      },
    });
    // A secret rotation between Azure's answer and the hand-over holds its new secret too.
    const operation = await db.db.integrationOperation.create({
      data: {
        integrationId: integration.id,
        onboardingId: id,
        tenantId: actor.tenantId,
        kind: "rotate_secret",
        phase: "verify",
        actorId: actor.id,
      },
    });
    const newSecret = vault.encryptSecret(
      "n3w-secret-of-a-rotation",
      contexts.rotationSecretContext(operation.id),
    );
    await db.db.integrationOperation.update({
      where: { id: operation.id },
      data: { newSecretCiphertext: newSecret.ciphertext, newSecretEncryptionKeyId: newSecret.keyId },
    });

    // The Vantage API token the owner gave, which delivery reads after the old key is gone.
    await vantageTokens.saveVantageToken(actor, "vntg_tkn_rotation0123456789", {
      defaultWorkspaceToken: "wrkspc_1",
      workspaces: [{ token: "wrkspc_1", name: "Management" }],
      scopes: ["read", "write"],
    });

    const next = crypto.generateEncryptionKey();
    const rotated = crypto.createEncryption({ key: next, oldKeys: [currentKey()] });
    const report = await rotation.rotateEncryptionKeys(rotated);
    expect(report.reencrypted.webhookSecrets).toBe(1);
    expect(report.unreadable).toEqual([]);
    expect(report.reencrypted.onboardingSecrets).toBeGreaterThanOrEqual(1);
    expect(report.reencrypted.integrationSecrets).toBeGreaterThanOrEqual(1);
    expect(report.reencrypted.tokenCaches).toBeGreaterThanOrEqual(1);
    expect(report.reencrypted.rotationSecrets).toBe(1);
    expect(report.reencrypted.vantageTokens).toBe(1);

    // Readable with the new key alone; a second run has nothing left to do.
    const onlyNew = crypto.createEncryption({ key: next });
    const o = await db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(
      onlyNew.decrypt(
        { ciphertext: o.secretCiphertext!, keyId: o.secretEncryptionKeyId! },
        contexts.onboardingSecretContext(id),
      ),
    ).toBe("s3cret-value-of-forty-characters-long!!");
    const i = await db.db.integration.findUniqueOrThrow({ where: { id: integration.id } });
    expect(
      onlyNew.decrypt(
        { ciphertext: i.secretCiphertext, keyId: i.secretEncryptionKeyId },
        contexts.integrationSecretContext(integration.id),
      ),
    ).toBe("s3cret-value-of-forty-characters-long!!");
    const op = await db.db.integrationOperation.findUniqueOrThrow({ where: { id: operation.id } });
    expect(
      onlyNew.decrypt(
        { ciphertext: op.newSecretCiphertext!, keyId: op.newSecretEncryptionKeyId! },
        contexts.rotationSecretContext(operation.id),
      ),
    ).toBe("n3w-secret-of-a-rotation");
    const cache = await db.db.msalTokenCache.findUniqueOrThrow({
      where: { homeAccountId: actor.homeAccountId },
    });
    expect(cache.keyId).toBe(onlyNew.currentKeyId);
    const second = await rotation.rotateEncryptionKeys(rotated);
    expect(second.reencrypted).toEqual({
      tokenCaches: 0,
      onboardingSecrets: 0,
      integrationSecrets: 0,
      webhookSecrets: 0,
      rotationSecrets: 0,
      vantageTokens: 0,
    });
    const t = await db.db.vantageToken.findUniqueOrThrow({ where: { userId: actor.id } });
    expect(
      onlyNew.decrypt(
        { ciphertext: t.tokenCiphertext, keyId: t.tokenEncryptionKeyId },
        contexts.vantageTokenContext(actor.id),
      ),
    ).toBe("vntg_tkn_rotation0123456789");
    const e = await db.db.webhookEndpoint.findUniqueOrThrow({ where: { id: "whe_rotation" } });
    expect(
      onlyNew.decrypt(
        { ciphertext: e.secretCiphertext, keyId: e.secretEncryptionKeyId },
        contexts.webhookSecretContext("whe_rotation"),
      ),
    ).toBe("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");
  });
});
