/**
 * Issue 15, items 3, 5 and 6, through the portal's real engine against the emulator:
 * - made-up values pasted by hand leave no Integration (nothing the API could list), while the check
 *   waits and once it has failed, and the step says what failed;
 * - a disconnect cancels the onboarding's queued steps, and a step queued anyway (a write that raced
 *   the disconnect) is cancelled when its lease is taken, before any Azure call;
 * - a step queued through an act link that is then revoked, or expires, does not run as the link's
 *   holder: it waits for the owner, saying why, and nothing is done in Azure as them; the owner runs it;
 * - step 5's final save re-reads the onboarding under its fence: a rotation's hand-over that landed
 *   while the check ran is never undone (the Integration keeps the newer secret).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import { connectedOnboarding, inAzure, secretOf } from "@/test/support/integrations";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let lifecycle: typeof import("@/lib/integrations/manage");
let onboardings: typeof import("@/lib/data/onboardings");
let shareLinks: typeof import("@/lib/data/share-links");
let shareAccess: typeof import("@/lib/share-links/access");
let integrations: typeof import("@/lib/data/integrations");
let vault: typeof import("@/lib/crypto/vault");
let contexts: typeof import("@/lib/crypto/contexts");
let db: (typeof import("@/lib/db"))["db"];
let pasted: typeof import("@/lib/data/pasted-credentials");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  lifecycle = await import("@/lib/integrations/manage");
  onboardings = await import("@/lib/data/onboardings");
  shareLinks = await import("@/lib/data/share-links");
  shareAccess = await import("@/lib/share-links/access");
  integrations = await import("@/lib/data/integrations");
  vault = await import("@/lib/crypto/vault");
  contexts = await import("@/lib/crypto/contexts");
  db = (await import("@/lib/db")).db;
  pasted = await import("@/lib/data/pasted-credentials");
}, 120_000);

function stepRow(onboardingId: string, stepId: string) {
  return db.onboardingStep.findUniqueOrThrow({ where: { onboardingId_stepId: { onboardingId, stepId } } });
}

/** Puts a step back in the queue, due now, as a queue write racing a disconnect or a revocation would. */
async function requeue(onboardingId: string, stepId: string) {
  await db.onboardingStep.update({
    where: { onboardingId_stepId: { onboardingId, stepId } },
    data: { status: "waiting", nextAttemptAt: new Date(), error: undefined, finishedAt: null },
  });
}

describe("an Integration exists only once it was proved", () => {
  it("made-up values pasted by hand: no Integration while the check waits or after it failed", async () => {
    const emu = control(portal.current.emu);
    const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
    const lee = await portal.current.signIn(tenant.users.noBilling!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(lee, {
      appDisplayName: "made-up",
      secretExpiryMonths: 12,
      mode: "manual",
    });
    const secret = "Mm42Q~madeupmadeupmadeupmadeupmadeup0123";
    await pasted.savePastedCredentials(lee, id, {
      clientId: crypto.randomUUID(),
      secret: vault.encryptSecret(secret, contexts.onboardingSecretContext(id)),
      secretHint: secret.slice(0, 3),
      billingAccountName: `${crypto.randomUUID()}:${crypto.randomUUID()}_2019-05-31`,
    });
    await engine.queueSteps(lee, id, "verify");
    await engine.advance(lee, id, { budgetMs: 4_000 });
    // Entra does not know the app: for a while that may be a new app not replicated yet, so it waits.
    expect((await stepRow(id, "verify")).status).toBe("waiting");
    expect(await db.integration.count({ where: { onboardingId: id } })).toBe(0);

    // Past the patience for an unknown app: the check fails, saying what to do; still no Integration.
    await db.onboardingStep.update({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "verify" } },
      data: { startedAt: new Date(Date.now() - 10 * 60_000), nextAttemptAt: new Date() },
    });
    await engine.advance(lee, id, { budgetMs: 4_000 });
    const failed = await stepRow(id, "verify");
    expect(failed.status).toBe("needs_attention");
    expect((failed.error as { message: string }).message).toMatch(/app|application/i);
    expect(await db.integration.count({ where: { onboardingId: id } })).toBe(0);
    expect(await db.integration.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  }, 90_000);
});

describe("a disconnect stops what was queued", () => {
  it("cancels a queued redo of step 2, and a step queued anyway is cancelled before it reaches Azure", async () => {
    const w = await connectedOnboarding(portal);
    const before = await inAzure(w);

    await engine.queueSteps(w.actor, w.onboardingId, "client-secret");
    expect((await stepRow(w.onboardingId, "client-secret")).status).toBe("waiting");
    await lifecycle.startDisconnect(w.actor, w.integration.id, "vantage");

    const cancelled = await stepRow(w.onboardingId, "client-secret");
    expect(cancelled.status).toBe("cancelled");
    expect((cancelled.error as { message: string }).message).toMatch(/disconnect/i);

    // A queue write that raced the disconnect: the runner takes the step and cancels it, no secret made.
    await requeue(w.onboardingId, "client-secret");
    await engine.advanceUnattended(w.onboardingId, { budgetMs: 4_000 });
    const after = await stepRow(w.onboardingId, "client-secret");
    expect(after.status).toBe("cancelled");
    expect((after.error as { message: string }).message).toBe(
      "Cancelled: this connection was disconnected, so its steps no longer run. Start a new onboarding to connect the billing account again.",
    );
    expect((await inAzure(w)).made).toBe(before.made);
    // And asking for it again is refused with the same reason, before anything is queued.
    await expect(engine.queueSteps(w.actor, w.onboardingId, "client-secret")).rejects.toThrow(/disconnected/);
  }, 90_000);
});

