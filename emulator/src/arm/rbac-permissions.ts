/**
 * GET {scope}/providers/Microsoft.Authorization/permissions (Permissions - List For Resource Group /
 * For Resource, and the same path at a subscription or management group): the caller's effective
 * permissions at the scope, one entry per role held there or above, as Azure answers them. Any caller
 * may ask about themselves; nothing is refused but an unknown scope.
 */
import type { Caller } from "../auth";
import type { Ctx } from "../http";
import type { World } from "../world";
import { API_VERSIONS, armError, armJson, armRoute } from "./common";
import { builtInRole } from "./rbac-roles";
import { managementGroupOf, rbacRolesAt, scopeExists, subscriptionOf } from "./rbac-scopes";

export function permissionsAt(world: World, ctx: Ctx, caller: Caller, scope: string): void {
  const version = armRoute(
    ctx,
    "GET {scope}/providers/Microsoft.Authorization/permissions",
    API_VERSIONS.roleAssignments,
    { namespace: "Microsoft.Authorization", type: "permissions" },
  );
  if (!version) return;
  if (!scopeExists(world, caller, scope) || scope === "/") {
    const mg = managementGroupOf(scope);
    return mg
      ? armError(ctx, 404, "ManagementGroupNotFound", `The management group '${mg}' could not be found.`)
      : armError(
          ctx,
          404,
          "SubscriptionNotFound",
          `The subscription '${subscriptionOf(scope) ?? scope}' could not be found.`,
        );
  }
  const value = [...rbacRolesAt(world, caller, scope)]
    .map((guid) => builtInRole(guid))
    .filter((r) => !!r)
    .map((r) => ({
      actions: r.actions,
      notActions: r.notActions ?? [],
      dataActions: [],
      notDataActions: [],
    }));
  armJson(ctx, 200, { value });
}
