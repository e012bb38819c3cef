import { getEnv } from "@/lib/env";
import { safeCallbackPath } from "@/lib/http/safe-redirect";

export const dynamic = "force-dynamic";

/**
 * The redirect to the portal's one origin (proxy.ts sends requests for any other host name here). It is
 * answered from a route rather than from the proxy because Next rewrites a proxy's redirect between
 * 127.0.0.1 and localhost into a relative one, which would loop. Only a path on the canonical origin is
 * ever the target, whatever the header says.
 */
function redirect(request: Request) {
  const base = getEnv().publicBaseUrl;
  const path = safeCallbackPath(request.headers.get("x-canonical-path"), base, "/");
  return new Response(null, {
    status: 308,
    headers: { Location: `${base}${path}`, "Cache-Control": "no-store" },
  });
}

export const GET = redirect;
export const HEAD = redirect;
export const POST = redirect;
