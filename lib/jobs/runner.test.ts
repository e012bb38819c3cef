/**
 * Progress without an open tab: the background runner alone takes an onboarding from Connect to
 * Connected, running each step as the person who queued it; when that person's sign-in has lapsed, the
 * step waits for them and continues once they sign in again.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { control, sleep } from "@/emulator/test/helpers";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let runner: typeof import("@/lib/jobs/runner");
let onboardings: typeof import("@/lib/data/onboardings");
let broker: typeof import("@/lib/azure/token-broker");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  runner = await import("@/lib/jobs/runner");
  onboardings = await import("@/lib/data/onboardings");
  broker = await import("@/lib/azure/token-broker");
  db = await import("@/lib/db");
}, 120_000);

const delays = {
  appReplicationMs: 300,
  secretActivationMs: 1200,
  billingPrincipalReplicationMs: 300,
  billingRolePropagationMs: 500,
};

/** The runner's loop, driven here round by round until `done` or the limit. */
async function runUntil(done: () => Promise<boolean>, limitMs = 60_000) {
  const stop = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > stop) throw new Error("the background runner did not get there in time");
    await runner.runDueOnboardings();
    await sleep(200);
  }
}

async function status(id: string) {
  return (await db.db.onboarding.findUniqueOrThrow({ where: { id } })).status;
}

describe("background runner", () => {
  it("connects after Connect with nobody advancing", async () => {
    const tenant = await control(portal.current.emu).seed({ preset: "contoso", settings: { delays } });
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "remaining");
    await runUntil(async () => (await status(id)) === "completed");
    const steps = await db.db.onboardingStep.findMany({ where: { onboardingId: id } });
    expect(steps.every((s) => s.status === "done" && s.actorId === actor.id)).toBe(true);
  });

  it("is not held up by onboardings whose queued steps wait behind a step that needs attention", async () => {
    const tenant = await control(portal.current.emu).seed({ preset: "contoso", settings: { delays } });
    // Lee sees no billing account: step 3 needs attention, steps 4 and 5 stay queued behind it.
    const lee = await portal.current.signIn(tenant.users.noBilling!.userPrincipalName);
    for (let i = 0; i < 6; i++) {
      const stuck = await onboardings.createOnboarding(lee, {
        appDisplayName: `stuck-${i}`,
        secretExpiryMonths: 12,
      });
      await engine.queueSteps(lee, stuck.id, "billing-account");
      await engine.queueSteps(lee, stuck.id, "role-assignment");
      await engine.advance(lee, stuck.id);
    }
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "remaining");
    await runUntil(async () => (await status(id)) === "completed");
  });

  it("waits for a person whose sign-in lapsed, and continues once they sign in again", async () => {
    const tenant = await control(portal.current.emu).seed({ preset: "contoso", settings: { delays } });
    const upn = tenant.users.admin!.userPrincipalName;
    const actor = await portal.current.signIn(upn);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "remaining");
    await broker.forgetAccount(actor.homeAccountId);
    await runUntil(async () => {
      const step = await db.db.onboardingStep.findUniqueOrThrow({
        where: { onboardingId_stepId: { onboardingId: id, stepId: "app-registration" } },
      });
      return step.status === "waiting" && JSON.stringify(step.error).includes("to sign in again to continue");
    });
    const step1 = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "app-registration" } },
    });
    expect((step1.error as { message: string }).message).toContain(`Waiting for ${actor.name}`);
    expect(await status(id)).toBe("in_progress");

    // Signing in again brings the waiting steps forward (their next attempt was a minute away).
    await portal.current.signIn(upn);
    await runUntil(async () => (await status(id)) === "completed", 25_000);
  });
});
