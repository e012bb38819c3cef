/**
 * Azure RBAC scopes and what a caller holds at them: a scope's ancestors through the management-group
 * hierarchy (tenant root group, groups, subscription, resource group, resource), whether a scope exists
 * for the caller's tenant, the roles held at or above it, and whether those roles grant an action
 * (Azure's wildcard matching of actions and notActions).
 */
import type { Caller } from "../auth";
import { mgKey, type ManagementGroup } from "../store";
import type { World } from "../world";
import { builtInRole } from "./rbac-roles";

export const MG_PREFIX = "/providers/Microsoft.Management/managementGroups/";

export function normaliseScope(scope: string): string {
  const s = `/${scope.replace(/^\/+|\/+$/g, "").replace(/\/{2,}/g, "/")}`;
  return s === "/" ? "/" : s;
}

export function subscriptionOf(scope: string): string | undefined {
  return /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
}

export function managementGroupOf(scope: string): string | undefined {
  const m = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scope);
  return m?.[1];
}

export function managementGroup(world: World, tenantId: string, name: string): ManagementGroup | undefined {
  return world.store.managementGroups.get(mgKey(tenantId, name));
}

/** The group a subscription sits in directly (the tenant root group unless placed elsewhere). */
function groupOfSubscription(world: World, tenantId: string, sub: string): ManagementGroup | undefined {
  let root: ManagementGroup | undefined;
  for (const g of world.store.managementGroups.values()) {
    if (g.tenantId !== tenantId) continue;
    if (g.subscriptionIds.includes(sub)) return g;
    if (g.parent === null) root = g;
  }
  return root;
}

function groupChain(world: World, tenantId: string, g: ManagementGroup | undefined): string[] {
  const out: string[] = [];
  for (let cur = g, guard = 0; cur && guard < 10; guard++) {
    out.push(`${MG_PREFIX}${cur.name}`.toLowerCase());
    cur = cur.parent ? managementGroup(world, tenantId, cur.parent) : undefined;
  }
  return out;
}

/** Every scope whose role assignments apply at `scope` (itself included), lower-cased. */
export function ancestors(world: World, tenantId: string, scope: string): string[] {
  const s = normaliseScope(scope).toLowerCase();
  const out = new Set<string>(["/"]);
  const mg = managementGroupOf(s);
  if (mg) for (const a of groupChain(world, tenantId, managementGroup(world, tenantId, mg))) out.add(a);
  const sub = subscriptionOf(s);
  if (sub) {
    for (const a of groupChain(world, tenantId, groupOfSubscription(world, tenantId, sub))) out.add(a);
    const parts = s.split("/").filter(Boolean);
    for (let i = 2; i <= parts.length; i++) out.add(`/${parts.slice(0, i).join("/")}`);
  }
  out.add(s);
  return [...out];
}

/** Whether an assignment at `outer` applies at `inner`. */
export function covers(world: World, tenantId: string, outer: string, inner: string): boolean {
  return ancestors(world, tenantId, inner).includes(normaliseScope(outer).toLowerCase());
}

/** Whether the scope exists in the caller's tenant: "/", its management groups, subscriptions below. */
export function scopeExists(world: World, caller: Caller, scope: string): boolean {
  if (scope === "/") return true;
  const mg = managementGroupOf(scope);
  if (mg) return !!managementGroup(world, caller.tenant.id, mg);
  const sub = subscriptionOf(scope);
  if (!sub) return false;
  const s = world.store.subscriptions.get(sub);
  return !!s && s.tenantId === caller.tenant.id;
}

/** Role guids the caller holds at the scope or above it. */
export function rbacRolesAt(world: World, caller: Caller, scope: string): Set<string> {
  const above = ancestors(world, caller.tenant.id, scope);
  return new Set(
    world.store.rbac
      .filter(
        (a) =>
          a.principalId === caller.principalId &&
          a.tenantId === caller.tenant.id &&
          above.includes(a.scope.toLowerCase()),
      )
      .map((a) => a.roleDefinitionGuid),
  );
}

export function hasRbacRead(world: World, caller: Caller, scope: string): boolean {
  return rbacRolesAt(world, caller, scope).size > 0;
}

/** Azure's action matching: case-insensitive, `*` matches any run of characters (slashes included). */
export function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(action);
}

/**
 * Whether one of the roles grants the action (some action matches and none of its notActions does);
 * `ignore` names action patterns that do not count (the readerCostQuery dialect ignores Reader's wildcard read).
 */
export function rolesGrant(roles: Iterable<string>, action: string, ignore: string[] = []): boolean {
  for (const guid of roles) {
    const role = builtInRole(guid);
    if (!role) continue;
    if (
      role.actions.some((p) => !ignore.includes(p) && actionMatches(p, action)) &&
      !(role.notActions ?? []).some((p) => actionMatches(p, action))
    )
      return true;
  }
  return false;
}

export function mayAt(world: World, caller: Caller, scope: string, action: string): boolean {
  return rolesGrant(rbacRolesAt(world, caller, scope), action);
}
