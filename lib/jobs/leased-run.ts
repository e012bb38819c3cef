/**
 * The exactly-once core of every job that works on a row (or a batch of rows) at a time: a step (so the
 * engine), an integration operation (rotation, disconnect), a Vantage delivery, a health check, a
 * reminder mail, a round of webhook deliveries. A run takes the lease, renews it while it lives, and
 * saves only while it holds it.
 * A lease that outlived its holder (a killed server) is taken over once it expires, and then nothing
 * the old holder does afterwards lands: each fenced save throws LeaseLostError, which ends the run.
 */
import "server-only";

import { LeaseLostError, newLeaseOwner } from "@/lib/data/lease";

/** A live run renews its lease this often, each time to now + its slack. */
export const leaseRenewEveryMs = 10_000;
/** How far a lease reaches beyond the run's deadline (and beyond each renewal): a slow save still lands. */
export const defaultLeaseSlackMs = 30_000;

export type LeasedRun<T> = {
  /** Epoch ms after which the run stops starting work; the lease reaches `slackMs` beyond it. */
  deadline: number;
  slackMs?: number;
  /** Takes the lease for `token` until `expiresAt`: what the run works on, or null when it is not ours. */
  take(token: string, expiresAt: Date): Promise<T | null>;
  /** Extends the lease `token` still holds; false when it was taken over. */
  renew(token: string, expiresAt: Date): Promise<boolean>;
  /** The work, every save fenced by `token` (LeaseLostError once it is lost). */
  run(held: T, token: string): Promise<void>;
  /** Called once the run is over, when the lease was taken over meanwhile (its results were dropped). */
  onLost(): void;
};

/**
 * Runs `job.run` under a freshly taken lease, renewing it every 10 s. Returns false when the lease was
 * not taken (someone else holds it, or the row is not due), true when this call ran. A LeaseLostError
 * ends the run quietly (it is reported through onLost); any other failure is thrown after the renewal
 * stops.
 */
export async function runUnderLease<T>(job: LeasedRun<T>): Promise<boolean> {
  const slackMs = job.slackMs ?? defaultLeaseSlackMs;
  const token = newLeaseOwner();
  const held = await job.take(token, new Date(job.deadline + slackMs));
  if (held === null) return false;
  let leaseLost = false;
  const renewal = setInterval(() => {
    job
      .renew(token, new Date(Date.now() + slackMs))
      .then((stillHeld) => {
        if (!stillHeld) leaseLost = true;
      })
      .catch(() => {});
  }, leaseRenewEveryMs);
  renewal.unref();
  try {
    await job.run(held, token);
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    leaseLost = true;
  } finally {
    clearInterval(renewal);
  }
  if (leaseLost) job.onLost();
  return true;
}
