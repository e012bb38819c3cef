/**
 * The checklist's look at the progress waits at the server for a change: a step's end shows the moment
 * it happens (not at the poller's next look), and a quiet onboarding costs one request every few seconds.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { control } from "@/emulator/test/helpers";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let progress: typeof import("@/lib/onboardings/progress");
let onboardings: typeof import("@/lib/data/onboardings");
let signal: typeof import("@/lib/onboardings/progress-signal");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  progress = await import("@/lib/onboardings/progress");
  onboardings = await import("@/lib/data/onboardings");
  signal = await import("@/lib/onboardings/progress-signal");
}, 120_000);

async function started() {
  const tenant = await control(portal.current.emu).seed({ preset: "contoso" });
  const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
  const { id } = await onboardings.createOnboarding(actor, {
    appDisplayName: "vantage",
    secretExpiryMonths: 12,
  });
  return { tenant, actor, id };
}

describe("progress after what the poller saw", () => {
  it("answers at once when the progress already differs, or when nothing moves", async () => {
    const { actor, id } = await started();
    const idle = (await progress.progressSnapshot(actor, id))!;
    expect(idle.active).toBe(false);
    const t0 = Date.now();
    const quiet = await progress.progressAfter(actor, id, { fingerprint: idle.fingerprint, due: idle.due });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(quiet.waitedMs).toBe(0);

    await engine.queueSteps(actor, id, "remaining");
    const queued = await progress.progressAfter(actor, id, { fingerprint: idle.fingerprint, due: false });
    expect(queued.snapshot!.fingerprint).not.toBe(idle.fingerprint);
    expect(queued.snapshot!.due).toBe(true);
    expect(queued.waitedMs).toBe(0);
  });

  it("waits while a step runs and answers the moment it ends, with the time it idled", async () => {
    const { tenant, actor, id } = await started();
    // Creating the app takes 3 s in Azure: step 1, alone, runs that long.
    const fault = await control(portal.current.emu).post("/faults", {
      method: "PATCH",
      path: "/applications",
      tenantId: tenant.tenantId,
      latencyMs: 3_000,
      count: 1,
    });
    expect(fault.status).toBeLessThan(300);
    await engine.queueSteps(actor, id, "app-registration");
    const run = engine.advance(actor, id, { budgetMs: 1_500 });
    let running = (await progress.progressSnapshot(actor, id))!;
    for (let i = 0; i < 50 && !running.steps.some((s) => s.status === "running"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      running = (await progress.progressSnapshot(actor, id))!;
    }
    expect(running.steps.find((s) => s.id === "app-registration")?.status).toBe("running");

    // The step's own write wakes a waiting look (in this process; other instances are re-read).
    const woke = signal.progressSignalled(id, 20_000);
    const t0 = Date.now();
    const answer = await progress.progressAfter(actor, id, {
      fingerprint: running.fingerprint,
      due: running.due,
    });
    const answeredAfter = Date.now() - t0;
    expect(await woke).toBe(true);
    await run;
    // It answered because something moved, not because its time was up.
    expect(answer.snapshot!.fingerprint).not.toBe(running.fingerprint);
    expect(answeredAfter).toBeLessThan(progress.progressWaitMs);
    expect(answer.waitedMs).toBeGreaterThan(500);
  });
});
