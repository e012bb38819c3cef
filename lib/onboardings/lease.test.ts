/**
 * Lease fencing: a runner that loses its step's lease while it waits on Azure must not store anything
 * afterwards, and must not leave behind what it created. (Before fencing, the first runner stored the
 * ciphertext of its own secret over the second runner's, and its secret stayed in Azure beside it.)
 */
import { beforeAll, describe, expect, it } from "vitest";

import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control, sleep } from "@/emulator/test/helpers";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let onboardings: typeof import("@/lib/data/onboardings");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  onboardings = await import("@/lib/data/onboardings");
  db = await import("@/lib/db");
}, 120_000);

describe("lease fencing", () => {
  it("drops a slow runner's secret when another runner took its lease over", async () => {
    const emu = control(portal.current.emu);
    const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "app-registration");
    await engine.advance(actor, id);

    // Runner A's addPassword waits 2.5 s in Azure before Azure makes the secret.
    const fault = await emu.post("/faults", {
      method: "POST",
      path: "addPassword$",
      tenantId: tenant.tenantId,
      latencyMs: 2500,
      count: 1,
    });
    expect(fault.status).toBeLessThan(300);
    await engine.queueSteps(actor, id, "client-secret");
    const runnerA = engine.advance(actor, id, { budgetMs: 20_000 });
    const where = { onboardingId_stepId: { onboardingId: id, stepId: "client-secret" } };
    while ((await db.db.onboardingStep.findUniqueOrThrow({ where })).status !== "running") await sleep(20);
    await sleep(300);
    // A's lease runs out as if A had hung (its renewal is 10 s away); B, the poller, takes over.
    await db.db.onboardingStep.update({ where, data: { leaseExpiresAt: new Date(Date.now() - 1000) } });
    await engine.advance(actor, id, { budgetMs: 20_000 });
    await runnerA;

    const onboarding = await db.db.onboarding.findUniqueOrThrow({ where: { id } });
    const app = (await emu.state(tenant.tenantId)).applications[0] as {
      passwordCredentials: { keyId: string }[];
    };
    expect(app.passwordCredentials.map((c) => c.keyId)).toEqual([onboarding.secretKeyId]);
    const step = await db.db.onboardingStep.findUniqueOrThrow({ where });
    expect(step.status).toBe("done");
    expect(step.leaseOwner).toBeNull();
  });
});
