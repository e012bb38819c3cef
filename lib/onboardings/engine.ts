/**
 * The onboarding engine. A person queues steps (one step, or every remaining one with "Connect");
 * advance() then runs whatever is due, in dependency order, within a time budget, and leaves the rest
 * recorded in the database: "waiting" with a next attempt time, or "needs attention" with a message.
 * No state lives in memory, so any request on any instance (a page visit, the progress poller's
 * advance call, a server action) continues where the last one stopped.
 *
 * One runner per step: a runner takes the step's lease with a conditional update on its version, and
 * a lease that outlived its holder (a killed server) may be taken over once it expires.
 */
import "server-only";

import { delegatedClients } from "@/lib/azure/delegated-clients";
import { scrub } from "@/lib/azure/errors";
import { recordAudit } from "@/lib/data/audit";
import { integrationLifecycleOfOnboarding } from "@/lib/data/integration-operations";
import { LeaseLostError } from "@/lib/data/lease";
import {
  findOnboardingForActing,
  finishLeasedStep,
  hurryStep,
  listSteps,
  loadEarlyFields,
  loadOnboarding,
  queueStep,
  refreshOnboardingStatus,
  renewLease,
  saveOnboardingFieldsFenced,
  standingOfStepRunner,
  takeLease,
  type OnboardingRecord,
  type StandingLost,
  type StepRow,
  type StepRunner,
} from "@/lib/data/steps";
import { getUserById } from "@/lib/data/users";
import { UserFacingError } from "@/lib/errors";
import { utcDateTime } from "@/lib/format";
import { classifyFailure } from "@/lib/jobs/failure-outcome";
import { runUnderLease } from "@/lib/jobs/leased-run";
import { log } from "@/lib/log";
import { stepCatalog, stepInfo, unmetNeeds, type EarlyField, type StepId } from "@/lib/onboardings/catalog";
import { lifecycleRefusal } from "@/lib/onboardings/lifecycle-guard";
import { stepModules } from "@/lib/onboardings/steps";
import type { Actor, StepContext, StepOutcome } from "@/lib/onboardings/types";

/** A step waits this long for the person it runs as to sign in again, then needs attention. */
const signInPatienceMs = 24 * 60 * 60_000;

/** What scheduling needs to know of a step. */
type StepTiming = Pick<StepRow, "stepId" | "status" | "nextAttemptAt" | "leaseExpiresAt">;

/** Who acts, and through what: the owner, or a colleague's act share link (checked again here). */
export type ActOptions = { shareLinkId?: string };

export class EngineError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "EngineError";
  }
}

async function loadForActor(actor: Actor, onboardingId: string, options: ActOptions) {
  return findOnboardingForActing(actor, onboardingId, options.shareLinkId);
}

/**
 * Queues steps to run: "remaining" for Connect (every step not done), or one step (a redo when done).
 * A step that is running keeps running; its lease decides. The person who queues a step is the one it
 * runs as: their delegated token, their name in the audit.
 */
export async function queueSteps(
  actor: Actor,
  onboardingId: string,
  which: StepId | "remaining",
  options: ActOptions & { checkOnly?: boolean } = {},
): Promise<void> {
  await loadForActor(actor, onboardingId, options);
  const runner: StepRunner = { actorId: actor.id, shareLinkId: options.shareLinkId };
  const steps = await listSteps(onboardingId);
  const now = new Date();
  const isWanted = (step: StepRow) =>
    which === "remaining" ? step.status !== "done" : step.stepId === which;
  const refusal = await lifecycleRefusal(
    onboardingId,
    steps.filter(isWanted).map((s) => s.stepId as StepId),
  );
  if (refusal) throw new EngineError(refusal);
  for (const step of steps) {
    const wanted = isWanted(step);
    if (!wanted || (step.status === "running" && step.leaseExpiresAt && step.leaseExpiresAt > now)) continue;
    if (step.status === "waiting") {
      // Already queued: it now runs as this person (through their link, if any), and its next attempt is now.
      await hurryStep(step, runner, { now: true });
      continue;
    }
    const redo = step.status === "done";
    const kept = { ...((step.outputs ?? {}) as Record<string, unknown>) };
    delete kept.redoRequested;
    delete kept.checkOnly;
    await queueStep(step, runner, {
      ...kept,
      ...(redo ? { redoRequested: true } : {}),
      ...(options.checkOnly ? { checkOnly: true } : {}),
    });
  }
  await refreshStatus(onboardingId);
}

