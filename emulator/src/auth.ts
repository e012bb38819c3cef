/**
 * Bearer-token checks for Graph and ARM, in the order the real services apply them: present, well formed,
 * signed by our key, not expired, for this service's audience, from a tenant that exists.
 */
import { bearer, type Ctx } from "./http";
import { verifyJwt, type Claims } from "./keys";
import type { ServicePrincipal, Tenant, User } from "./store";
import { now, type World } from "./world";

export type Caller =
  | {
      kind: "user";
      tenant: Tenant;
      user: User;
      principalId: string;
      appId: string;
      scopes: Set<string>;
      claims: Claims;
    }
  | {
      kind: "app";
      tenant: Tenant;
      sp?: ServicePrincipal;
      principalId: string;
      appId: string;
      roles: Set<string>;
      claims: Claims;
    };

export type AuthFailure =
  | { reason: "missing" }
  | { reason: "format" }
  | { reason: "signature" }
  | { reason: "expired"; exp: number }
  | { reason: "audience"; aud: string }
  | { reason: "tenant"; iss: string }
  | { reason: "claims" };

export const GRAPH_AUDIENCES = [
  "https://graph.microsoft.com",
  "https://graph.microsoft.com/",
  "00000003-0000-0000-c000-000000000000",
];
export const ARM_AUDIENCES = [
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://management.azure.com/",
  "https://management.azure.com",
  "797f4846-ba00-4fd7-ba43-dac1f8f63013",
];

// Real services tolerate a few minutes of clock skew; keep a little so freshly minted tokens never fail.
const SKEW_SECONDS = 30;

export function authenticate(
  world: World,
  ctx: Ctx,
  audiences: string[],
): { ok: true; caller: Caller } | { ok: false; failure: AuthFailure } {
  const token = bearer(ctx);
  if (token === undefined) return { ok: false, failure: { reason: "missing" } };
  if (token === "") return { ok: false, failure: { reason: "format" } };
  const check = verifyJwt(world.keys, token);
  if (!check.ok)
    return { ok: false, failure: { reason: check.reason === "malformed" ? "format" : "signature" } };
  const c = check.claims;
  const tid = typeof c.tid === "string" ? c.tid : undefined;
  const exp = typeof c.exp === "number" ? c.exp : 0;
  const iat = typeof c.iat === "number" ? c.iat : 0;
  const t = now(world) / 1000;
  const tenant = tid ? world.store.tenants.get(tid) : undefined;
  if (t > exp + SKEW_SECONDS || (tenant?.tokensExpiredAt !== undefined && iat <= tenant.tokensExpiredAt)) {
    return { ok: false, failure: { reason: "expired", exp } };
  }
  if (typeof c.nbf === "number" && c.nbf > t + SKEW_SECONDS)
    return { ok: false, failure: { reason: "signature" } };
  const aud = typeof c.aud === "string" ? c.aud : "";
  if (!audiences.includes(aud)) return { ok: false, failure: { reason: "audience", aud } };
  if (!tenant || c.iss !== `https://sts.windows.net/${tenant.id}/`)
    return { ok: false, failure: { reason: "tenant", iss: String(c.iss ?? "") } };
  ctx.tenantId = tenant.id;
  const oid = typeof c.oid === "string" ? c.oid : "";
  const appId = typeof c.appid === "string" ? c.appid : "";
  if (c.idtyp === "app") {
    const sp = world.store.servicePrincipals.get(oid);
    const roles = new Set(Array.isArray(c.roles) ? (c.roles as string[]) : []);
    return { ok: true, caller: { kind: "app", tenant, sp, principalId: oid, appId, roles, claims: c } };
  }
  const user = world.store.users.get(oid);
  if (!user || user.tenantId !== tenant.id) return { ok: false, failure: { reason: "claims" } };
  const scopes = new Set(typeof c.scp === "string" ? c.scp.split(" ").filter(Boolean) : []);
  return { ok: true, caller: { kind: "user", tenant, user, principalId: oid, appId, scopes, claims: c } };
}

export function hasAnyScope(caller: Caller, scopes: string[]): boolean {
  if (caller.kind !== "user") return false;
  return scopes.some((s) => [...caller.scopes].some((have) => have.toLowerCase() === s.toLowerCase()));
}

export function hasAnyRole(caller: Caller, roles: string[]): boolean {
  if (caller.kind !== "app") return false;
  return roles.some((r) => caller.roles.has(r));
}

export function callerName(caller: Caller): string {
  return caller.kind === "user" ? caller.user.userPrincipalName : caller.appId;
}
