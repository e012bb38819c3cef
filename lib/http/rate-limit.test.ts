/**
 * The brakes hold: a client that opens too many share links (or sign-in callbacks) is refused with 429
 * and Retry-After, another client is not, and two portal instances share one count.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

vi.mock("next/headers", () => ({ cookies: async () => ({ set: () => undefined, get: () => undefined }) }));
vi.mock("@/lib/auth", () => ({ getCurrentUser: async () => null }));

let harness: Harness;
let rateLimit: typeof import("@/lib/http/rate-limit");
let shareRoute: typeof import("@/app/s/[token]/route");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  harness = await startPortalHarness();
  rateLimit = await import("@/lib/http/rate-limit");
  shareRoute = await import("@/app/s/[token]/route");
  db = await import("@/lib/db");
}, 120_000);

afterAll(async () => {
  await db?.closeDb();
  await harness?.emu.close();
});

/**
 * A request as the portal's server hands it on: stamped with the client's address (scripts/serve.ts,
 * lib/client-address.test.ts), the client's own X-Forwarded-For left as it wrote it.
 */
function open(client: string, forwardedFor?: string, token = "x".repeat(43)) {
  const headers: Record<string, string> = { [CLIENT_ADDRESS_HEADER]: client };
  if (forwardedFor) headers["x-forwarded-for"] = forwardedFor;
  const request = new Request(`http://localhost:3000/s/${token}`, { headers });
  return shareRoute.GET(request, { params: Promise.resolve({ token }) });
}

describe("rate limits", () => {
  it("refuses a client guessing share-link tokens once over its limit, and only that client", async () => {
    const { points } = rateLimit.limits["share-link"];
    for (let i = 0; i < points; i++) {
      const response = await open("203.0.113.7");
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toContain("/link-unavailable?reason=unknown");
    }
    const refused = await open("203.0.113.7");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(await refused.text()).toMatch(/Too many attempts.*Wait \d+ minutes/);
    expect((await open("198.51.100.9")).status).toBe(303);
  });

  it("a forged X-Forwarded-For neither dodges the limit nor spends another client's", async () => {
    const { points } = rateLimit.limits["share-link"];
    const guesser = "203.0.113.70";
    const victim = "198.51.100.70";
    for (let i = 0; i < points; i++) {
      // A new claim each time, every other one the victim's address.
      const claim = i % 2 ? victim : `192.0.2.${i + 1}`;
      expect((await open(guesser, claim)).status, `request ${i + 1}`).toBe(303);
    }
    expect((await open(guesser, "192.0.2.200")).status).toBe(429);
    expect((await open(victim)).status).toBe(303);
  });

  it("counts in the database, so every portal instance shares the limit", async () => {
    const { RateLimiterPrisma } = await import("rate-limiter-flexible");
    const other = new RateLimiterPrisma({
      storeClient: db.db,
      tableName: "rateLimit",
      keyPrefix: "sign-in-callback",
      points: rateLimit.limits["sign-in-callback"].points,
      duration: rateLimit.limits["sign-in-callback"].durationSec,
    });
    const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: "192.0.2.44" });
    for (let i = 0; i < rateLimit.limits["sign-in-callback"].points; i++) await other.consume("192.0.2.44");
    expect(await rateLimit.consume("sign-in-callback", headers)).toMatchObject({ ok: false });
    const rows = await db.db.rateLimit.findMany({ where: { key: { startsWith: "sign-in-callback" } } });
    expect(rows.length).toBe(1);
  });
});
