/** Client lookup, consent bookkeeping and token minting (access, id and refresh tokens). */
import { createHash } from "node:crypto";

import { base64url, guid, randomString } from "../ids";
import { recordIssued } from "../issued";
import { seal, signJwt, unseal } from "../keys";
import {
  DIRECTORY_ROLES,
  USER_ROLE_TEMPLATE,
  type Application,
  type ClientApp,
  type ServicePrincipal,
  type Tenant,
  type User,
} from "../store";
import { now, type RefreshTokenPayload, type World } from "../world";
import { firstPartyClient } from "./first-party";
import {
  OIDC_SCOPES,
  RESOURCES,
  parseScopes,
  permissionToKey,
  scopeKey,
  splitKey,
  type ParsedScope,
  type ResourceId,
} from "./scopes";

export type ResolvedClient =
  | {
      kind: "registered";
      clientId: string;
      displayName: string;
      redirectUris: string[];
      multiTenant: true;
      permissions: string[];
      client: ClientApp;
    }
  | {
      /** A Microsoft first-party public client (the Azure CLI): pre-authorized, no secret. */
      kind: "firstParty";
      clientId: string;
      displayName: string;
      redirectUris: string[];
      multiTenant: true;
      permissions: string[];
    }
  | {
      kind: "graph";
      clientId: string;
      displayName: string;
      redirectUris: string[];
      multiTenant: boolean;
      permissions: string[];
      app: Application;
    };

export function resolveClient(world: World, clientId: string): ResolvedClient | undefined {
  const id = clientId.toLowerCase();
  const firstParty = firstPartyClient(id);
  if (firstParty) return { kind: "firstParty", multiTenant: true, ...firstParty };
  const registered = world.store.clients.get(id);
  if (registered) {
    return {
      kind: "registered",
      clientId: id,
      displayName: registered.displayName,
      redirectUris: registered.redirectUris,
      multiTenant: true,
      permissions: registered.permissions,
      client: registered,
    };
  }
  const app = world.store.appByAppId(id);
  if (!app) return undefined;
  const web = app.props.web as { redirectUris?: string[] } | undefined;
  return {
    kind: "graph",
    clientId: id,
    displayName: app.displayName,
    redirectUris: web?.redirectUris ?? [],
    multiTenant: app.signInAudience !== "AzureADMyOrg",
    permissions: [],
    app,
  };
}

/**
 * Entra compares redirect URIs exactly, except that for http://localhost (and 127.0.0.1) it ignores the
 * port, so native and dev apps can pick any free port.
 */
export function redirectUriAllowed(client: ResolvedClient, uri: string): boolean {
  if (client.redirectUris.includes(uri)) return true;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return false;
  }
  if (u.protocol !== "http:" || !["localhost", "127.0.0.1"].includes(u.hostname)) return false;
  return client.redirectUris.some((r) => {
    try {
      const ru = new URL(r);
      return (
        ru.protocol === "http:" &&
        ru.hostname === u.hostname &&
        ru.pathname === u.pathname &&
        ru.search === u.search
      );
    } catch {
      return false;
    }
  });
}

/** Expands "/.default" into the client's configured permissions for that resource. */
export function requestedKeys(client: ResolvedClient, scopes: ParsedScope[]): string[] {
  const keys = new Set<string>();
  for (const s of scopes) {
    if (!s.resource) {
      keys.add(scopeKey("graph", s.name));
      continue;
    }
    if (s.name === ".default") {
      const resource = s.resource;
      const configured = client.permissions
        .map(permissionToKey)
        .filter((k): k is string => !!k && splitKey(k).resource === resource);
      for (const k of configured) keys.add(k);
      if (configured.length === 0 && resource === "graph") keys.add(scopeKey("graph", "User.Read"));
      if (configured.length === 0 && resource === "arm") keys.add(scopeKey("arm", "user_impersonation"));
      continue;
    }
    keys.add(scopeKey(s.resource, s.name));
  }
  return [...keys];
}

export function isOidcKey(key: string): boolean {
  const { resource, name } = splitKey(key);
  return resource === "graph" && OIDC_SCOPES.has(name);
}

/** Keys this user already has for the client in the tenant (tenant-wide grants plus their own). */
export function grantedKeys(world: World, tenantId: string, clientId: string, userId: string): Set<string> {
  const firstParty = firstPartyClient(clientId);
  if (firstParty) return new Set(firstParty.permissions.map(permissionToKey).filter((k): k is string => !!k));
  const grant = world.store.consent(tenantId, clientId);
  const keys = new Set<string>([...grant.admin, ...(grant.users.get(userId) ?? [])]);
  // Sign-in scopes come with any grant, so a pre-consented app never stops at the consent page for them.
  if (keys.size > 0) for (const s of OIDC_SCOPES) keys.add(scopeKey("graph", s));
  return keys;
}

export function isAdminForConsent(user: User): boolean {
  return user.roles.some((r) =>
    [
      "Global Administrator",
      "Privileged Role Administrator",
      "Cloud Application Administrator",
      "Application Administrator",
    ].includes(r),
  );
}

