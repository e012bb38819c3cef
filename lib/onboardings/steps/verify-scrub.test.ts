/**
 * Step 5 holds the secret in memory: an Azure answer that echoes it back must not carry it into the
 * step's message, the audit or the Integration's last verification.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control, sleep } from "@/emulator/test/helpers";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let onboardings: typeof import("@/lib/data/onboardings");
let vault: typeof import("@/lib/crypto/vault");
let contexts: typeof import("@/lib/crypto/contexts");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  onboardings = await import("@/lib/data/onboardings");
  vault = await import("@/lib/crypto/vault");
  contexts = await import("@/lib/crypto/contexts");
  db = await import("@/lib/db");
}, 120_000);

describe("step 5 and the secret", () => {
  it("never stores a secret that Azure echoed back in an error", async () => {
    const emu = control(portal.current.emu);
    const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "client-secret");
    await engine.queueSteps(actor, id, "app-registration");
    await engine.advance(actor, id);
    const o = await db.db.onboarding.findUniqueOrThrow({ where: { id } });
    const secret = vault.decryptSecret(
      { ciphertext: o.secretCiphertext!, keyId: o.secretEncryptionKeyId! },
      contexts.onboardingSecretContext(id),
    );
    await emu.post("/faults", {
      method: "POST",
      path: "Microsoft.CostManagement/query$",
      tenantId: tenant.tenantId,
      status: 400,
      code: "BadRequest",
      message: `The request for client ${o.clientId} with secret ${secret} is not valid.`,
      count: null,
    });
    await engine.queueSteps(actor, id, "remaining");
    for (let i = 0; i < 20; i++) {
      await engine.advance(actor, id);
      const verify = await db.db.onboardingStep.findUniqueOrThrow({
        where: { onboardingId_stepId: { onboardingId: id, stepId: "verify" } },
      });
      if (verify.status === "needs_attention" || verify.status === "done") break;
      await sleep(300);
    }
    const verify = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "verify" } },
    });
    expect(verify.status).toBe("needs_attention");
    const stored = JSON.stringify([
      verify,
      await db.db.auditEvent.findMany({ where: { onboardingId: id } }),
      await db.db.integration.findMany({ where: { onboardingId: id } }),
    ]);
    expect(stored).toContain("is not valid");
    expect(stored).not.toContain(secret);
  });
});
