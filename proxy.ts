/**
 * Runs before every page and route: one canonical origin, and a script policy no injected script can
 * pass.
 * - The portal answers on the origin of PUBLIC_BASE_URL only. A request for another host name of the
 *   same server (127.0.0.1 for localhost, say) is redirected there, because sign-in's cookies are bound
 *   to one host and a sign-in started on the other would fail.
 * - Content-Security-Policy with a fresh nonce per request and 'strict-dynamic': Next puts the nonce
 *   on its own scripts, and no inline script without it runs.
 */
import { NextResponse, type NextRequest } from "next/server";

import { getEnv } from "@/lib/env";

function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React sets style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self' https:",
    "object-src 'none'",
  ].join("; ");
}

/**
 * The host the person asked for, as `canonical` writes it. Behind several proxies X-Forwarded-Host is a
 * list ("connect.example.com, lb.internal"), the asked-for host first; some proxies add the default
 * port. Compared as written, either would never equal PUBLIC_BASE_URL's host, and every redirect there
 * would come back to be redirected again.
 */
function askedForHost(request: NextRequest, canonical: URL): string | null {
  const raw = (request.headers.get("x-forwarded-host") ?? request.headers.get("host"))?.split(",")[0]?.trim();
  if (!raw) return null;
  try {
    return new URL(`${canonical.protocol}//${raw}`).host;
  } catch {
    return raw;
  }
}

export function proxy(request: NextRequest) {
  const canonical = new URL(getEnv().publicBaseUrl);
  const host = askedForHost(request, canonical);
  const path = request.nextUrl.pathname;
  if (host && host !== canonical.host && path !== "/api/health" && path !== "/api/canonical-origin") {
    const headers = new Headers(request.headers);
    headers.set("x-canonical-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
    return NextResponse.rewrite(new URL("/api/canonical-origin", request.url), { request: { headers } });
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|steps/|icon.svg).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
