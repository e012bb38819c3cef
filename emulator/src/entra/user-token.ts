/** The token response for a signed-in user (authorization code, refresh token and password grants). */
import { send, type Ctx } from "../http";
import type { Tenant, User } from "../store";
import type { World } from "../world";
import { tokenError } from "./errors";
import {
  clientInfo,
  grantedKeys,
  issueIdToken,
  issueRefreshToken,
  issueUserAccessToken,
  requestedKeys,
  type ResolvedClient,
} from "./minting";
import {
  OIDC_SCOPES,
  audienceFor,
  fullScope,
  localGraphIdentifiers,
  parseScopes,
  splitKey,
  type ParsedScope,
  type ResourceId,
} from "./scopes";

function resourcesOf(scopes: ParsedScope[]): Map<ResourceId, ParsedScope[]> {
  const map = new Map<ResourceId, ParsedScope[]>();
  for (const s of scopes) {
    if (!s.resource) continue;
    const list = map.get(s.resource) ?? [];
    list.push(s);
    map.set(s.resource, list);
  }
  return map;
}

/** Issues the user's tokens for the single resource named in the token request (Graph if none). */
export function userTokenResponse(
  world: World,
  ctx: Ctx,
  opts: {
    tenant: Tenant;
    user: User;
    client: ResolvedClient;
    scopeParam: string;
    openid: boolean;
    offline: boolean;
    nonce?: string;
    authTime: number;
    wantClientInfo: boolean;
  },
): void {
  const parsed = parseScopes(opts.scopeParam, localGraphIdentifiers(world.host));
  if (!parsed.ok) {
    return tokenError(
      world,
      ctx,
      "invalid_resource",
      500011,
      `The resource principal named ${parsed.unknownResource} was not found in the tenant named ${opts.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const byResource = resourcesOf(parsed.scopes);
  if (byResource.size > 1) {
    return tokenError(
      world,
      ctx,
      "invalid_scope",
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${opts.scopeParam} is not valid.`,
    );
  }
  const [entry] = [...byResource.entries()];
  const resource: ResourceId = entry ? entry[0] : "graph";
  const identifier = entry?.[1][0]?.resourceIdentifier;
  const granted = grantedKeys(world, opts.tenant.id, opts.client.clientId, opts.user.id);
  const wanted = entry ? requestedKeys(opts.client, entry[1]) : [];
  const missing = wanted.filter((k) => !granted.has(k));
  if (missing.length > 0 || granted.size === 0) {
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      65001,
      `The user or administrator has not consented to use the application with ID '${opts.client.clientId}' named '${opts.client.displayName}'. Send an interactive authorization request for this user and resource.`,
      400,
      "consent_required",
    );
  }
  // Entra puts every permission consented for that resource into scp, not only the requested ones.
  const names = [...granted]
    .filter(
      (k) =>
        splitKey(k).resource === resource &&
        (resource === "graph" ? !["offline_access"].includes(splitKey(k).name) : true),
    )
    .map((k) => splitKey(k).name)
    .sort((a, b) => Number(OIDC_SCOPES.has(b)) - Number(OIDC_SCOPES.has(a)) || a.localeCompare(b));
  const at = issueUserAccessToken(world, {
    tenant: opts.tenant,
    user: opts.user,
    clientId: opts.client.clientId,
    resource,
    audience: audienceFor(resource, identifier),
    scopes: names,
  });
  const responseScopes = names.filter((n) => !OIDC_SCOPES.has(n)).map((n) => fullScope(resource, n));
  if (resource === "graph")
    for (const s of parsed.scopes)
      if (!s.resource && s.name !== "offline_access") responseScopes.push(s.name);
  const body: Record<string, unknown> = {
    token_type: "Bearer",
    scope: responseScopes.join(" "),
    expires_in: at.expiresIn,
    ext_expires_in: at.expiresIn,
    access_token: at.token,
  };
  if (opts.offline)
    body.refresh_token = issueRefreshToken(world, {
      clientId: opts.client.clientId,
      user: opts.user,
      authTime: opts.authTime,
    });
  if (opts.openid) {
    const email = parsed.scopes.some((s) => !s.resource && s.name === "email");
    body.id_token = issueIdToken(world, {
      tenant: opts.tenant,
      user: opts.user,
      clientId: opts.client.clientId,
      nonce: opts.nonce,
      authTime: opts.authTime,
      email,
    });
  }
  if (opts.wantClientInfo) body.client_info = clientInfo(opts.user);
  send(ctx, 200, body, "application/json; charset=utf-8", {
    "Cache-Control": "no-store, no-cache",
    Pragma: "no-cache",
  });
}
