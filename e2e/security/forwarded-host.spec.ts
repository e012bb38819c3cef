/**
 * The redirect to PUBLIC_BASE_URL's origin behind proxies. Several proxies in a row each append to
 * X-Forwarded-Host ("connect.example.com, lb.internal"); the host the person asked for is the first
 * entry. Real requests, following redirects as a client behind those proxies would (the proxies
 * forwarding the same header every time): the page is reached, never a redirect to itself forever.
 */
import http from "node:http";

import { portalPort, portalUrl } from "../../playwright.config";
import { expect, test } from "../fixtures/test";

type Hop = { status: number; location: string | undefined };

function get(url: string, headers: Record<string, string>): Promise<Hop> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        path: `${target.pathname}${target.search}`,
        agent: false,
        headers: { host: target.host, ...headers },
      },
      (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, location: response.headers.location });
      },
    );
    request.on("error", reject);
    request.end();
  });
}

/** Follows up to 5 redirects, sending `headers` (as the proxies would) with each request. */
async function follow(url: string, headers: Record<string, string>, hostOf = (u: URL) => u.host) {
  const hops: Hop[] = [];
  let next = url;
  for (let i = 0; i < 5; i++) {
    const target = new URL(next);
    const hop = await get(next, { host: hostOf(target), ...headers });
    hops.push(hop);
    if (hop.status < 300 || hop.status >= 400 || !hop.location) return hops;
    next = new URL(hop.location, next).toString();
  }
  return hops;
}

const canonical = `localhost:${portalPort}`;

test("a chain of proxies' X-Forwarded-Host reaches the page, on the host the person asked for", async () => {
  const hops = await follow(`${portalUrl}/sign-in`, {
    "x-forwarded-host": `${canonical}, lb.internal:8080, 10.0.0.7`,
  });
  expect(hops.map((h) => h.status)).toEqual([200]);
});

test("a proxy that rewrites Host and forwards the asked-for host is not redirected", async () => {
  const hops = await follow(`${portalUrl}/sign-in`, { "x-forwarded-host": canonical }, () => "portal-upstream:3000");
  expect(hops.map((h) => h.status)).toEqual([200]);
});

test("another host name is sent to PUBLIC_BASE_URL once, and the page follows", async () => {
  // As proxies would forward it: the host the client asked for first, then their own.
  const first = await get(`${portalUrl}/sign-in?callbackUrl=%2Fonboardings`, {
    host: "portal-upstream:3000",
    "x-forwarded-host": "old-name.example.com, lb.internal",
  });
  expect(first.status).toBe(308);
  expect(first.location).toBe(`${portalUrl}/sign-in?callbackUrl=%2Fonboardings`);
  const then = await get(first.location!, {
    host: "portal-upstream:3000",
    "x-forwarded-host": `${canonical}, lb.internal`,
  });
  expect(then.status).toBe(200);
});
