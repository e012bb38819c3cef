/**
 * Sign-in with Microsoft. next-auth (v4, JWT sessions) owns the sign-in routes and the session cookie,
 * which carries only our user id, MSAL's homeAccountId and the tenant id. The authorization code is
 * redeemed by MSAL (lib/azure/token-broker), so refresh tokens live in MSAL's encrypted cache, never in
 * the browser. Because the exchange is ours, so are the checks next-auth would otherwise make: the
 * id_token is validated with next-auth's openid-client instance, and `state` is checked by MSAL.
 */
import "server-only";

import { redirect } from "next/navigation";
import { getServerSession, type NextAuthOptions } from "next-auth";
import AzureADProvider from "next-auth/providers/azure-ad";
import { Issuer, TokenSet } from "openid-client";

import { authorityFor, forgetAccount, redeemAuthorizationCode, signInScopes } from "@/lib/azure/token-broker";
import { getUserById, upsertUserFromSignIn, type SignedInUser } from "@/lib/data/users";
import { getEnv } from "@/lib/env";
import { safeCallbackPath } from "@/lib/http/safe-redirect";
import { log } from "@/lib/log";

type IdTokenClaims = {
  oid?: string;
  tid?: string;
  sub?: string;
  name?: string;
  preferred_username?: string;
  email?: string;
  /** When the person last authenticated at Entra (seconds since 1970), kept through single sign-on. */
  auth_time?: number;
};

declare module "next-auth" {
  interface Session {
    user: { id: string; name: string | null; email: string | null; tenantId: string };
    /** The id token's auth_time (seconds since 1970), for actions that ask for a recent sign-in. */
    authTime?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    homeAccountId?: string;
    tid?: string;
    authTime?: number;
  }
}

type OidcClient = {
  issuer: { metadata: Record<string, unknown> & { issuer: string } };
  metadata: { client_id: string; client_secret?: string };
  validateIdToken(
    tokenSet: TokenSet,
    nonce: string | null,
    returnedBy: "token" | "authorization",
  ): Promise<unknown>;
};

/**
 * Checks the id_token's signature, issuer, audience, expiry and nonce. A multi-tenant authority
 * publishes the issuer `.../{tenantid}/v2.0`; openid-client substitutes the token's tid only for
 * login.microsoftonline.com, so for any other authority host (sovereign clouds, the emulator) the
 * tenant-specific issuer is built here and checked the same way.
 */
async function validateIdToken(client: OidcClient, idToken: string, nonce: string | null) {
  const issuer = client.issuer.metadata.issuer;
  let validator = client;
  if (issuer.includes("{tenantid}")) {
    const payload = Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8");
    const tid = (JSON.parse(payload) as { tid?: unknown }).tid;
    if (typeof tid !== "string" || !/^[0-9a-f-]{36}$/i.test(tid))
      throw new Error("The id_token carries no tenant id");
    const tenantIssuer = new Issuer({ ...client.issuer.metadata, issuer: issuer.replace("{tenantid}", tid) });
    validator = new tenantIssuer.Client({
      client_id: client.metadata.client_id,
      client_secret: client.metadata.client_secret,
    }) as unknown as OidcClient;
  }
  await validator.validateIdToken(new TokenSet({ id_token: idToken }), nonce, "token");
}