/** Early results a waiting step may start on (step-catalog `startsOnceSaved`): fields of the onboarding. */
export type EarlyResults = Partial<Record<EarlyField, string | null>>;

function dependenciesDone(stepId: StepId, steps: StepTiming[], saved: EarlyResults = {}) {
  const statusOf = (id: StepId) => steps.find((s) => s.stepId === id)?.status;
  return unmetNeeds(stepInfo(stepId), statusOf, saved).length === 0;
}

/** Steps that may run now: queued and due, or running under a lease nobody renewed. */
export function dueSteps<T extends StepTiming>(steps: T[], now = new Date(), saved: EarlyResults = {}): T[] {
  return steps.filter((step) => {
    const id = step.stepId as StepId;
    if (!dependenciesDone(id, steps, saved)) return false;
    if (step.status === "waiting") return !step.nextAttemptAt || step.nextAttemptAt <= now;
    if (step.status === "running") return !step.leaseExpiresAt || step.leaseExpiresAt <= now;
    return false;
  });
}

/** The next moment something becomes due, for the poller (null when nothing is queued). */
export function nextDueAt(steps: StepTiming[], saved: EarlyResults = {}): Date | null {
  const times = steps
    .filter(
      (s) =>
        (s.status === "waiting" && dependenciesDone(s.stepId as StepId, steps, saved)) ||
        s.status === "running",
    )
    .map((s) => (s.status === "running" ? s.leaseExpiresAt : s.nextAttemptAt) ?? new Date());
  return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : null;
}

/** The fields any step may start early on. */
const earlyFields = [
  ...new Set(stepCatalog.flatMap((info) => (info.startsOnceSaved ? [info.startsOnceSaved.field] : []))),
];

/** Whether a step waits on another's early result, so the onboarding's fields are worth reading. */
function waitsForEarlyResult(steps: StepTiming[]) {
  return steps.some((s) => {
    const early = stepInfo(s.stepId as StepId).startsOnceSaved;
    return early && s.status === "waiting" && steps.find((d) => d.stepId === early.step)?.status !== "done";
  });
}

async function earlyResults(onboardingId: string, steps: StepTiming[]): Promise<EarlyResults> {
  if (!waitsForEarlyResult(steps)) return {};
  return loadEarlyFields(onboardingId, earlyFields);
}

/**
 * Runs due steps as they become due until none is, or the budget is spent: a step starts the moment
 * its dependencies are done (or the early result it needs is saved), not when a round of steps ends,
 * so steps without a dependency between them (1 and 3, or 2 once step 1 made the app) run side by
 * side. `actorFor` names who a step runs as and through which link (null: nobody may, skip it).
 */
