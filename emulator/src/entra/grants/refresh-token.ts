/** grant_type=refresh_token: a sealed refresh token of this client, for a new access (and id) token. */
import type { Ctx } from "../../http";
import { now, type World } from "../../world";
import { authenticateClient } from "../client-auth";
import { tokenError } from "../errors";
import { readRefreshToken, type UserGrantRequest } from "../minting";
import { localGraphIdentifiers, parseScopes } from "../scopes";
import { userTokenResponse } from "../user-token";

export function refreshTokenGrant(world: World, ctx: Ctx, opts: UserGrantRequest): void {
  const { urlTenant, client, secret, form, wantClientInfo } = opts;
  const raw = form.get("refresh_token");
  if (!raw)
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'refresh_token'.",
    );
  const rt = readRefreshToken(world, raw);
  if (!rt)
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      9002313,
      "Invalid request. Request is malformed or invalid.",
    );
  if (rt.clientId !== client.clientId)
    return tokenError(world, ctx, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
  if (rt.exp < now(world) / 1000)
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      700082,
      "The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90.00:00:00.",
    );
  if (urlTenant && urlTenant.id !== rt.tenantId)
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      700005,
      "Provided grant is intended to use against other tenant, thus rejected.",
    );
  const refusal = authenticateClient(world, client, secret);
  if (refusal) return tokenError(world, ctx, refusal.error, refusal.code, refusal.description);
  const user = world.store.users.get(rt.userId);
  const tenant = world.store.tenants.get(rt.tenantId);
  if (!user || !tenant)
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      50034,
      "The user account does not exist in the directory. To sign into this application, the account must be added to the directory.",
    );
  ctx.tenantId = tenant.id;
  const scopeParam = form.get("scope") ?? "";
  const parsed = parseScopes(scopeParam, localGraphIdentifiers(world.host));
  const names = parsed.ok ? parsed.scopes.filter((s) => !s.resource).map((s) => s.name) : [];
  return userTokenResponse(world, ctx, {
    tenant,
    user,
    client,
    scopeParam,
    openid: names.includes("openid"),
    offline: true,
    // A refreshed id_token still tells when the user authenticated, not when the token was refreshed.
    authTime: rt.authTime ?? rt.iat,
    wantClientInfo,
  });
}
