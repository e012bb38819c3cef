/**
 * Brute-force brakes on the doors a stranger can knock on: share-link lookups (guessing tokens),
 * sign-in callbacks (replaying codes) and the cost platform's API (guessing keys). Counted per client
 * in the database (rate-limiter-flexible's Prisma store), so every portal instance sees the same counts.
 */
import "server-only";

import { consumeRateLimit, type RateLimitVerdict } from "@/lib/data/rate-limits";
import { clientAddressOf } from "@/lib/http/client-address";

type Door = "share-link" | "sign-in-callback" | "api" | "integration-check";

/** Per client: this many requests in this window, then refused until the window ends. */
export const limits: Record<Door, { points: number; durationSec: number }> = {
  "share-link": { points: 60, durationSec: 10 * 60 },
  "sign-in-callback": { points: 100, durationSec: 5 * 60 },
  // The cost platform reads a handful of integrations now and then; a guesser of keys needs millions.
  api: { points: 300, durationSec: 5 * 60 },
  // "Check now" per person and integration: each check is a Cost Management query, which Azure allows
  // an app only a few of a minute.
  "integration-check": { points: 3, durationSec: 5 * 60 },
};

function counter(door: Door) {
  return { name: door, ...limits[door] };
}

/**
 * The client: the address the portal's server took from the socket, or from X-Forwarded-For only as
 * far as TRUSTED_PROXY_HOPS trusts it (lib/client-address.ts). No header a client writes itself counts.
 */
export function clientKey(headers: Headers): string {
  return clientAddressOf(headers);
}

/** Counts one request; `retryAfterSec` when the client is over its limit. */
export async function consume(door: Door, headers: Headers): Promise<RateLimitVerdict> {
  return consumeRateLimit(counter(door), clientKey(headers));
}

/** Counts one use of `door` by `key` (a person and a thing, not a network); `retryAfterSec` when over. */
export async function consumeKey(door: Door, key: string): Promise<RateLimitVerdict> {
  return consumeRateLimit(counter(door), key);
}

/** The answer to a client over its limit: says how long to wait, in words and in Retry-After. */
export function tooManyRequests(retryAfterSec: number): Response {
  const minutes = Math.ceil(retryAfterSec / 60);
  const body = `Too many attempts from your network. Wait ${minutes === 1 ? "a minute" : `${minutes} minutes`} and open the link again.`;
  return new Response(body, {
    status: 429,
    headers: {
      "Retry-After": String(retryAfterSec),
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
    },
  });
}
