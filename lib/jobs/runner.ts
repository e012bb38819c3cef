/**
 * The background runner: inside every portal process, a loop that advances onboardings whose steps are
 * due, so progress needs no open tab (a person may close it right after Connect while the secret
 * activates). It holds no state: leases in the database decide who runs a step, so any number of
 * instances may run it side by side with the pages' own pollers.
 */
import "server-only";

import { listCandidateSteps } from "@/lib/data/steps";
import { backgroundJobs } from "@/lib/jobs/background";
import { log } from "@/lib/log";
import { advanceUnattended, dueSteps } from "@/lib/onboardings/engine";

const everyMs = 2_000;
/** Onboardings advanced at once by one instance; the rest wait for the next round. */
const batch = 4;
const budgetMs = 8_000;

const KEY = Symbol.for("mca-connect.background-runner");
const store = globalThis as typeof globalThis & { [KEY]?: { stop(): void } };

/** How many onboardings with queued steps one round looks at (most wait behind a step that failed). */
const candidates = 200;

/**
 * One round: advance the onboardings with a step that may run now (dependencies done), the longest
 * waiting first, at most `batch`. A queued step behind one that needs attention is not due, so it
 * never crowds out the others. Exported for tests.
 */
export async function runDueOnboardings(): Promise<number> {
  const now = new Date();
  const ids = (await listCandidateSteps(candidates))
    .map((o) => ({
      id: o.id,
      due: dueSteps(
        o.steps.filter((s) => s.actorId),
        now,
        { applicationObjectId: o.applicationObjectId },
      ),
    }))
    .filter((o) => o.due.length > 0)
    .sort((a, b) => earliest(a.due) - earliest(b.due))
    .slice(0, batch)
    .map((o) => o.id);
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

function earliest(steps: { nextAttemptAt: Date | null; leaseExpiresAt: Date | null }[]): number {
  return Math.min(...steps.map((s) => (s.nextAttemptAt ?? s.leaseExpiresAt ?? new Date(0)).getTime()));
}

const lastJobRun = new Map<string, number>();
const jobsInFlight = new Set<string>();

/**
 * Runs the periodic jobs (lib/jobs/background.ts) whose interval has passed and that are not still
 * running from an earlier round; one failing job does not keep the others from running. Exported for
 * tests.
 */
export async function runBackgroundJobs(now = new Date()): Promise<string[]> {
  const due = backgroundJobs.filter(
    (job) => !jobsInFlight.has(job.name) && now.getTime() - (lastJobRun.get(job.name) ?? 0) >= job.everyMs,
  );
  await Promise.all(
    due.map(async (job) => {
      jobsInFlight.add(job.name);
      try {
        await job.run(now);
      } catch (error) {
        log.error(
          { job: job.name, err: error instanceof Error ? error.message.slice(0, 200) : String(error) },
          "background job failed",
        );
      } finally {
        jobsInFlight.delete(job.name);
        lastJobRun.set(job.name, Date.now());
      }
    }),
  );
  return due.map((job) => job.name);
}

/** Starts the loop once per process; later calls are no-ops. */
export function startBackgroundRunner(): void {
  if (store[KEY]) return;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      // Jobs (webhook deliveries, health checks) may take longer than a round; they never hold up steps.
      void runBackgroundJobs();
      await runDueOnboardings();
    } catch (error) {
      log.error(
        { err: error instanceof Error ? error.message.slice(0, 200) : String(error) },
        "background runner round failed",
      );
    }
    if (!stopped) timer = setTimeout(() => void tick(), everyMs);
  };
  timer = setTimeout(() => void tick(), everyMs);
  store[KEY] = {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
  log.info({ everyMs }, "background runner started");
}
