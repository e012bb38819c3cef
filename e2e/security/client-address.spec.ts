/**
 * Rate limits count the client's real address, as the launcher serves the portal (scripts/serve.ts in
 * front of Next). Real HTTP requests to the built portal from several source addresses of this machine
 * (all of 127.0.0.0/8 is loopback): with no proxy trusted (the default), a forged X-Forwarded-For
 * neither dodges the share-link limit nor spends another address's. How TRUSTED_PROXY_HOPS picks from
 * the header is lib/http/client-address.test.ts's.
 */
import { randomInt } from "node:crypto";
import http from "node:http";

import { portalPort } from "../../playwright.config";
import { expect, test } from "../fixtures/test";

/** lib/http/rate-limit.ts, limits["share-link"]: lookups per client per 10 minutes. */
const SHARE_LINK_POINTS = 60;

/** A fresh address of this machine per test, so runs and tests never share a count. */
function loopbackAddress() {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/** An address a client might claim to be (documentation ranges: nobody's). */
function claimedAddress() {
  return `203.0.113.${randomInt(1, 255)}`;
}

/** Opens an unknown share link (/s/<token>) and returns the status: 303 while allowed, 429 once over. */
function openLink(port: number, options: { from: string; forwardedFor?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port,
        path: `/s/${"x".repeat(43)}`,
        localAddress: options.from,
        agent: false,
        headers: {
          host: `localhost:${port}`,
          // The claim in X-Forwarded-For, and in the header the portal's server sets for itself.
          ...(options.forwardedFor
            ? { "x-forwarded-for": options.forwardedFor, "x-mca-client-address": options.forwardedFor }
            : {}),
        },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on("error", reject);
    request.end();
  });
}

test.describe("the portal, no proxy trusted", () => {
  test("a forged X-Forwarded-For neither dodges the limit nor spends another address's", async () => {
    const guesser = loopbackAddress();
    const victim = loopbackAddress();
    for (let i = 0; i < SHARE_LINK_POINTS; i++) {
      // A new claim each time, half of them the victim's address.
      const claim = i % 2 ? victim : claimedAddress();
      expect(await openLink(portalPort, { from: guesser, forwardedFor: claim }), `request ${i + 1}`).toBe(
        303,
      );
    }
    expect(await openLink(portalPort, { from: guesser, forwardedFor: claimedAddress() })).toBe(429);
    expect(await openLink(portalPort, { from: guesser })).toBe(429);
    expect(await openLink(portalPort, { from: victim })).toBe(303);
  });
});
