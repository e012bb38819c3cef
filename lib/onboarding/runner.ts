/**
 * The background runner: inside every portal process, a loop that advances onboardings whose steps are
 * due, so progress needs no open tab (a person may close it right after Connect while the secret
 * activates). It holds no state: leases in the database decide who runs a step, so any number of
 * instances may run it side by side with the pages' own pollers.
 */
import "server-only";

import { listOnboardingsWithDueSteps } from "@/lib/data/steps";
import { log } from "@/lib/log";
import { advanceUnattended } from "@/lib/onboarding/engine";

const everyMs = 2_000;
/** Onboardings advanced at once by one instance; the rest wait for the next round. */
const batch = 4;
const budgetMs = 8_000;

const KEY = Symbol.for("mca-connect.background-runner");
const store = globalThis as typeof globalThis & { [KEY]?: { stop(): void } };

/** One round: advance every onboarding with a due step (at most `batch`). Exported for tests. */
export async function runDueOnboardings(): Promise<number> {
  const ids = await listOnboardingsWithDueSteps(batch);
  await Promise.all(
    ids.map((id) =>
      advanceUnattended(id, { budgetMs }).catch((error: unknown) =>
        log.error(
          { onboardingId: id, err: error instanceof Error ? error.name : String(error) },
          "background advance failed",
        ),
      ),
    ),
  );
  return ids.length;
}

/** Starts the loop once per process; later calls are no-ops. */
export function startBackgroundRunner(): void {
  if (store[KEY]) return;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await runDueOnboardings();
    } catch (error) {
      log.error(
        { err: error instanceof Error ? error.message.slice(0, 200) : String(error) },
        "background runner round failed",
      );
    }
    if (!stopped) timer = setTimeout(tick, everyMs);
  };
  timer = setTimeout(tick, everyMs);
  store[KEY] = {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
  log.info({ everyMs }, "background runner started");
}
