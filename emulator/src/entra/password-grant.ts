/**
 * Sign-in without a browser, as the Azure CLI does it with `az login -u … -p …`: the resource owner
 * password credentials grant (POST /{tenant}/oauth2/v2.0/token, grant_type=password; Entra docs
 * "Microsoft identity platform and OAuth 2.0 Resource Owner Password Credentials") and the user realm
 * discovery MSAL asks before it (GET /common/userrealm/{username}?api-version=1.0). Demo users get a
 * password when seeded; a user without one cannot sign in this way.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

import { send, type Ctx } from "../http";
import type { Tenant, User } from "../store";
import { now, type World } from "../world";
import { authenticateClient } from "./client-auth";
import { tokenError } from "./errors";
import { appNotFoundText } from "./flow";
import type { ResolvedClient } from "./minting";
import { parseScopes } from "./scopes";
import { userTokenResponse } from "./user-token";

/** Stored as scrypt$<salt>$<hash>, so neither the state file nor the control API holds the password. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("base64url")}$${scryptSync(password, salt, 32).toString("base64url")}`;
}

export function passwordMatches(user: User, password: string): boolean {
  const [scheme, salt, hash] = (user.passwordHash ?? "").split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = scryptSync(password, Buffer.from(salt, "base64url"), expected.length);
  return timingSafeEqual(actual, expected);
}

export function passwordGrant(
  world: World,
  ctx: Ctx,
  opts: {
    urlTenant?: Tenant;
    segment: string;
    client: ResolvedClient;
    secret?: string;
    form: URLSearchParams;
    wantClientInfo: boolean;
  },
): void {
  ctx.route = "POST /oauth2/v2.0/token (password)";
  const { urlTenant, client, form } = opts;
  // The docs: the tenant "can't be set to common or consumers, but may be set to organizations".
  if (!urlTenant && opts.segment.toLowerCase() !== "organizations")
    return tokenError(
      world,
      ctx,
      "invalid_request",
      9001023,
      "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
    );
  const refusal = authenticateClient(world, client, opts.secret);
  if (refusal) return tokenError(world, ctx, refusal.error, refusal.code, refusal.description);
  for (const name of ["username", "password"])
    if (!form.get(name))
      return tokenError(
        world,
        ctx,
        "invalid_request",
        900144,
        `The request body must contain the following parameter: '${name}'.`,
      );
  const user = world.store.userByUpn(form.get("username")!);
  const tenant = user ? world.store.tenants.get(user.tenantId) : undefined;
  if (!user || !tenant || (urlTenant && urlTenant.id !== tenant.id)) {
    // Entra hides the name it was given ({EUII Hidden}) and names the directory it looked in.
    const directory = urlTenant?.id ?? "organizations";
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      50034,
      `The user account {EUII Hidden} does not exist in the ${directory} directory. To sign into this application, the account must be added to the directory.`,
    );
  }
  ctx.tenantId = tenant.id;
  if (!user.passwordHash)
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      50056,
      "Invalid or null password: password doesn't exist in the directory for this user.",
    );
  if (!passwordMatches(user, form.get("password")!))
    return tokenError(
      world,
      ctx,
      "invalid_grant",
      50126,
      "Error validating credentials due to invalid username or password.",
    );
  if (client.kind === "graph" && !client.multiTenant && client.app.tenantId !== tenant.id)
    return tokenError(world, ctx, "unauthorized_client", 700016, appNotFoundText(client.clientId, tenant.id));
  const scopeParam = form.get("scope") ?? "";
  const parsed = parseScopes(scopeParam);
  const oidc = parsed.ok ? parsed.scopes.filter((s) => !s.resource).map((s) => s.name) : [];
  return userTokenResponse(world, ctx, {
    tenant,
    user,
    client,
    scopeParam,
    openid: oidc.includes("openid"),
    offline: oidc.includes("offline_access"),
    authTime: Math.floor(now(world) / 1000),
    wantClientInfo: opts.wantClientInfo,
  });
}

/**
 * Whether a user's domain is managed by Entra or federated to another identity provider (MSAL then uses
 * WS-Trust instead of the password grant). Every emulated tenant is managed; other domains are unknown.
 * The shape is what MSAL reads (msal/authority.py user_realm_discovery: ver, account_type, domain_name,
 * cloud_instance_name, cloud_audience_urn); Microsoft does not document this endpoint.
 */
export function userRealm(world: World, ctx: Ctx, username: string): void {
  ctx.route = "GET /common/userrealm";
  const domain = username.slice(username.lastIndexOf("@") + 1).toLowerCase();
  const tenant = username.includes("@") ? world.store.tenantByIdOrDomain(domain) : undefined;
  if (tenant) ctx.tenantId = tenant.id;
  send(
    ctx,
    200,
    tenant
      ? {
          ver: "1.0",
          account_type: "Managed",
          domain_name: tenant.domain,
          cloud_instance_name: world.host,
          cloud_audience_urn: "urn:federation:MicrosoftOnline",
        }
      : { ver: "1.0", account_type: "Unknown", cloud_instance_name: world.host },
    "application/json; charset=utf-8",
  );
}
