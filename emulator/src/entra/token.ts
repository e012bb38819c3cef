/**
 * POST /{tenant}/oauth2/v2.0/token: authorization_code, refresh_token, client_credentials and password
 * (resource owner password credentials, password-grant.ts) grants.
 */
import { createHash } from "node:crypto";

import { windowOver } from "../delay-window";
import { readForm, send, type Ctx } from "../http";
import type { Tenant } from "../store";
import { now, sweep, type World } from "../world";
import { appNotFoundText, resolveTenantSegment, tenantNotFoundText } from "./flow";
import { authenticateClient, credentials } from "./client-auth";
import { tokenError } from "./errors";
import { passwordGrant } from "./password-grant";
import { audienceFor, localGraphIdentifiers, parseScopes } from "./scopes";
import { issueAppAccessToken, readRefreshToken, resolveClient, type ResolvedClient } from "./minting";
import { userTokenResponse } from "./user-token";

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
      // A refreshed id_token still tells when the user authenticated, not when the token was refreshed.
      authTime: rt.authTime ?? rt.iat,
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
    if ((app.tenantId !== urlTenant.id && !client.multiTenant) || !windowOver(app, "replicatedAt", t))
      return notFound();
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
    if (!windowOver(sp, "replicatedAt", t)) return notFound();
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
