/**
 * The rate limiter's counts, kept in the database (rate-limiter-flexible's Prisma store on the
 * `rateLimit` table) so that every portal instance sees the same counts. lib/rate-limit.ts decides the
 * doors and their limits; this module only counts.
 */
import "server-only";

import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";

import { db } from "@/lib/db";

/** A counter's settings: its name (one per door) and how many points it allows in how many seconds. */
export type RateLimitCounter = { name: string; points: number; durationSec: number };

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterSec: number };

const stores = new Map<string, RateLimiterPrisma>();

function store(counter: RateLimitCounter): RateLimiterPrisma {
  let found = stores.get(counter.name);
  if (!found) {
    found = new RateLimiterPrisma({
      storeClient: db,
      tableName: "rateLimit",
      keyPrefix: counter.name,
      points: counter.points,
      duration: counter.durationSec,
    });
    stores.set(counter.name, found);
  }
  return found;
}

/** Counts one use by `key` on `counter`; `retryAfterSec` (at least 1) when the key is over its limit. */
export async function consumeRateLimit(counter: RateLimitCounter, key: string): Promise<RateLimitVerdict> {
  try {
    await store(counter).consume(key);
    return { ok: true };
  } catch (result) {
    if (result instanceof RateLimiterRes)
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) };
    throw result;
  }
}