async function runDue(
  onboardingId: string,
  deadline: number,
  actorFor: (step: StepRow) => Promise<StepActor | null>,
): Promise<void> {
  const running = new Map<string, Promise<void>>();
  let wake: () => void = () => {};
  let woken = false;
  const notify = () => {
    woken = true;
    wake();
  };
  const skipped = new Set<string>();
  const failures: unknown[] = [];
  let timer: NodeJS.Timeout | undefined;
  for (let starts = 0; starts < 40;) {
    woken = false;
    const steps = await listSteps(onboardingId);
    const saved = await earlyResults(onboardingId, steps);
    const due =
      Date.now() < deadline
        ? dueSteps(steps, new Date(), saved).filter((s) => !running.has(s.stepId) && !skipped.has(s.stepId))
        : [];
    for (const step of due) {
      const runner = await actorFor(step);
      if (!runner) {
        skipped.add(step.stepId);
        continue;
      }
      starts++;
      const run = runStep(runner, onboardingId, step, deadline, notify)
        .catch((error: unknown) => {
          failures.push(error);
        })
        .finally(() => {
          running.delete(step.stepId);
          notify();
        });
      running.set(step.stepId, run);
    }
    if (running.size === 0) break;
    // While others run, a step that waits for a moment before the deadline starts at that moment.
    clearTimeout(timer);
    const next = Math.min(
      ...steps
        .filter(
          (s) =>
            s.status === "waiting" &&
            !running.has(s.stepId) &&
            dependenciesDone(s.stepId as StepId, steps, saved),
        )
        .map((s) => s.nextAttemptAt?.getTime() ?? 0),
    );
    if (next > Date.now() && next < deadline) timer = setTimeout(notify, next - Date.now());
    if (!woken) await new Promise<void>((resolve) => (wake = resolve));
    wake = () => {};
  }
  clearTimeout(timer);
  await Promise.all(running.values());
  // A failure of a run (not a step's outcome: those are recorded) surfaces once all have ended.
  if (failures.length > 0) throw failures[0];
}

/** Runs every due step until none is due or the budget is spent. */
export async function advance(
  actor: Actor,
  onboardingId: string,
  options: ActOptions & { budgetMs?: number } = {},
): Promise<void> {
  await loadForActor(actor, onboardingId, options);
  const deadline = Date.now() + (options.budgetMs ?? 8_000);
  await runDue(onboardingId, deadline, (step) => stepActor(step, actor, options));
  await refreshStatus(onboardingId);
}

/**
 * Runs an onboarding's due steps with nobody on the page: the background runner's entry. Each step
 * runs as the person who queued it (their cached delegated token), under the same leases as a page's
 * request, so two instances, or an instance and a page, never run one step twice.
 */
export async function advanceUnattended(onboardingId: string, options: { budgetMs?: number } = {}) {
  const deadline = Date.now() + (options.budgetMs ?? 8_000);
  await runDue(onboardingId, deadline, async (step) => {
    const actor = step.actorId ? await getUserById(step.actorId) : null;
    return actor ? { actor, shareLinkId: step.shareLinkId } : null;
  });
  await refreshStatus(onboardingId);
}

/** Who a step runs as, and the act link that lets them (null for the owner). */
type StepActor = { actor: Actor; shareLinkId: string | null };

/**
 * The person a step runs as: whoever queued it (through the link they queued it with), else whoever
 * asked to advance (through theirs). Whether they still may act is checked when the lease is taken.
 */
async function stepActor(step: StepRow, requester: Actor, options: ActOptions): Promise<StepActor> {
  const asRequester = { actor: requester, shareLinkId: options.shareLinkId ?? null };
  if (!step.actorId) return asRequester;
  if (step.actorId === requester.id) return { actor: requester, shareLinkId: step.shareLinkId };
  const queuedBy = await getUserById(step.actorId);
  return queuedBy ? { actor: queuedBy, shareLinkId: step.shareLinkId } : asRequester;
}

/**
 * One run of one step, fenced by its own lease token: every save and the finish are conditional on
 * still holding it, and a timer renews it while the run lives (a slow Azure call does not lose it), so
 * a takeover happens only when this runner is gone, and then nothing this runner does afterwards lands.
 */
async function runStep(
  runner: StepActor,
  onboardingId: string,
  step: StepRow,
  deadline: number,
  onEarlyResult: () => void = () => {},
): Promise<void> {
  const stepId = step.stepId as StepId;
  const now = new Date();
  await runUnderLease({
    deadline,
    take: async (token, expiresAt) => ((await takeLease(step, token, expiresAt)) ? step : null),
    renew: (token, expiresAt) => renewLease(onboardingId, stepId, token, expiresAt),
    run: (held, token) => runLeased(runner, onboardingId, held, deadline, token, now, onEarlyResult),
    onLost: () =>
      log.warn({ onboardingId, stepId }, "step lease was taken over; this run's results were dropped"),
  });
}