function accessTokenLifetime(tenant: Tenant): number {
  return tenant.settings.tokenLifetimeSeconds;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

export function issueUserAccessToken(
  world: World,
  opts: {
    tenant: Tenant;
    user: User;
    clientId: string;
    resource: ResourceId;
    audience: string;
    scopes: string[];
  },
): IssuedAccessToken {
  const iat = Math.floor(now(world) / 1000);
  const lifetime = accessTokenLifetime(opts.tenant);
  const claims = {
    aud: opts.audience,
    iss: `https://sts.windows.net/${opts.tenant.id}/`,
    iat,
    nbf: iat,
    exp: iat + lifetime,
    acr: "1",
    aio: randomString(40),
    amr: ["pwd"],
    app_displayname: resolveClient(world, opts.clientId)?.displayName,
    appid: opts.clientId,
    appidacr: "1",
    azp: opts.clientId,
    family_name: opts.user.surname ?? undefined,
    given_name: opts.user.givenName ?? undefined,
    idtyp: "user",
    ipaddr: "127.0.0.1",
    name: opts.user.displayName,
    oid: opts.user.id,
    puid: createHash("sha256").update(opts.user.id).digest("hex").slice(0, 16).toUpperCase(),
    rh: "0.emulator.",
    scp: opts.scopes.join(" "),
    sub: base64url(
      createHash("sha256").update(`${opts.user.id}|${RESOURCES[opts.resource].appId}`).digest(),
    ).slice(0, 43),
    tid: opts.tenant.id,
    unique_name: opts.user.userPrincipalName,
    upn: opts.user.userPrincipalName,
    uti: randomString(22),
    ver: "1.0",
    wids: [...opts.user.roles.map((r) => DIRECTORY_ROLES[r]), USER_ROLE_TEMPLATE],
  };
  const token = signJwt(world.keys, claims);
  recordIssued(world, "accessToken", opts.tenant.id, token);
  return { token, expiresIn: lifetime };
}

export function issueAppAccessToken(
  world: World,
  opts: {
    tenant: Tenant;
    sp: ServicePrincipal | { id: string; displayName: string };
    clientId: string;
    audience: string;
    roles: string[];
  },
): IssuedAccessToken {
  const iat = Math.floor(now(world) / 1000);
  const lifetime = accessTokenLifetime(opts.tenant);
  const claims: Record<string, unknown> = {
    aud: opts.audience,
    iss: `https://sts.windows.net/${opts.tenant.id}/`,
    iat,
    nbf: iat,
    exp: iat + lifetime,
    aio: randomString(40),
    app_displayname: opts.sp.displayName,
    appid: opts.clientId,
    appidacr: "1",
    azp: opts.clientId,
    idp: `https://sts.windows.net/${opts.tenant.id}/`,
    idtyp: "app",
    oid: opts.sp.id,
    rh: "0.emulator.",
    sub: opts.sp.id,
    tid: opts.tenant.id,
    uti: randomString(22),
    ver: "1.0",
  };
  if (opts.roles.length > 0) claims.roles = opts.roles;
  const token = signJwt(world.keys, claims);
  recordIssued(world, "accessToken", opts.tenant.id, token);
  return { token, expiresIn: lifetime };
}

/** The v2.0 issuer for a tenant, as published by discovery for that tenant. */
export function issuerFor(world: World, tenantId: string): string {
  return `${world.baseUrl}/${tenantId}/v2.0`;
}

export function issueIdToken(
  world: World,
  opts: { tenant: Tenant; user: User; clientId: string; nonce?: string; authTime: number; email: boolean },
): string {
  const iat = Math.floor(now(world) / 1000);
  const claims: Record<string, unknown> = {
    aud: opts.clientId,
    iss: issuerFor(world, opts.tenant.id),
    iat,
    nbf: iat,
    exp: iat + 3600,
    auth_time: opts.authTime,
    name: opts.user.displayName,
    oid: opts.user.id,
    preferred_username: opts.user.userPrincipalName,
    rh: "0.emulator.",
    // Entra's sub is pairwise: stable per user and app, different across apps.
    sub: base64url(createHash("sha256").update(`${opts.user.id}|${opts.clientId}`).digest()).slice(0, 43),
    tid: opts.tenant.id,
    uti: randomString(22),
    ver: "2.0",
  };
  if (opts.nonce !== undefined) claims.nonce = opts.nonce;
  if (opts.email) claims.email = opts.user.userPrincipalName;
  const token = signJwt(world.keys, claims);
  recordIssued(world, "idToken", opts.tenant.id, token);
  return token;
}

export function clientInfo(user: User): string {
  return base64url(JSON.stringify({ uid: user.id, utid: user.tenantId }));
}

export function issueRefreshToken(
  world: World,
  opts: { clientId: string; user: User; authTime: number },
): string {
  const iat = Math.floor(now(world) / 1000);
  const payload: RefreshTokenPayload = {
    kind: "rt",
    clientId: opts.clientId,
    userId: opts.user.id,
    tenantId: opts.user.tenantId,
    iat,
    exp: iat + 90 * 24 * 3600,
    jti: guid(),
    authTime: opts.authTime,
  };
  const token = seal(world.keys, payload);
  recordIssued(world, "refreshToken", opts.user.tenantId, token);
  return token;
}

export function readRefreshToken(world: World, token: string): RefreshTokenPayload | undefined {
  const payload = unseal<RefreshTokenPayload>(world.keys, token);
  if (!payload || payload.kind !== "rt") return undefined;
  if (world.revokedRefreshTokens.has(payload.jti)) return undefined;
  return payload;
}

export { parseScopes };

/** What the token endpoint hands a user grant (authorization code, refresh token) once it knows the client. */
export interface UserGrantRequest {
  urlTenant?: Tenant;
  client: ResolvedClient;
  secret?: string;
  form: URLSearchParams;
  wantClientInfo: boolean;
}
