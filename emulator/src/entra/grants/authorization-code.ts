/** grant_type=authorization_code: a code from the sign-in pages redeemed once, with PKCE and redirect checks. */
import { createHash } from "node:crypto";

import type { Ctx } from "../../http";
import type { Tenant } from "../../store";
import { now, type AuthCode, type World } from "../../world";
import { authenticateClient } from "../client-auth";
import { tokenError } from "../errors";
import type { ResolvedClient, UserGrantRequest } from "../minting";
import { parseScopes } from "../scopes";
import { userTokenResponse } from "../user-token";

function pkceMatches(method: string | undefined, challenge: string, verifier: string): boolean {
  if (method === "S256") return createHash("sha256").update(verifier).digest("base64url") === challenge;
  return verifier === challenge;
}

/** The code if this client may redeem it here now, or undefined once refused. */
function usableCode(
  world: World,
  ctx: Ctx,
  client: ResolvedClient,
  urlTenant: Tenant | undefined,
  form: URLSearchParams,
): AuthCode | undefined {
  const refuse = (error: string, aadsts: number, description: string): undefined => {
    tokenError(world, ctx, error, aadsts, description);
    return undefined;
  };
  const code = world.codes.get(form.get("code") ?? "");
  if (!form.get("code"))
    return refuse(
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'code'.",
    );
  if (!code || code.clientId !== client.clientId)
    return refuse("invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.");
  if (code.redeemed)
    return refuse(
      "invalid_grant",
      54005,
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    );
  if (code.expiresAt < now(world))
    return refuse(
      "invalid_grant",
      70008,
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    );
  if (urlTenant && urlTenant.id !== code.tenantId)
    return refuse(
      "invalid_grant",
      700005,
      "Provided Authorization Code is intended to use against other tenant, thus rejected.",
    );
  return code;
}

/**
 * The scope asked for. Without a scope parameter (openid-client / next-auth send none) Entra answers for
 * the first resource named in the authorization request, plus the sign-in scopes.
 */
function scopeParamFor(code: AuthCode, form: URLSearchParams): string {
  const scopeParam = form.get("scope") ?? "";
  if (scopeParam.trim()) return scopeParam;
  const authorizedScopes = parseScopes(code.scope);
  if (!authorizedScopes.ok) return scopeParam;
  const first = authorizedScopes.scopes.find((sc) => sc.resource)?.resource;
  return authorizedScopes.scopes
    .filter((sc) => !sc.resource || sc.resource === first)
    .map((sc) => sc.raw)
    .join(" ");
}

export function authorizationCodeGrant(world: World, ctx: Ctx, opts: UserGrantRequest): void {
  const { urlTenant, client, secret, form, wantClientInfo } = opts;
  const code = usableCode(world, ctx, client, urlTenant, form);
  if (!code) return;
  const refusal = authenticateClient(world, client, secret);
  if (refusal) return tokenError(world, ctx, refusal.error, refusal.code, refusal.description);
  const redirectUri = form.get("redirect_uri");
  if (redirectUri !== code.redirectUri) {
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      500112,
      `The reply address '${redirectUri ?? ""}' does not match the reply address '${code.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  if (code.codeChallenge) {
    const verifier = form.get("code_verifier");
    if (!verifier || !pkceMatches(code.codeChallengeMethod, code.codeChallenge, verifier)) {
      return tokenError(
        world,
        ctx,
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
      );
    }
  }
  const scopeParam = scopeParamFor(code, form);
  if (!scopeParam.trim())
    return tokenError(
      world,
      ctx,
      "invalid_request",
      28003,
      "Provided value for the input parameter scope cannot be empty when requesting an access token using the provided authorization code. Please specify a valid scope.",
    );
  const user = world.store.users.get(code.userId);
  const tenant = world.store.tenants.get(code.tenantId);
  if (!user || !tenant)
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      50034,
      "The user account does not exist in the directory.",
    );
  code.redeemed = true;
  ctx.tenantId = tenant.id;
  const authorized = parseScopes(code.scope);
  const authorizedNames = authorized.ok
    ? authorized.scopes.filter((s) => !s.resource).map((s) => s.name)
    : [];
  const requested = parseScopes(scopeParam);
  const requestedOidc = requested.ok ? requested.scopes.filter((s) => !s.resource).map((s) => s.name) : [];
  return userTokenResponse(world, ctx, {
    tenant,
    user,
    client,
    scopeParam,
    openid: authorizedNames.includes("openid") || requestedOidc.includes("openid"),
    offline: authorizedNames.includes("offline_access") || requestedOidc.includes("offline_access"),
    nonce: code.nonce,
    authTime: code.authTime,
    wantClientInfo,
  });
}
