import { cookies } from "next/headers";

import { getCurrentUser } from "@/lib/auth";
import { recordShareVisit } from "@/lib/data/share-links";
import { getEnv } from "@/lib/env";
import { consume, tooManyRequests } from "@/lib/http/rate-limit";
import { exchangeShareToken } from "@/lib/share-links/access";

export const dynamic = "force-dynamic";

/**
 * Where a share link lands: the token is exchanged for a cookie bound to its link, the visit recorded,
 * and the browser sent to a URL without the token (so it stays out of history, logs and Referer).
 * A revoked, expired or unknown token gets a page that says so, never the onboarding.
 */
export async function GET(request: Request, context: { params: Promise<{ token: string }> }) {
  // Counted before the lookup: guessing tokens costs a guesser their limit, not the database.
  const allowed = await consume("share-link", request.headers);
  if (!allowed.ok) return tooManyRequests(allowed.retryAfterSec);
  const { token } = await context.params;
  const base = getEnv().publicBaseUrl;
  const result = await exchangeShareToken(token);
  const headers = { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" };
  if (!result.ok) {
    return Response.redirect(`${base}/link-unavailable?reason=${result.problem}`, 303);
  }
  (await cookies()).set(result.cookie.name, result.cookie.value, {
    httpOnly: true,
    sameSite: "lax",
    secure: base.startsWith("https://"),
    path: "/",
    expires: result.cookie.expires,
  });
  await recordShareVisit(result.link.id, await getCurrentUser());
  return new Response(null, {
    status: 303,
    headers: { ...headers, Location: `${base}/shared/${result.link.id}` },
  });
}
