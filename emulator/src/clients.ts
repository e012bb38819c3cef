/** Registration of multi-tenant client apps (the portal's own Entra app) and consent grants. */
import { permissionToKey } from "./entra/scopes";
import { clientSecretValue, guid, isGuid } from "./ids";
import type { ClientApp } from "./store";
import type { World } from "./world";

export interface ClientRegistration {
  clientId?: string;
  clientSecret?: string;
  displayName?: string;
  redirectUris?: string[];
  /** Configured delegated permissions (full form); default: what MCA Connect asks for. */
  permissions?: string[];
  /** Tenants where an admin already granted tenant-wide consent to the permissions. */
  consentedTenants?: string[];
}

export const PORTAL_PERMISSIONS = [
  "https://graph.microsoft.com/User.Read",
  "https://graph.microsoft.com/Application.ReadWrite.All",
  "https://management.azure.com/user_impersonation",
  "https://graph.microsoft.com/openid",
  "https://graph.microsoft.com/profile",
  "https://graph.microsoft.com/offline_access",
];

export class ClientError extends Error {}

/** Idempotent for the same clientId: updates what was sent and keeps the rest. */
export function registerClient(world: World, reg: ClientRegistration): ClientApp {
  const clientId = (reg.clientId ?? guid()).toLowerCase();
  if (!isGuid(clientId)) throw new ClientError("clientId must be a GUID");
  if (
    reg.redirectUris !== undefined &&
    (!Array.isArray(reg.redirectUris) ||
      reg.redirectUris.some((u) => typeof u !== "string" || !/^https?:\/\//.test(u)))
  ) {
    throw new ClientError("redirectUris must be a list of http(s) URLs");
  }
  if (world.store.appByAppId(clientId))
    throw new ClientError(`clientId ${clientId} is already an application created through Graph`);
  const permissions = reg.permissions ?? undefined;
  for (const p of permissions ?? [])
    if (!permissionToKey(p)) throw new ClientError(`Unknown permission '${p}'`);
  const existing = world.store.clients.get(clientId);
  const client: ClientApp = existing ?? {
    clientId,
    clientSecret: reg.clientSecret ?? clientSecretValue(),
    displayName: reg.displayName ?? "MCA Connect",
    redirectUris: [],
    permissions: PORTAL_PERMISSIONS,
  };
  if (reg.clientSecret !== undefined) client.clientSecret = reg.clientSecret;
  if (reg.displayName !== undefined) client.displayName = reg.displayName;
  if (reg.redirectUris !== undefined) client.redirectUris = reg.redirectUris;
  if (permissions !== undefined) client.permissions = permissions;
  world.store.clients.set(clientId, client);
  for (const tenantId of reg.consentedTenants ?? [])
    grantConsent(world, tenantId, clientId, undefined, undefined);
  return client;
}

export function grantConsent(
  world: World,
  tenantIdOrDomain: string,
  clientId: string,
  scopes: string[] | undefined,
  userId: string | undefined,
): void {
  const tenant = world.store.tenantByIdOrDomain(tenantIdOrDomain);
  if (!tenant) throw new ClientError(`Unknown tenant '${tenantIdOrDomain}'`);
  const client = world.store.clients.get(clientId.toLowerCase());
  if (!client) throw new ClientError(`Unknown client '${clientId}'`);
  const keys = (scopes ?? client.permissions).map((s) => {
    const k = permissionToKey(s);
    if (!k) throw new ClientError(`Unknown permission '${s}'`);
    return k;
  });
  const grant = world.store.consent(tenant.id, client.clientId);
  if (userId) {
    const user = world.store.users.get(userId.toLowerCase()) ?? world.store.userByUpn(userId);
    if (!user || user.tenantId !== tenant.id)
      throw new ClientError(`Unknown user '${userId}' in tenant ${tenant.id}`);
    const mine = grant.users.get(user.id) ?? new Set<string>();
    for (const k of keys) mine.add(k);
    grant.users.set(user.id, mine);
  } else for (const k of keys) grant.admin.add(k);
}