async function runLeased(
  runner: StepActor,
  onboardingId: string,
  step: StepRow,
  deadline: number,
  leaseToken: string,
  now: Date,
  onEarlyResult: () => void,
): Promise<void> {
  const stepId = step.stepId as StepId;
  const { actor } = runner;

  let onboarding = await loadOnboarding(onboardingId);
  if (onboarding.tenantId !== actor.tenantId) {
    await finishStep(onboardingId, stepId, leaseToken, {
      status: "needs_attention",
      error: {
        kind: "sign-in",
        message:
          "This step was asked for by an account of another tenant. Sign in with an account of the onboarding's tenant and run it again.",
      },
    });
    return;
  }
  // Checked now, with the lease held and before any call to Azure: a disconnect stops the step for
  // good, and a person whose act link ended since they queued it no longer acts through it.
  const stopped = await whyStepMayNotRun(onboarding, runner);
  if (stopped) {
    if (!(await finishStep(onboardingId, stepId, leaseToken, stopped))) throw new LeaseLostError();
    return;
  }
  const azure = delegatedClients(actor, onboarding.tenantId, deadline);
  const flags = (step.outputs ?? {}) as { redoRequested?: boolean; checkOnly?: boolean };
  const redo = Boolean(flags.redoRequested);
  const ctx: StepContext = {
    stepId,
    get onboarding() {
      return onboarding;
    },
    set onboarding(value) {
      onboarding = value;
    },
    actor,
    redo,
    checkOnly: Boolean(flags.checkOnly),
    deadline,
    firstAttemptAt: step.startedAt ?? now,
    leaseToken,
    graph: azure.graph,
    arm: azure.arm,
    outputsOf: async (id) =>
      ((await listSteps(onboardingId)).find((s) => s.stepId === id)?.outputs ?? {}) as Record<
        string,
        unknown
      >,
    save: async (fields) => {
      onboarding = await saveOnboardingFieldsFenced(onboardingId, stepId, leaseToken, fields);
      // Another step may start on this (the secret on the app's object id): look again now.
      if (earlyFields.some((field) => field in fields && fields[field])) onEarlyResult();
    },
    audit: (event) => recordAudit(onboardingId, actor, event),
  };

  let outcome: StepOutcome;
  try {
    outcome = await stepModules[stepId].run(ctx);
  } catch (error) {
    if (error instanceof LeaseLostError) throw error;
    outcome = outcomeFromError(error, step.attempts + 1, actor, step.startedAt ?? now);
  }
  if (!(await finishStep(onboardingId, stepId, leaseToken, outcome))) throw new LeaseLostError();
  if (redo && outcome.status === "done") await requeueDependents(runner, onboardingId, stepId);
}

/** What ended the standing of the person a step runs as, in a sentence that says who can go on. */
function standingMessage(lost: StandingLost, actor: Actor): string {
  const who = actor.name ?? actor.email ?? "A colleague";
  switch (lost.reason) {
    case "revoked":
      return `The share link this step was started through was revoked on ${utcDateTime(lost.at)}; the owner can run it.`;
    case "expired":
      return `The share link this step was started through expired on ${utcDateTime(lost.at)}; the owner can run it.`;
    default:
      return `${who} started this step but may no longer act on this onboarding; the owner can run it.`;
  }
}

/**
 * Why a step that holds its lease must not run now: its onboarding was disconnected (or is being
 * disconnected), so it is cancelled; or its person lost the right to act, so it waits for the owner.
 */