describe("an ended act link stops the steps it queued", () => {
  for (const ending of ["revoked", "expired"] as const) {
    it(`${ending}: the step waits for the owner, nothing is done in Azure as the colleague, the owner runs it`, async () => {
      const emu = control(portal.current.emu);
      const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
      const owner = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
      const colleague = await portal.current.signIn(tenant.users.billingOwner!.userPrincipalName);
      const { id } = await onboardings.createOnboarding(owner, {
        appDisplayName: "vantage",
        secretExpiryMonths: 12,
      });
      const link = await shareLinks.createShareLink(owner, {
        onboardingId: id,
        tokenHash: shareAccess.newShareToken().tokenHash,
        scope: "act",
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      await engine.queueSteps(colleague, id, "app-registration", { shareLinkId: link.id });
      expect(await stepRow(id, "app-registration")).toMatchObject({
        status: "waiting",
        actorId: colleague.id,
      });

      if (ending === "revoked") await shareLinks.revokeShareLink(owner, link.id);
      else
        await db.shareLink.update({
          where: { id: link.id },
          data: { expiresAt: new Date(Date.now() - 1_000) },
        });

      // The background runner picks the step up with nobody on the page.
      await engine.advanceUnattended(id, { budgetMs: 4_000 });
      const stopped = await stepRow(id, "app-registration");
      expect(stopped.status).toBe("needs_attention");
      const error = stopped.error as { message: string; awaitingOwner?: boolean; action: string };
      expect(error.awaitingOwner).toBe(true);
      expect(error.message).toMatch(
        new RegExp(
          `^The share link this step was started through ${ending === "revoked" ? "was revoked" : "expired"} on .+ UTC; the owner can run it\\.$`,
        ),
      );
      expect(error.action).toMatch(/^Nothing was done in Azure as them\./);
      const state = (await emu.state(tenant.tenantId)) as { applications: unknown[] };
      expect(state.applications).toHaveLength(0);

      // The owner runs it: it is done, as the owner, and one app exists.
      await engine.queueSteps(owner, id, "app-registration");
      await engine.advance(owner, id, { budgetMs: 6_000 });
      expect(await stepRow(id, "app-registration")).toMatchObject({ status: "done", actorId: owner.id });
      expect(((await emu.state(tenant.tenantId)) as { applications: unknown[] }).applications).toHaveLength(
        1,
      );
    }, 90_000);
  }
});

describe("step 5 never overwrites newer state", () => {
  it("a hand-over that landed while step 5 checked the old secret is kept: step 5's save is refused and the Integration keeps the newer secret", async () => {
    const w = await connectedOnboarding(portal);
    const newer = `newer-secret-${Date.now()}`;
    // Step 5 holds its lease and has proved the old secret (w.secret) ...
    await db.onboardingStep.update({
      where: { onboardingId_stepId: { onboardingId: w.onboardingId, stepId: "verify" } },
      data: {
        status: "running",
        leaseOwner: "lease-of-step-5",
        leaseExpiresAt: new Date(Date.now() + 60_000),
      },
    });
    // ... while a rotation hands a newer secret over to the onboarding and its Integration.
    const sealed = vault.encryptSecret(newer, contexts.onboardingSecretContext(w.onboardingId));
    await db.onboarding.update({
      where: { id: w.onboardingId },
      data: { secretCiphertext: sealed.ciphertext, secretEncryptionKeyId: sealed.keyId },
    });
    const handedOver = vault.encryptSecret(newer, contexts.integrationSecretContext(w.integration.id));
    await db.integration.update({
      where: { id: w.integration.id },
      data: { secretCiphertext: handedOver.ciphertext, secretEncryptionKeyId: handedOver.keyId },
    });

    await expect(
      integrations.saveProvedIntegrationFenced(
        { onboardingId: w.onboardingId, stepId: "verify", leaseOwner: "lease-of-step-5" },
        {
          clientId: w.integration.clientId,
          billingAccountName: w.integration.billingAccountName,
          secret: w.secret,
        },
        { ok: true, amount: 1, currency: "USD", from: "2026-12-01", to: "2026-12-07" },
        { status: "completed" },
      ),
    ).rejects.toBeInstanceOf(integrations.CredentialsChangedError);
    const row = await db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(await secretOf(row)).toBe(newer);

    // A step 5 whose lease was taken over saves nothing at all.
    await expect(
      integrations.saveProvedIntegrationFenced(
        { onboardingId: w.onboardingId, stepId: "verify", leaseOwner: "someone-else" },
        {
          clientId: w.integration.clientId,
          billingAccountName: w.integration.billingAccountName,
          secret: newer,
        },
        { ok: true, amount: 1, currency: "USD", from: "2026-12-01", to: "2026-12-07" },
        { status: "completed" },
      ),
    ).rejects.toThrow();
    expect(await secretOf(await db.integration.findUniqueOrThrow({ where: { id: w.integration.id } }))).toBe(
      newer,
    );
  }, 90_000);
});
