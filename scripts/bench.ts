/**
 * `npm run bench`: how long one automated onboarding takes and how many Azure calls it makes, through
 * the portal's real code (MSAL broker, Graph and ARM clients, engine, embedded database) against the
 * Azure emulator, driven the way the checklist's poller drives it. Prints figures; asserts nothing.
 *
 *   npm run bench                 test and demo delay profiles, 3 onboardings each
 *   npm run bench -- --real       also the "real" profile (replication in minutes; takes ~10 minutes)
 *   npm run bench -- --runs 5
 */
import { parseArgs } from "node:util";

import { control } from "@/emulator/test/helpers";
import { startPortalHarness } from "@/scripts/test-support/portal-harness";

const { values: args } = parseArgs({
  options: { real: { type: "boolean", default: false }, runs: { type: "string", default: "3" } },
});

async function main() {
  const harness = await startPortalHarness();
  const emu = harness.emu;
  const engine = await import("@/lib/onboarding/engine");
  const onboardings = await import("@/lib/data/onboardings");
  const { db, closeDb } = await import("@/lib/db");

  const profiles: ("test" | "demo" | "real")[] = ["test", "demo", ...(args.real ? (["real"] as const) : [])];
  const runs = Number(args.runs);
  console.log(
    `One automated onboarding, sign-in to Connected, ${runs} runs per delay profile (emulator at ${emu.baseUrl})\n`,
  );
  for (const profile of profiles) {
    const times: number[] = [];
    const advanceCalls: number[] = [];
    let counts: Record<string, number> = {};
    for (let run = 0; run < runs; run++) {
      const tenant = await control(emu).seed({
        preset: "contoso",
        settings: { delayProfile: profile, lro: { probability: 0 } },
      });
      const actor = await harness.signIn(tenant.users.admin!.userPrincipalName);

      const { id } = await onboardings.createOnboarding(actor, {
        appDisplayName: "vantage",
        secretExpiryMonths: 12,
      });
      const started = performance.now();
      await engine.queueSteps(actor, id, "remaining");
      let calls = 0;
      for (;;) {
        calls++;
        await engine.advance(actor, id, { budgetMs: calls === 1 ? 6_000 : 8_000 });
        const steps = await db.onboardingStep.findMany({ where: { onboardingId: id } });
        const next = engine.nextDueAt(steps);
        if (!next) break;
        // The page's poller checks every 1.5 s and advances once a step is due.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next.getTime() - Date.now()) + 750));
      }
      const view = await onboardings.getOnboardingOrThrow(actor, id);
      if (view.status !== "completed")
        throw new Error(
          `run ${run} ended ${view.status}: ${JSON.stringify(view.steps.map((s) => [s.stepId, s.status, s.error]))}`,
        );
      times.push((performance.now() - started) / 1000);
      advanceCalls.push(calls);
      const state = (await control(emu).get(`/tenants/${tenant.tenantId}/state`)).body as {
        requestCounts: Record<string, number>;
      };
      counts = Object.fromEntries(
        Object.entries(state.requestCounts).filter(
          ([route]) => !route.startsWith("entra") || route.includes("token"),
        ),
      );
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(
      `profile ${profile}: median ${median.toFixed(1)} s (min ${times[0]!.toFixed(1)}, max ${times.at(-1)!.toFixed(1)}), requests from the page (advance calls) ${advanceCalls.join("/")}`,
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`  Azure requests in the last run: ${total}`);
    for (const [route, count] of Object.entries(counts).sort())
      console.log(`    ${String(count).padStart(3)}  ${route}`);
    console.log();
  }
  await closeDb();
  await emu.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
