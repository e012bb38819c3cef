/**
 * The one origin behind proxies (proxy.ts, app/api/canonical-origin): a browser behind a chain of
 * proxies, each adding itself to X-Forwarded-Host, follows the portal's redirects until it is served.
 * It must get there, on PUBLIC_BASE_URL's host, and never be sent round in a loop.
 */
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";

let proxy: typeof import("@/proxy").proxy;
let canonicalRoute: typeof import("@/app/api/canonical-origin/route");

beforeAll(async () => {
  for (const [name, value] of Object.entries({
    AZURE_AD_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
    AZURE_AD_CLIENT_SECRET: "s3cret",
    PUBLIC_BASE_URL: "https://connect.example.com",
    SESSION_SECRET: "x".repeat(40),
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  }))
    vi.stubEnv(name, value);
  ({ proxy } = await import("@/proxy"));
  canonicalRoute = await import("@/app/api/canonical-origin/route");
});

/**
 * Follows the portal's answers from `url` (at most 5), as the browser would, each request passing the
 * same proxies: they rewrite Host to the upstream's and forward the host asked for as `forwarded(host)`.
 */
async function visit(url: string, forwarded: (askedHost: string) => string) {
  const hops: string[] = [];
  let next = url;
  for (let i = 0; i < 5; i++) {
    const target = new URL(next);
    const headers = { host: "portal-upstream:3000", "x-forwarded-host": forwarded(target.host) };
    const response = proxy(
      new NextRequest(`http://portal-upstream:3000${target.pathname}${target.search}`, { headers }),
    );
    if (!response.headers.get("x-middleware-rewrite")) {
      hops.push(`served ${target.host}${target.pathname}${target.search}`);
      return hops;
    }
    const redirect = await canonicalRoute.GET(
      new Request(`http://portal-upstream:3000/api/canonical-origin`, {
        headers: { ...headers, "x-canonical-path": `${target.pathname}${target.search}` },
      }),
    );
    expect(redirect.status).toBe(308);
    next = redirect.headers.get("location")!;
    hops.push(`308 ${next}`);
  }
  return hops;
}

describe("X-Forwarded-Host behind several proxies", () => {
  it("serves the page when the first host of the chain is the portal's", async () => {
    expect(
      await visit("https://connect.example.com/sign-in", (host) => `${host}, lb.internal:8080, 10.0.0.7`),
    ).toEqual(["served connect.example.com/sign-in"]);
  });

  it("sends another host name to PUBLIC_BASE_URL once, then serves it", async () => {
    expect(
      await visit(
        "https://old-name.example.com/sign-in?callbackUrl=%2Fonboardings",
        (host) => `${host}, lb.internal`,
      ),
    ).toEqual([
      "308 https://connect.example.com/sign-in?callbackUrl=%2Fonboardings",
      "served connect.example.com/sign-in?callbackUrl=%2Fonboardings",
    ]);
  });

  it("takes a proxy's explicit default port or capitals for the same host", async () => {
    expect(await visit("https://connect.example.com/", (host) => `${host}:443`)).toEqual([
      "served connect.example.com/",
    ]);
    expect(await visit("https://connect.example.com/", (host) => host.toUpperCase())).toEqual([
      "served connect.example.com/",
    ]);
  });
});
