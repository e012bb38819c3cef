/**
 * /_emulator/tenants/{id}/…: remove a tenant, read its state, change its settings and policies, expire
 * its tokens, age a user's sign-in sessions, change a user's roles or password.
 */
import { hashPassword } from "../entra/password-grant";
import { isObject, send, type Ctx } from "../http";
import { applySettings, type AppManagementPolicy, type TenantSettingsPatch } from "../settings";
import { DIRECTORY_ROLES, type DirectoryRole, type Tenant, type User } from "../store";
import { now } from "../world";
import { bad, body, tenantOr404, type ControlContext } from "./common";
import { tenantState } from "./state";

function updateSettings(c: ControlContext, ctx: Ctx, tenant: Tenant): void {
  const b = body(ctx);
  if (!b) return;
  const { authorizationPolicy, appManagementPolicy, ...settings } = b;
  const next = applySettings(tenant.settings, settings as TenantSettingsPatch);
  if (isObject(authorizationPolicy) && typeof authorizationPolicy.allowedToCreateApps === "boolean")
    tenant.allowedToCreateApps = authorizationPolicy.allowedToCreateApps;
  if (isObject(appManagementPolicy))
    tenant.appManagementPolicy = {
      ...tenant.appManagementPolicy,
      ...(appManagementPolicy as Partial<AppManagementPolicy>),
    };
  tenant.settings = next;
  send(ctx, 200, {
    settings: tenant.settings,
    authorizationPolicy: { allowedToCreateApps: tenant.allowedToCreateApps },
    appManagementPolicy: tenant.appManagementPolicy,
  });
}

function userOr404(c: ControlContext, ctx: Ctx, tenant: Tenant, ref: string): User | undefined {
  const user = c.world.store.users.get(ref.toLowerCase()) ?? c.world.store.userByUpn(ref);
  if (!user || user.tenantId !== tenant.id) {
    bad(ctx, 404, `Unknown user '${ref}'`);
    return undefined;
  }
  return user;
}

/**
 * Ages the user's browser sign-in sessions, as if they had signed in that much earlier: single sign-on
 * then carries the older auth_time, and max_age can find it too old.
 */
function ageSessions(c: ControlContext, ctx: Ctx, tenant: Tenant, ref: string): void {
  const user = userOr404(c, ctx, tenant, ref);
  if (!user) return;
  const b = body(ctx);
  if (!b) return;
  if (typeof b.olderBySeconds !== "number" || !Number.isInteger(b.olderBySeconds) || b.olderBySeconds < 0)
    return bad(ctx, 400, "olderBySeconds must be a whole number of seconds, 0 or more");
  const sessions = [...c.world.sessions.values()].filter((s) => s.userId === user.id);
  for (const session of sessions) session.authTime -= b.olderBySeconds;
  send(ctx, 200, {
    value: sessions.map((s) => ({ authTime: new Date(s.authTime * 1000).toISOString() })),
  });
}

function updateUser(c: ControlContext, ctx: Ctx, tenant: Tenant, ref: string): void {
  const user = userOr404(c, ctx, tenant, ref);
  if (!user) return;
  const b = body(ctx);
  if (!b) return;
  if (b.roles !== undefined) {
    if (!Array.isArray(b.roles) || b.roles.some((r) => !(r in DIRECTORY_ROLES)))
      return bad(ctx, 400, `roles must be a list of: ${Object.keys(DIRECTORY_ROLES).join(", ")}`);
    user.roles = b.roles as DirectoryRole[];
  }
  if (typeof b.billingElevated === "boolean") user.billingElevated = b.billingElevated;
  if (typeof b.password === "string") user.passwordHash = b.password ? hashPassword(b.password) : null;
  send(ctx, 200, { id: user.id, roles: user.roles, billingElevated: user.billingElevated });
}

/** Serves /_emulator/tenants/{id}/… (rest: the path's segments after /_emulator); false when no route. */
export function handleTenantRoute(c: ControlContext, ctx: Ctx, rest: string[]): boolean {
  const world = c.world;
  const m = ctx.method;
  const tenant = tenantOr404(c, ctx, rest[1]!);
  if (!tenant) return true;
  const action = rest.slice(2).join("/");
  if (action === "" && m === "DELETE") {
    world.store.removeTenant(tenant.id);
    send(ctx, 204, "");
  } else if (action === "state" && m === "GET") send(ctx, 200, tenantState(world, tenant));
  else if (action === "settings" && m === "POST") updateSettings(c, ctx, tenant);
  else if (action === "expire-tokens" && m === "POST") {
    tenant.tokensExpiredAt = Math.floor(now(world) / 1000);
    send(ctx, 200, { tokensExpiredAt: tenant.tokensExpiredAt });
  } else if (rest[2] === "users" && rest[3] && rest[4] === "sessions" && rest.length === 5 && m === "POST")
    ageSessions(c, ctx, tenant, rest[3]);
  else if (rest[2] === "users" && rest[3] && rest.length === 4 && m === "POST")
    updateUser(c, ctx, tenant, rest[3]);
  else return false;
  return true;
}
