/**
 * POST /{tenant}/oauth2/v2.0/token: authorization_code, refresh_token, client_credentials and password
 * (resource owner password credentials, password-grant.ts) grants.
 */
import { createHash } from "node:crypto";

import { header, readForm, send, type Ctx } from "../http";
import { safeEqual } from "../ids";
import type { Application, Tenant, User } from "../store";
import { now, sweep, type World } from "../world";
import { appNotFoundText, resolveTenantSegment, tenantNotFoundText } from "./authorize";
import { tokenError } from "./errors";
import { passwordGrant } from "./password-grant";
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
import {
  clientInfo,
  grantedKeys,
  issueAppAccessToken,
  issueIdToken,
  issueRefreshToken,
  issueUserAccessToken,
  readRefreshToken,
  requestedKeys,
  resolveClient,
  type ResolvedClient,
} from "./tokens";

interface ClientCredentials {
  clientId?: string;
  secret?: string;
}

function credentials(ctx: Ctx, form: URLSearchParams): ClientCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(header(ctx, "authorization") ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0)
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
  }
  return { clientId: form.get("client_id") ?? undefined, secret: form.get("client_secret") ?? undefined };
}

type Refusal = { error: string; code: number; description: string };

/** Checks a secret against an app created through Graph: value, replication of the secret, expiry. */
function checkGraphSecret(world: World, app: Application, secret: string): Refusal | undefined {
  const invalid: Refusal = {
    error: "invalid_client",
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
  };
  const cred = app.passwordCredentials.find((c) => safeEqual(c.secretText, secret));
  if (!cred) return invalid;
  const t = now(world);
  // A fresh secret is unknown to Entra's token service until it replicates: the same answer as a wrong one.
  if (t < cred.activeAt || t < Date.parse(cred.startDateTime)) return invalid;
  if (t > Date.parse(cred.endDateTime)) {
    return {
      error: "invalid_client",
      code: 7000222,
      description: `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    };
  }
  return undefined;
}

export function authenticateClient(
  world: World,
  client: ResolvedClient,
  secret: string | undefined,
): Refusal | undefined {
  if (client.kind === "firstParty") {
    if (!secret) return undefined;
    return {
      error: "invalid_client",
      code: 700025,
      description: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    };
  }
  if (secret === undefined || secret === "") {
    return {
      error: "invalid_client",
      code: 7000218,
      description:
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  }
  if (client.kind === "graph") return checkGraphSecret(world, client.app, secret);
  if (!safeEqual(client.client.clientSecret, secret)) {
    return {
      error: "invalid_client",
      code: 7000215,
      description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
    };
  }
  return undefined;
}

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
    body.refresh_token = issueRefreshToken(world, { clientId: opts.client.clientId, user: opts.user });
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

function pkceMatches(method: string | undefined, challenge: string, verifier: string): boolean {
  if (method === "S256") return createHash("sha256").update(verifier).digest("base64url") === challenge;
  return verifier === challenge;
}

export function handleToken(world: World, ctx: Ctx, segment: string): void {
  ctx.route = "POST /oauth2/v2.0/token";
  sweep(world);
  if (ctx.method !== "POST")
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900561,
      "The endpoint only accepts POST requests. Received a GET request.",
    );
  const form = readForm(ctx);
  const tenantRes = resolveTenantSegment(world, segment);
  if (tenantRes.kind === "unknown" || tenantRes.kind === "consumers")
    return tokenError(world, ctx, "invalid_tenant", 90002, tenantNotFoundText(segment));
  const urlTenant = tenantRes.kind === "specific" ? tenantRes.tenant : undefined;
  if (urlTenant) ctx.tenantId = urlTenant.id;
  const grantType = form.get("grant_type");
  if (!grantType)
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  const { clientId, secret } = credentials(ctx, form);
  if (!clientId)
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const client = resolveClient(world, clientId);
  const wantClientInfo = form.get("client_info") === "1";

  if (grantType === "client_credentials")
    return clientCredentials(world, ctx, { urlTenant, segment, clientId, client, secret, form });

  if (!client)
    return tokenError(
      world,
      ctx,
      "unauthorized_client",
      700016,
      appNotFoundText(clientId, urlTenant?.displayName ?? segment),
    );

  if (grantType === "password")
    return passwordGrant(world, ctx, { urlTenant, segment, client, secret, form, wantClientInfo });

  if (grantType === "authorization_code") {
    const code = world.codes.get(form.get("code") ?? "");
    if (!form.get("code"))
      return tokenError(
        world,
        ctx,
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'code'.",
      );
    if (!code || code.clientId !== client.clientId)
      return tokenError(
        world,
        ctx,
        "invalid_grant",
        70000,
        "The provided value for the 'code' parameter is not valid.",
      );
    if (code.redeemed)
      return tokenError(
        world,
        ctx,
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
      );
    if (code.expiresAt < now(world))
      return tokenError(
        world,
        ctx,
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
      );
    if (urlTenant && urlTenant.id !== code.tenantId)
      return tokenError(
        world,
        ctx,
        "invalid_grant",
        700005,
        "Provided Authorization Code is intended to use against other tenant, thus rejected.",
      );
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
    let scopeParam = form.get("scope") ?? "";
    if (!scopeParam.trim()) {
      // Without a scope parameter (openid-client / next-auth send none) Entra answers for the first
      // resource named in the authorization request, plus the sign-in scopes.
      const authorizedScopes = parseScopes(code.scope);
      if (authorizedScopes.ok) {
        const first = authorizedScopes.scopes.find((sc) => sc.resource)?.resource;
        scopeParam = authorizedScopes.scopes
          .filter((sc) => !sc.resource || sc.resource === first)
          .map((sc) => sc.raw)
          .join(" ");
      }
    }
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

  if (grantType === "refresh_token") {
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
      authTime: rt.iat,
      wantClientInfo,
    });
  }

  return tokenError(
    world,
    ctx,
    "unsupported_grant_type",
    70003,
    `The app requested an unsupported grant type '${grantType}'.`,
  );
}

function clientCredentials(
  world: World,
  ctx: Ctx,
  opts: {
    urlTenant?: Tenant;
    segment: string;
    clientId: string;
    client?: ResolvedClient;
    secret?: string;
    form: URLSearchParams;
  },
): void {
  const { urlTenant, client } = opts;
  const t = now(world);
  ctx.route = "POST /oauth2/v2.0/token (client_credentials)";
  if (!urlTenant) {
    if (client?.kind === "graph" && !client.multiTenant) {
      return tokenError(
        world,
        ctx,
        "invalid_request",
        50194,
        `Application '${client.clientId}'(${client.displayName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
      );
    }
    return tokenError(
      world,
      ctx,
      "invalid_request",
      90014,
      "The tenant must be specified in the request URL for the client credentials flow. Use a tenant-specific endpoint.",
    );
  }
  const notFound = () =>
    tokenError(
      world,
      ctx,
      "unauthorized_client",
      700016,
      appNotFoundText(opts.clientId, urlTenant.displayName),
    );
  if (!client) return notFound();
  // A public client has no credential to prove who it is, so it cannot act on its own.
  if (client.kind === "firstParty" && !opts.secret)
    return tokenError(
      world,
      ctx,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  if (client.kind === "graph") {
    const app = client.app;
    // Until the new app replicates to Entra's token service, it does not exist there.
    if ((app.tenantId !== urlTenant.id && !client.multiTenant) || t < app.replicatedAt) return notFound();
  }
  const refusal = authenticateClient(world, client, opts.secret);
  if (refusal) return tokenError(world, ctx, refusal.error, refusal.code, refusal.description);
  const scopeParam = opts.form.get("scope") ?? "";
  const parsed = parseScopes(scopeParam, localGraphIdentifiers(world.host));
  if (!parsed.ok) {
    return tokenError(
      world,
      ctx,
      "invalid_resource",
      500011,
      `The resource principal named ${parsed.unknownResource} was not found in the tenant named ${urlTenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const resourceScopes = parsed.scopes.filter((s) => s.resource);
  if (resourceScopes.length !== 1 || parsed.scopes.length !== 1) {
    return tokenError(
      world,
      ctx,
      "invalid_scope",
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scopeParam} is not valid.`,
    );
  }
  const scope = resourceScopes[0]!;
  if (scope.name !== ".default") {
    return tokenError(
      world,
      ctx,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scopeParam} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const sp = world.store.spByAppId(urlTenant.id, client.clientId);
  if (client.kind === "graph") {
    if (!sp)
      return tokenError(
        world,
        ctx,
        "invalid_client",
        7000229,
        `The client application ${client.clientId} is missing service principal in the tenant ${urlTenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
        400,
      );
    if (t < sp.replicatedAt) return notFound();
  } else if (grantedKeysForTenant(world, urlTenant.id, client.clientId) === 0) {
    return notFound();
  }
  ctx.tenantId = urlTenant.id;
  const principal = sp ?? { id: client.clientId, displayName: client.displayName };
  const at = issueAppAccessToken(world, {
    tenant: urlTenant,
    sp: principal,
    clientId: client.clientId,
    audience: audienceFor(scope.resource!, scope.resourceIdentifier),
    roles: [],
  });
  send(
    ctx,
    200,
    { token_type: "Bearer", expires_in: at.expiresIn, ext_expires_in: at.expiresIn, access_token: at.token },
    "application/json; charset=utf-8",
    { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
  );
}

function grantedKeysForTenant(world: World, tenantId: string, clientId: string): number {
  const grant = world.store.consent(tenantId, clientId);
  return grant.admin.size + [...grant.users.values()].reduce((n, s) => n + s.size, 0);
}
