/**
 * What a job does when its work against Azure fails: wait (Azure is catching up, asked us to slow
 * down, or the person it runs as must sign in again) or stop and ask a person. One classification for
 * the step engine and the integration operations; their real differences are options.
 */
import "server-only";

import { AzureCallError, toSafeError, type SafeError } from "@/lib/azure/errors";
import { log } from "@/lib/log";
import { StillWaiting } from "@/lib/onboardings/retry";

const signInRetryMs = 60_000;
const maxTransientAttempts = 8;

export type FailureOutcome =
  | { status: "waiting"; message: string; retryInMs: number; awaitingSignIn?: true }
  | { status: "needs_attention"; error: SafeError & { action?: string } };

export type FailureOptions = {
  /** Attempts made so far: a transient failure waits while they are fewer than 8, with a growing backoff. */
  attempts: number;
  /** What the person it runs as reads while it waits for them to sign in again. */
  signInWait: string;
  /**
   * How long a lapsed sign-in is waited for, counted from `since` (none: for as long as it takes).
   * Past it, the failure needs a person like any other.
   */
  signInPatience?: { since: Date; ms: number };
  /** What a person can do about a failure that needs them, by its kind (undefined: no advice). */
  actionFor(error: SafeError): string | undefined;
  /** The log line for a failure that is not Azure's (a bug of ours): logged by its safe shape only. */
  unexpectedLog: string;
};

export function classifyFailure(error: unknown, options: FailureOptions): FailureOutcome {
  if (error instanceof StillWaiting) {
    return { status: "waiting", message: error.reason, retryInMs: error.retryInMs };
  }
  const safe = error instanceof AzureCallError ? error.toJSON() : toSafeError(error);
  if (!(error instanceof AzureCallError)) log.error({ err: safe }, options.unexpectedLog);
  // A job acts with the delegated sign-in of whoever started it; when it has lapsed the job waits for
  // that person instead of failing: signing in again lets it continue.
  const patience = options.signInPatience;
  if (safe.kind === "sign-in" && (!patience || Date.now() - patience.since.getTime() < patience.ms)) {
    return { status: "waiting", message: options.signInWait, retryInMs: signInRetryMs, awaitingSignIn: true };
  }
  if (safe.kind === "transient" && options.attempts < maxTransientAttempts) {
    return {
      status: "waiting",
      message:
        safe.status === 429
          ? "Azure asked us to slow down; trying again when it said to."
          : "Azure had a temporary problem; trying again shortly.",
      // Never sooner than Azure asked (throttling).
      retryInMs: Math.max(Math.min(2000 * 2 ** options.attempts, 30_000), safe.retryAfterMs ?? 0),
    };
  }
  return { status: "needs_attention", error: { ...safe, action: options.actionFor(safe) } };
}
