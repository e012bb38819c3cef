import { type NextRequest } from "next/server";
import NextAuth from "next-auth";

import { authOptions } from "@/lib/auth";
import { getEnv } from "@/lib/env";
import { consume, tooManyRequests } from "@/lib/http/rate-limit";

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth's routes, with two additions. Callbacks are rate limited per client (lib/rate-limit). And
 * when Microsoft answers the callback with an error (consent declined, admin approval needed),
 * next-auth only reports "OAuthCallback", so the sign-in error page is told the actual reason, by its
 * AADSTS code, to say what to do.
 */
async function handler(request: NextRequest, context: Context) {
  const { nextauth } = await context.params;
  if (nextauth[0] === "callback") {
    const allowed = await consume("sign-in-callback", request.headers);
    if (!allowed.ok) return tooManyRequests(allowed.retryAfterSec);
  }
  const error = request.nextUrl.searchParams.get("error");
  if (request.method === "GET" && nextauth[0] === "callback" && error) {
    const description = request.nextUrl.searchParams.get("error_description") ?? "";
    const code = /AADSTS\d+/.exec(description)?.[0] ?? "";
    const target = new URL("/sign-in/error", getEnv().publicBaseUrl);
    target.searchParams.set("error", error.replace(/[^a-z_]/gi, "").slice(0, 40));
    if (code) target.searchParams.set("code", code);
    return Response.redirect(target, 302);
  }
  return NextAuth(authOptions())(request, context);
}

export { handler as GET, handler as POST };
