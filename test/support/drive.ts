/**
 * Drives an onboarding to rest the way the page's poller does: advance, and while a step is due later,
 * sleep until then (at most `pollMs`) and advance again. The portal's modules are imported lazily, so
 * this may be imported before a harness or `connectPortal` has set the environment. Used by the test
 * files, the onboarding driver and the crash test's child process.
 */
type Engine = typeof import("@/lib/onboardings/engine");
export type DriveActor = Parameters<Engine["advance"]>[0];

export type DriveOptions = {
  /** The engine's time budget for one advance. */
  budgetMs?: number;
  /** Give up (and return) once this long has passed, even if a step is still due (default 60 s). */
  limitMs?: number;
  /** Give up after this many advances. */
  rounds?: number;
  /** The longest sleep between two advances. */
  pollMs?: number;
  /** Advance as the holder of this share link. */
  shareLinkId?: string;
};

/** Advances until no step is due, or a limit is reached. */
export async function driveToRest(actor: DriveActor, onboardingId: string, options: DriveOptions = {}) {
  const { budgetMs = 4_000, limitMs = 60_000, rounds = Infinity, pollMs = 2_000, shareLinkId } = options;
  const engine = await import("@/lib/onboardings/engine");
  const { db } = await import("@/lib/db");
  const stop = Date.now() + limitMs;
  for (let round = 1; ; round++) {
    await engine.advance(actor, onboardingId, { budgetMs, shareLinkId });
    const next = engine.nextDueAt(await db.onboardingStep.findMany({ where: { onboardingId } }));
    if (!next || Date.now() > stop || round >= rounds) return;
    const wait = Math.max(0, Math.min(next.getTime() - Date.now(), pollMs)) + 20;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Drives the onboarding to rest, then reads it as `actor` sees it. */
export async function runToRest(actor: DriveActor, onboardingId: string, options: DriveOptions = {}) {
  await driveToRest(actor, onboardingId, options);
  const onboardings = await import("@/lib/data/onboardings");
  return onboardings.getOnboardingOrThrow(actor, onboardingId);
}
