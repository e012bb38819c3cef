/**
 * Microsoft.Management management groups (learn.microsoft.com/rest/api/managementgroups, 2020-05-01 …
 * 2023-04-01): GET /providers/Microsoft.Management/managementGroups lists the groups the caller holds an
 * Azure role at (or above, inherited); GET …/{groupId} answers one, with `$expand=children` (and
 * `$recurse=true`) its child groups and subscriptions, and `details.parent`.
 */
import type { Caller } from "../auth";
import type { Ctx } from "../http";
import type { ManagementGroup } from "../store";
import type { World } from "../world";
import { armJson, armPage, armRoute, authorizationFailed } from "./common";
import { hasRbacRead, managementGroup, MG_PREFIX } from "./rbac-scopes";

const VERSIONS = ["2020-02-01", "2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01"] as const;
const KIND = { namespace: "Microsoft.Management", type: "managementGroups" };

function groupId(name: string): string {
  return `${MG_PREFIX}${name}`;
}

function childrenOf(world: World, g: ManagementGroup, recurse: boolean): Record<string, unknown>[] {
  const groups = [...world.store.managementGroups.values()]
    .filter((c) => c.tenantId === g.tenantId && c.parent === g.name)
    .map((c) => ({
      type: "Microsoft.Management/managementGroups",
      id: groupId(c.name),
      name: c.name,
      displayName: c.displayName,
      children: recurse ? childrenOf(world, c, true) : null,
    }));
  const subs = g.subscriptionIds.map((id) => ({
    type: "Microsoft.Management/managementGroups/subscriptions",
    id: `/subscriptions/${id}`,
    name: id,
    displayName: world.store.subscriptions.get(id)?.displayName ?? id,
    children: null,
  }));
  return [...groups, ...subs];
}

function groupJson(world: World, g: ManagementGroup, ctx: Ctx, full: boolean): Record<string, unknown> {
  const parent = g.parent ? managementGroup(world, g.tenantId, g.parent) : undefined;
  const expand = ctx.url.searchParams.get("$expand")?.toLowerCase() ?? "";
  const recurse = ctx.url.searchParams.get("$recurse")?.toLowerCase() === "true";
  return {
    id: groupId(g.name),
    type: "Microsoft.Management/managementGroups",
    name: g.name,
    properties: {
      tenantId: g.tenantId,
      displayName: g.displayName,
      ...(full
        ? {
            details: {
              version: 1,
              updatedTime: "2024-01-01T00:00:00.0000000Z",
              updatedBy: null,
              parent: parent
                ? { id: groupId(parent.name), name: parent.name, displayName: parent.displayName }
                : null,
            },
            ...(expand.split(",").includes("children") ? { children: childrenOf(world, g, recurse) } : {}),
          }
        : {}),
    },
  };
}

/** Routes under /providers/Microsoft.Management/managementGroups; false when nothing matched. */
export function handleManagementGroups(world: World, ctx: Ctx, caller: Caller, rest: string[]): boolean {
  if (ctx.method !== "GET" || rest.length > 1) return false;
  const name = rest[0];
  const version = armRoute(
    ctx,
    name ? "GET /managementGroups/{id}" : "GET /managementGroups",
    VERSIONS,
    KIND,
  );
  if (!version) return true;
  if (name) {
    const g = managementGroup(world, caller.tenant.id, name);
    if (!g || !hasRbacRead(world, caller, groupId(g.name))) {
      // ARM answers a group the caller may not read as it answers one that does not exist (UNVERIFIED).
      authorizationFailed(ctx, caller, "Microsoft.Management/managementGroups/read", groupId(name));
      return true;
    }
    armJson(ctx, 200, groupJson(world, g, ctx, true));
    return true;
  }
  const items = [...world.store.managementGroups.values()]
    .filter((g) => g.tenantId === caller.tenant.id && hasRbacRead(world, caller, groupId(g.name)))
    .map((g) => groupJson(world, g, ctx, false));
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
  return true;
}