async function whyStepMayNotRun(
  onboarding: OnboardingRecord,
  runner: StepActor,
): Promise<StepOutcome | null> {
  const lifecycle = await integrationLifecycleOfOnboarding(onboarding.id);
  if (lifecycle?.disconnected || lifecycle?.open?.kind === "disconnect")
    return {
      status: "cancelled",
      message:
        "Cancelled: this connection was disconnected, so its steps no longer run. Start a new onboarding to connect the billing account again.",
    };
  const lost = await standingOfStepRunner(onboarding, runner.actor, runner.shareLinkId);
  if (!lost) return null;
  return {
    status: "needs_attention",
    error: {
      kind: "permission",
      message: standingMessage(lost, runner.actor),
      action:
        "Nothing was done in Azure as them. The owner can run this step with the button below, or share a new link with someone who can.",
      resolution: "owner-must-run",
      awaitingOwner: true,
    },
  };
}

/** What a person can do about a step that failed, by the failure's kind. */
const actionsByKind: Record<string, string> = {
  "sign-in": "Sign in again, then run the step again.",
  permission:
    "Your account lacks the rights for this step: ask an administrator, or share the onboarding with someone who has them.",
  consistency: "Azure is still catching up; run the step again in a minute.",
  transient: "Azure had a temporary problem; run the step again.",
  input: "Check the values above and run the step again.",
  policy: "A tenant policy refused this; ask an administrator, or change the setting and run the step again.",
  fatal: "Run the step again; if it keeps failing, check the audit log below for Azure's request id.",
};

/**
 * A failed run's outcome. The runner acts with the delegated sign-in of whoever queued the step; when
 * it has lapsed the step waits for that person (a day at most) instead of failing.
 */
function outcomeFromError(error: unknown, attempts: number, actor: Actor, waitingSince: Date): StepOutcome {
  return classifyFailure(error, {
    attempts,
    signInWait: `Waiting for ${actor.name ?? actor.email ?? "the person who started this step"} to sign in again to continue: their Microsoft sign-in has expired or lacks a permission this step needs.`,
    signInPatience: { since: waitingSince, ms: signInPatienceMs },
    actionFor: (safe) => actionsByKind[safe.kind],
    unexpectedLog: "step failed unexpectedly",
  });
}

/** Records the run's outcome (scrubbed) and releases the lease; false when the lease was taken over. */
function finishStep(onboardingId: string, stepId: StepId, leaseToken: string, result: StepOutcome) {
  return finishLeasedStep(onboardingId, stepId, leaseToken, scrubbed(result));
}

/**
 * A redone step changes what the steps after it proved (a new secret must be verified again): those
 * that were done run again, as the person who asked for the redo (through the same link).
 */
async function requeueDependents(runner: StepActor, onboardingId: string, stepId: StepId) {
  const steps = await listSteps(onboardingId);
  for (const step of steps) {
    if (step.status !== "done" || !stepInfo(step.stepId as StepId).needs.includes(stepId)) continue;
    await queueStep(
      step,
      { actorId: runner.actor.id, shareLinkId: runner.shareLinkId },
      {
        ...((step.outputs ?? {}) as Record<string, unknown>),
        redoRequested: true,
      },
    );
  }
}

/** Messages come partly from Azure: nothing token- or secret-shaped is stored with them. */
function scrubbed(outcome: StepOutcome): StepOutcome {
  if (outcome.status === "waiting") return { ...outcome, message: scrub(outcome.message) };
  if (outcome.status === "needs_attention")
    return {
      ...outcome,
      error: {
        ...outcome.error,
        message: scrub(outcome.error.message),
        ...(outcome.error.action ? { action: scrub(outcome.error.action) } : {}),
        ...(outcome.error.azureMessage ? { azureMessage: scrub(outcome.error.azureMessage) } : {}),
      },
    };
  return outcome;
}

/** The onboarding's overall status follows its steps. */
export async function refreshStatus(onboardingId: string) {
  await refreshOnboardingStatus(onboardingId, (steps) =>
    steps.length === stepCatalog.length && steps.every((s) => s.status === "done")
      ? "completed"
      : steps.some((s) => s.status === "needs_attention")
        ? "needs_attention"
        : "in_progress",
  );
}
