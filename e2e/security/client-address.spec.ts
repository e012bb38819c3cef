/**
 * Rate limits count the client's real address: the socket's, or with TRUSTED_PROXY_HOPS=N the N-th
 * address from the right of X-Forwarded-For. Real HTTP requests to the built portal from several
 * source addresses of this machine (all of 127.0.0.0/8 is loopback): a forged X-Forwarded-For neither
 * dodges the share-link limit nor spends another address's. The run's portal trusts no proxy; a second
 * portal server, started here with TRUSTED_PROXY_HOPS=1 as the launcher starts one, sits behind a
 * pretend reverse proxy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomInt, randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

import { emulatorUrl, portalPort } from "../../playwright.config";
import { expect, test } from "../fixtures/test";

/** lib/rate-limit.ts, limits["share-link"]: lookups per client per 10 minutes. */
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
          ...(options.forwardedFor ? { "x-forwarded-for": options.forwardedFor } : {}),
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

test.describe("the run's portal, no proxy trusted", () => {
  test("a forged X-Forwarded-For neither dodges the limit nor spends another address's", async () => {
    const guesser = loopbackAddress();
    const victim = loopbackAddress();
    for (let i = 0; i < SHARE_LINK_POINTS; i++) {
      // A new claim each time, half of them the victim's address.
      const claim = i % 2 ? victim : claimedAddress();
      expect(await openLink(portalPort, { from: guesser, forwardedFor: claim }), `request ${i + 1}`).toBe(303);
    }
    expect(await openLink(portalPort, { from: guesser, forwardedFor: claimedAddress() })).toBe(429);
    expect(await openLink(portalPort, { from: guesser })).toBe(429);
    expect(await openLink(portalPort, { from: victim })).toBe(303);
  });
});

test.describe("a portal behind one trusted proxy (TRUSTED_PROXY_HOPS=1)", () => {
  // Its own ports, beside the run's (playwright.config.ts moves those by E2E_PORT_OFFSET).
  const port = portalPort + 50;
  const dataDir = path.resolve(__dirname, "../../.data/e2e-proxy-hops");
  let server: ChildProcess | undefined;
  let output = "";

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    fs.rmSync(dataDir, { recursive: true, force: true });
    const root = path.resolve(__dirname, "../..");
    server = spawn(
      path.join(root, "node_modules/.bin/tsx"),
      ["scripts/serve.ts", "--port", String(port), "--hostname", "127.0.0.1"],
      {
        cwd: root,
        env: {
          ...process.env,
          // A demo configuration pointed at the run's emulator (the limit needs no Azure call).
          AZURE_EMULATOR_URL: emulatorUrl,
          AZURE_AD_CLIENT_ID: randomUUID(),
          AZURE_AD_CLIENT_SECRET: "not-used-here",
          PUBLIC_BASE_URL: `http://localhost:${port}`,
          MCA_DATA_DIR: dataDir,
          DATABASE_URL: `pglite:${path.join(dataDir, "db")}`,
          NEXT_MANUAL_SIG_HANDLE: "1",
          LOG_LEVEL: "error",
          TRUSTED_PROXY_HOPS: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the portal server exited: ${output}`);
      const up = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`the portal server did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  });

  test.afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
  });

  test("the proxy's word counts, a client's own claims to its left do not", async () => {
    const proxy = loopbackAddress();
    const client = claimedAddress();
    let victim = claimedAddress();
    while (victim === client) victim = claimedAddress();
    for (let i = 0; i < SHARE_LINK_POINTS; i++) {
      // What the proxy forwards: whatever the client sent, then the address it saw.
      const forged = i % 2 ? victim : loopbackAddress();
      expect(
        await openLink(port, { from: proxy, forwardedFor: `${forged}, ${client}` }),
        `request ${i + 1}`,
      ).toBe(303);
    }
    expect(await openLink(port, { from: proxy, forwardedFor: `${claimedAddress()}, ${client}` })).toBe(429);
    expect(await openLink(port, { from: proxy, forwardedFor: client })).toBe(429);
    // Neither the victim the client named, nor everyone else behind the same proxy, is locked out.
    expect(await openLink(port, { from: proxy, forwardedFor: victim })).toBe(303);
    expect(await openLink(port, { from: proxy, forwardedFor: `${client}, ${loopbackAddress()}` })).toBe(303);
  });
});
