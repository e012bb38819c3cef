/**
 * Microsoft.Billing role assignments on a billing account: their JSON per api-version, list, get and
 * delete. Creating them is in billing-create.ts.
 */
import type { Caller } from "../auth";
import { send, type Ctx } from "../http";
import type { BillingRoleAssignment } from "../store";
import type { World } from "../world";
import { accountId, canManageRoles, forbidden, readableAccount, roleDefinitionId } from "./billing-access";
import { isModern, MODERN } from "./billing-accounts";
import { isEa } from "./billing-roles";
import { API_VERSIONS, armError, armJson, armPage, armRoute } from "./common";

export const ASSIGNMENTS = { namespace: "Microsoft.Billing", type: "billingAccounts/billingRoleAssignments" };
const READ = "Microsoft.Billing/billingAccounts/billingRoleAssignments/read";
const DELETE = "Microsoft.Billing/billingAccounts/billingRoleAssignments/delete";

/**
 * An assignment's JSON at the api-version asked: 2024-04-01 as Microsoft's examples (an EA enrollment's
 * with principalTenantId and no principalType, as the EA create example), older versions as 2020-05-01.
 */
export function assignmentJson(
  a: BillingRoleAssignment,
  version: string,
  ea = false,
): Record<string, unknown> {
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
        ...(ea ? { principalTenantId: a.principalTenantId } : {}),
        roleDefinitionId: roleDefinitionId(a.billingAccountName, a.roleDefinitionName),
        scope: accountId(a.billingAccountName),
        ...(ea ? {} : { principalType: a.principalType }),
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

/**
 * The route of a request on one billing account's role assignments: its api-version, and the account as
 * the caller may see it for `action`; undefined once it has answered (an unknown version, no access).
 */
export function assignmentsRoute(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  route: string,
  action: string,
) {
  const version = armRoute(ctx, route, API_VERSIONS.billing, ASSIGNMENTS);
  if (!version) return undefined;
  const found = readableAccount(world, ctx, caller, name, action);
  return found ? { version, ...found } : undefined;
}

export function listAssignments(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const found = assignmentsRoute(
    world,
    ctx,
    caller,
    name,
    "GET /billingAccounts/{name}/billingRoleAssignments",
    READ,
  );
  if (!found) return;
  const { version } = found;
  const ea = isEa(found.account.agreementType);
  const items = world.store.assignmentsOf(name).map((a) => assignmentJson(a, version, ea));
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
}

export function getAssignment(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  assignmentName: string,
): void {
  const found = assignmentsRoute(
    world,
    ctx,
    caller,
    name,
    "GET /billingAccounts/{name}/billingRoleAssignments/{id}",
    READ,
  );
  if (!found) return;
  const { version } = found;
  const a = world.store.assignmentsOf(name).find((x) => x.name === assignmentName.toLowerCase());
  if (!a)
    return armError(ctx, 404, "NotFound", `The billing role assignment '${assignmentName}' was not found.`);
  armJson(ctx, 200, assignmentJson(a, version, isEa(found.account.agreementType)));
}

export function deleteAssignment(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  assignmentName: string,
): void {
  const found = assignmentsRoute(
    world,
    ctx,
    caller,
    name,
    "DELETE /billingAccounts/{name}/billingRoleAssignments/{id}",
    DELETE,
  );
  if (!found) return;
  const { version } = found;
  if (!canManageRoles(found.account, found.access))
    return forbidden(world, ctx, caller, DELETE, accountId(name));
  const list = world.store.assignmentsOf(name);
  const index = list.findIndex((x) => x.name === assignmentName.toLowerCase());
  if (index < 0) return send(ctx, 204, "");
  const [removed] = list.splice(index, 1);
  if (version < MODERN && removed)
    return armJson(ctx, 200, assignmentJson(removed, version, isEa(found.account.agreementType)));
  send(ctx, 200, "");
}