let options: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (options) return options;
  const env = getEnv();
  process.env.NEXTAUTH_URL ??= env.publicBaseUrl;
  const base = AzureADProvider({
    clientId: env.azureAd.clientId,
    clientSecret: env.azureAd.clientSecret,
    tenantId: env.azureAd.tenant,
  });
  options = {
    secret: env.sessionSecret,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in/error" },
    providers: [
      {
        ...base,
        wellKnown: `${authorityFor(env.azureAd.tenant)}/v2.0/.well-known/openid-configuration`,
        authorization: { params: { scope: signInScopes().join(" "), prompt: "select_account" } },
        checks: ["pkce", "state", "nonce"],
        idToken: true,
        token: {
          async request({ params, checks: rawChecks, client, provider }) {
            const checks = rawChecks as { code_verifier?: string; state?: string; nonce?: string };
            const result = await redeemAuthorizationCode({
              code: params.code ?? "",
              codeVerifier: checks.code_verifier ?? "",
              redirectUri: provider.callbackUrl,
              nonce: checks.nonce,
              state: checks.state,
              returnedState: typeof params.state === "string" ? params.state : undefined,
              clientInfo: typeof params.client_info === "string" ? params.client_info : undefined,
            });
            // Signature, issuer, audience, expiry and nonce: next-auth skips them for a custom exchange.
            await validateIdToken(client as unknown as OidcClient, result.idToken, checks.nonce ?? null);
            return {
              tokens: {
                id_token: result.idToken,
                token_type: "Bearer",
                home_account_id: result.account?.homeAccountId,
              },
            };
          },
        },
        // The stock profile() fetches a photo from graph.microsoft.com; the id_token says enough.
        profile(profile: IdTokenClaims) {
          return {
            id: profile.oid ?? profile.sub ?? "",
            name: profile.name ?? null,
            email: profile.email ?? profile.preferred_username ?? null,
          };
        },
      },
    ],
    callbacks: {
      // Only back to the portal itself, however the callback URL was spelled.
      redirect({ url, baseUrl }) {
        const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) || "/" : url;
        return `${baseUrl}${safeCallbackPath(path, baseUrl, "/onboardings")}`;
      },
      async signIn({ account, profile }) {
        const claims = profile as IdTokenClaims | undefined;
        const homeAccountId = (account as { home_account_id?: string } | null)?.home_account_id;
        if (!claims?.oid || !claims.tid || !homeAccountId) {
          if (homeAccountId) await forgetAccount(homeAccountId);
          log.warn(
            { hasOid: Boolean(claims?.oid), hasTid: Boolean(claims?.tid) },
            "sign-in refused: id_token lacks oid or tid",
          );
          return "/sign-in/error?error=NotAnOrganizationAccount";
        }
        return true;
      },
      async jwt({ token, account, profile }) {
        if (account && profile) {
          const claims = profile as IdTokenClaims;
          const homeAccountId = (account as { home_account_id?: string }).home_account_id!;
          const user = await upsertUserFromSignIn({
            entraObjectId: claims.oid!,
            tenantId: claims.tid!,
            homeAccountId,
            name: claims.name,
            email: claims.email ?? claims.preferred_username,
          });
          return {
            sub: user.id,
            name: user.name,
            email: user.email,
            uid: user.id,
            homeAccountId,
            tid: claims.tid,
            ...(typeof claims.auth_time === "number" ? { authTime: claims.auth_time } : {}),
          };
        }
        return token;
      },
      async session({ session, token }) {
        session.user = {
          id: token.uid ?? "",
          name: token.name ?? null,
          email: token.email ?? null,
          tenantId: token.tid ?? "",
        };
        if (typeof token.authTime === "number") session.authTime = token.authTime;
        return session;
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.homeAccountId) await forgetAccount(token.homeAccountId);
      },
    },
    logger: {
      error: (errorCode, metadata) =>
        log.error({ errorCode, detail: summarizeAuthError(metadata) }, "next-auth error"),
      warn: (errorCode) => log.warn({ errorCode }, "next-auth warning"),
      debug: () => {},
    },
  };
  return options;
}

// next-auth's error metadata can hold the provider's request and response: keep names and messages only.
function summarizeAuthError(metadata: unknown): string {
  const error = (metadata as { error?: Error } | Error | undefined) ?? undefined;
  const inner = error instanceof Error ? error : error?.error;
  return inner ? `${inner.name}: ${inner.message}`.slice(0, 300) : "";
}

export type CurrentUser = SignedInUser & {
  /** When Entra last authenticated the person (the id token's auth_time); null when it did not say. */
  signedInAt: Date | null;
};

/** The signed-in user, or null. The session cookie alone is not trusted: the user must still exist. */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  const session = await getServerSession(authOptions());
  if (!session?.user?.id) return null;
  const user = await getUserById(session.user.id);
  if (!user) return null;
  return {
    ...user,
    signedInAt: typeof session.authTime === "number" ? new Date(session.authTime * 1000) : null,
  };
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo = "/onboardings"): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
