/**
 * POST …/billingAccounts/{name}/resolveBillingRoleAssignments (2024-04-01; MCA, MPA and EA): every role
 * assignment on the account, for a preflight that names who can assign roles. The service may answer
 * 202 + Location (long-running); here it answers 200 at once, a form the spec allows. Its example shows
 * `roleDefinitionId` without the leading "/", as reproduced here; `principalDisplayName` is in the schema
 * but not in the example (billingPrincipalDisplayNames, UNVERIFIED).
 */
import type { Caller } from "../auth";
import type { Ctx } from "../http";
import type { World } from "../world";
import { accountId, readableAccount, roleDefinitionId } from "./billing-access";
import { armJson, armRoute } from "./common";

export function resolveAssignments(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const version = armRoute(
    ctx,
    "POST /billingAccounts/{name}/resolveBillingRoleAssignments",
    ["2024-04-01"],
    {
      namespace: "Microsoft.Billing",
      type: "billingAccounts/resolveBillingRoleAssignments",
    },
  );
  if (!version) return;
  const found = readableAccount(
    world,
    ctx,
    caller,
    name,
    "Microsoft.Billing/billingAccounts/billingRoleAssignments/read",
  );
  if (!found) return;
  const settings = (world.store.tenants.get(found.account.primaryBillingTenantId) ?? caller.tenant).settings;
  const names = settings.billingPrincipalDisplayNames === "present";
  const value = world.store.assignmentsOf(name).map((a) => {
    const principal =
      world.store.users.get(a.principalId) ?? world.store.servicePrincipals.get(a.principalId);
    return {
      id: `${accountId(name)}/billingRoleAssignments/${a.name}`,
      name: a.name,
      type: "Microsoft.Billing/billingAccounts/billingRoleAssignments",
      properties: {
        createdOn: a.createdOn,
        createdByPrincipalTenantId: a.createdByPrincipalTenantId,
        createdByPrincipalId: a.createdByPrincipalId,
        principalId: a.principalId,
        principalTenantId: a.principalTenantId,
        principalType: a.principalType,
        ...(names && principal ? { principalDisplayName: principal.displayName } : {}),
        roleDefinitionId: roleDefinitionId(name, a.roleDefinitionName).replace(/^\//, ""),
        scope: accountId(name),
      },
    };
  });
  armJson(ctx, 200, { value });
}
