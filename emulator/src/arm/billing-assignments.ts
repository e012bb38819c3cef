/**
 * Microsoft.Billing role assignments on a billing account: their JSON per api-version, list, get and
 * delete. Creating them is in billing-create.ts.
 */
import type { Caller } from "../auth";
import { send, type Ctx } from "../http";
import type { BillingRoleAssignment } from "../store";
import type { World } from "../world";
import { API_VERSIONS, armError, armJson, armPage, armRoute } from "./common";
import { accountId, canManageRoles, forbidden, readableAccount, roleDefinitionId } from "./billing-access";
import { isModern, MODERN } from "./billing-accounts";

export const ASSIGNMENTS = { namespace: "Microsoft.Billing", type: "billingAccounts/billingRoleAssignments" };
const READ = "Microsoft.Billing/billingAccounts/billingRoleAssignments/read";
const DELETE = "Microsoft.Billing/billingAccounts/billingRoleAssignments/delete";

export function assignmentJson(a: BillingRoleAssignment, version: string): Record<string, unknown> {
  const base = {
    id: `${accountId(a.billingAccountName)}/billingRoleAssignments/${a.name}`,
    name: a.name,
    type: "Microsoft.Billing/billingAccounts/billingRoleAssignments",
  };
  if (isModern(version)) {
    return {
      ...base,
      properties: {
        createdOn: a.createdOn,
        createdByPrincipalTenantId: a.createdByPrincipalTenantId,
        createdByPrincipalId: a.createdByPrincipalId,
        principalId: a.principalId,
        roleDefinitionId: roleDefinitionId(a.billingAccountName, a.roleDefinitionName),
        scope: accountId(a.billingAccountName),
        principalType: a.principalType,
      },
    };
  }
  return {
    ...base,
    properties: {
      createdOn: a.createdOn,
      createdByPrincipalTenantId: a.createdByPrincipalTenantId,
      createdByPrincipalId: a.createdByPrincipalId,
      principalId: a.principalId,
      principalTenantId: a.principalTenantId,
      roleDefinitionId: roleDefinitionId(a.billingAccountName, a.roleDefinitionName),
      scope: accountId(a.billingAccountName),
      ...(a.userEmailAddress
        ? { userEmailAddress: a.userEmailAddress, userAuthenticationType: "Organization" }
        : {}),
    },
  };
}

export function listAssignments(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const version = armRoute(
    ctx,
    "GET /billingAccounts/{name}/billingRoleAssignments",
    API_VERSIONS.billing,
    ASSIGNMENTS,
  );
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name, READ);
  if (!found) return;
  const items = world.store.assignmentsOf(name).map((a) => assignmentJson(a, version));
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
}

export function getAssignment(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  assignmentName: string,
): void {
  const version = armRoute(
    ctx,
    "GET /billingAccounts/{name}/billingRoleAssignments/{id}",
    API_VERSIONS.billing,
    ASSIGNMENTS,
  );
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name, READ);
  if (!found) return;
  const a = world.store.assignmentsOf(name).find((x) => x.name === assignmentName.toLowerCase());
  if (!a)
    return armError(ctx, 404, "NotFound", `The billing role assignment '${assignmentName}' was not found.`);
  armJson(ctx, 200, assignmentJson(a, version));
}

export function deleteAssignment(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  assignmentName: string,
): void {
  const version = armRoute(
    ctx,
    "DELETE /billingAccounts/{name}/billingRoleAssignments/{id}",
    API_VERSIONS.billing,
    ASSIGNMENTS,
  );
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name, DELETE);
  if (!found) return;
  if (!canManageRoles(found.account, found.access))
    return forbidden(world, ctx, caller, DELETE, accountId(name));
  const list = world.store.assignmentsOf(name);
  const index = list.findIndex((x) => x.name === assignmentName.toLowerCase());
  if (index < 0) return send(ctx, 204, "");
  const [removed] = list.splice(index, 1);
  if (version < MODERN && removed) return armJson(ctx, 200, assignmentJson(removed, version));
  send(ctx, 200, "");
}
