/**
 * Whose address a request is counted under. Real HTTP requests from several source addresses of this
 * machine (all of 127.0.0.0/8 is loopback) to a listener that does what scripts/serve.ts does before
 * Next: a forged X-Forwarded-For, or a forged copy of the portal's own header, never names the client;
 * with TRUSTED_PROXY_HOPS=N only what the N proxies wrote does.
 */
import { randomInt } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CLIENT_ADDRESS_HEADER, clientAddress, stampClientAddress } from "@/lib/http/client-address";

const servers: http.Server[] = [];

/** A listener stamping requests as scripts/serve.ts does; it answers with the address it stamped. */
async function listen(trustedHops: number): Promise<number> {
  const server = http.createServer((request, response) => {
    stampClientAddress(request, trustedHops);
    response.end(String(request.headers[CLIENT_ADDRESS_HEADER]));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function seenAs(port: number, from: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: "127.0.0.1", port, path: "/", localAddress: from, agent: false, headers },
      (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve(body));
      },
    );
    request.on("error", reject);
    request.end();
  });
}

function loopbackAddress() {
  return `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

let direct: number;
let behindOne: number;

beforeAll(async () => {
  direct = await listen(0);
  behindOne = await listen(1);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("the client's address", () => {
  it("is the socket's when no proxy is trusted, whatever the client claims", async () => {
    const client = loopbackAddress();
    expect(await seenAs(direct, client)).toBe(client);
    expect(await seenAs(direct, client, { "x-forwarded-for": "198.51.100.7" })).toBe(client);
    expect(await seenAs(direct, client, { "x-forwarded-for": "10.0.0.1, 198.51.100.7" })).toBe(client);
    expect(await seenAs(direct, client, { [CLIENT_ADDRESS_HEADER]: "198.51.100.7" })).toBe(client);
    expect(await seenAs(direct, client, { "x-real-ip": "198.51.100.7" })).toBe(client);
  });

  it("behind one trusted proxy, is what that proxy appended, never what the client wrote before it", async () => {
    const proxy = loopbackAddress();
    expect(await seenAs(behindOne, proxy, { "x-forwarded-for": "203.0.113.5" })).toBe("203.0.113.5");
    expect(await seenAs(behindOne, proxy, { "x-forwarded-for": "198.51.100.7, 203.0.113.5" })).toBe(
      "203.0.113.5",
    );
    expect(
      await seenAs(behindOne, proxy, {
        "x-forwarded-for": "203.0.113.5",
        [CLIENT_ADDRESS_HEADER]: "198.51.100.7",
      }),
    ).toBe("203.0.113.5");
    // A request that came past the proxy, or a proxy that wrote nothing usable: the socket's.
    expect(await seenAs(behindOne, proxy)).toBe(proxy);
    expect(await seenAs(behindOne, proxy, { "x-forwarded-for": "not-an-address" })).toBe(proxy);
  });

  it("counts the right hop for longer chains and writes each address one way", () => {
    expect(clientAddress("10.0.0.2", "198.51.100.7, 203.0.113.5, 10.0.0.1", 2)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.2", "198.51.100.7, 203.0.113.5, 10.0.0.1", 3)).toBe("198.51.100.7");
    // Fewer entries than hops: the innermost trusted proxy's leftmost word, not the socket's.
    expect(clientAddress("10.0.0.2", "203.0.113.5", 3)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:203.0.113.5", undefined, 0)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.2", "[2001:DB8::1]:443", 1)).toBe("2001:db8::1");
    expect(clientAddress("10.0.0.2", "203.0.113.5:51234", 1)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.2", ["198.51.100.7", "203.0.113.5"], 1)).toBe("203.0.113.5");
    expect(clientAddress(undefined, undefined, 0)).toBe("unknown");
  });
});
