import { AzureCallError } from "@/lib/azure/errors";
import type { StepContext } from "@/lib/onboardings/types";

/** Thrown inside a step when Azure is still catching up and this request's time is spent. */
export class StillWaiting extends Error {
  constructor(
    readonly reason: string,
    readonly retryInMs: number,
  ) {
    super(reason);
    this.name = "StillWaiting";
  }
}

/** Polls 250 ms apart before the backoff starts: the first two seconds of a wait. */
const fastPolls = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `fn`, retrying while Azure reports eventual consistency (a new object not yet replicated) or a
 * transient failure, with backoff, until the request's deadline; then throws StillWaiting so the
 * engine records "waiting for Azure" and a later request continues.
 */
export async function whileAzureCatchesUp<T>(
  ctx: Pick<StepContext, "deadline">,
  reason: string,
  fn: () => Promise<T>,
  isRetryable: (error: AzureCallError) => boolean = (error) =>
    error.kind === "consistency" || error.kind === "transient",
): Promise<T> {
  // Azure's replication usually settles within a second or two: polling often at first notices it
  // close to the moment it does (npm run bench measures the gap to the critical path); later polls
  // back off, so a wait of minutes costs a call every few seconds.
  // The polls keep their cadence from one attempt's start to the next: the time an answer takes to come
  // back is part of the wait, not added to it (with 300 ms round trips, 250 ms apart would be 550).
  let delay = 250;
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof AzureCallError) || !isRetryable(error)) throw error;
      // A wait Azure asked for (throttling) is never shortened.
      const wait = Math.max(delay - (Date.now() - startedAt), error.retryAfterMs ?? 0, 0);
      if (Date.now() + wait > ctx.deadline)
        throw new StillWaiting(
          error.status === 429 ? `Azure asked us to slow down. ${reason}` : reason,
          Math.max(Math.min(Math.max(delay, 2000), 15_000), error.retryAfterMs ?? 0),
        );
      await sleep(wait);
      if (attempt >= fastPolls) delay = Math.min(delay * 2, 4000);
    }
  }
}

/**
 * How long after an object was created Azure's "not found" (or Graph's misleading 403 for a new app's
 * service principal) still reads as replication rather than a real problem. Microsoft states no
 * replication time; public reports speak of seconds to a few minutes.
 */
export const replicationPatienceMs = 10 * 60_000;

/** Whether an object created at `createdAt` (or, unknown, since `since`) may still be replicating. */
export function mayStillReplicate(createdAt: string | Date | null | undefined, since: Date): boolean {
  const from = createdAt ? new Date(createdAt).getTime() : since.getTime();
  return Number.isFinite(from) ? Date.now() - from < replicationPatienceMs : false;
}
