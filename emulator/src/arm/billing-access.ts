/**
 * Who may do what on a billing account: the billing roles a caller holds (after propagation), the
 * refusals Microsoft.Billing answers, and the two access-check routes (checkAccess, billingPermissions).
 */
import type { Caller } from "../auth";
import { isObject, type Ctx } from "../http";
import type { BillingAccount } from "../store";
import { now, type World } from "../world";
import { API_VERSIONS, armError, armJson, armRoute, authorizationFailed, readArmBody } from "./common";
import { CONTRIBUTOR, EA_ADMIN, OWNER, definitionsFor, isEa } from "./billing-roles";

export function accountId(name: string): string {
  return `/providers/Microsoft.Billing/billingAccounts/${name}`;
}

export function roleDefinitionId(accountName: string, guidName: string): string {
  return `${accountId(accountName)}/billingRoleDefinitions/${guidName}`;
}

/** Billing roles the caller holds on the account now (after propagation), plus an elevated GA's rights. */
export function effectiveRoles(world: World, account: BillingAccount, caller: Caller): Set<string> {
  const t = now(world);
  const roles = new Set(
    world.store
      .assignmentsOf(account.name)
      .filter((a) => a.principalId === caller.principalId && t >= a.effectiveAt)
      .map((a) => a.roleDefinitionName),
  );
  if (
    caller.kind === "user" &&
    caller.user.billingElevated &&
    caller.user.roles.includes("Global Administrator") &&
    account.primaryBillingTenantId === caller.user.tenantId &&
    !isEa(account.agreementType)
  ) {
    roles.add(OWNER);
  }
  return roles;
}

export function canManageRoles(account: BillingAccount, roles: Set<string>): boolean {
  return isEa(account.agreementType) ? roles.has(EA_ADMIN) : roles.has(OWNER);
}

export function accountNotFound(ctx: Ctx, name: string): void {
  armError(ctx, 404, "BillingAccountNotFound", `Billing account '${name}' was not found.`);
}

export function forbidden(
  world: World,
  ctx: Ctx,
  caller: Caller,
  action: string,
  scope: string,
  extra = "",
): void {
  // The account's primary tenant owns the switch, so a test that seeds the account controls the answer.
  const account = world.store.billingAccounts.get(scope.split("/").pop() ?? "");
  const owner = account ? world.store.tenants.get(account.primaryBillingTenantId) : undefined;
  const choice = (owner ?? caller.tenant).settings.billingAuthorizationFailed;
  authorizationFailed(ctx, caller, action, scope, { ...choice, extra });
}

/** Loads the account and checks read access; answers errors itself. */
export function readableAccount(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  action = "Microsoft.Billing/billingAccounts/read",
): { account: BillingAccount; roles: Set<string> } | undefined {
  const account = world.store.billingAccounts.get(name);
  if (!account) {
    accountNotFound(ctx, name);
    return undefined;
  }
  const roles = effectiveRoles(world, account, caller);
  if (roles.size === 0) {
    forbidden(world, ctx, caller, action, accountId(name));
    return undefined;
  }
  return { account, roles };
}

const OWNER_ACTIONS = [
  "microsoft.billing/billingaccounts/createbillingroleassignment/action",
  "microsoft.billing/billingaccounts/billingroleassignments/write",
  "microsoft.billing/billingaccounts/billingroleassignments/delete",
];

function decide(action: string, account: BillingAccount, roles: Set<string>): "Allowed" | "NotAllowed" {
  const a = action.toLowerCase();
  if (roles.size === 0) return "NotAllowed";
  if (OWNER_ACTIONS.includes(a)) return canManageRoles(account, roles) ? "Allowed" : "NotAllowed";
  if (
    (a.startsWith("microsoft.billing/") ||
      a.startsWith("microsoft.costmanagement/") ||
      a.startsWith("microsoft.consumption/")) &&
    a.endsWith("/read")
  )
    return "Allowed";
  if (a.startsWith("microsoft.billing/") && (a.endsWith("/write") || a.endsWith("/action")))
    return roles.has(OWNER) || roles.has(CONTRIBUTOR) || roles.has(EA_ADMIN) ? "Allowed" : "NotAllowed";
  return "NotAllowed";
}

export function checkAccess(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const version = armRoute(ctx, "POST /billingAccounts/{name}/checkAccess", API_VERSIONS.checkAccess, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/checkAccess",
  });
  if (!version) return;
  const account = world.store.billingAccounts.get(name);
  if (!account) return accountNotFound(ctx, name);
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return;
  const actions = isObject(parsed.value) ? parsed.value.actions : undefined;
  if (!Array.isArray(actions) || actions.some((a) => typeof a !== "string"))
    return armError(
      ctx,
      400,
      "InvalidRequest",
      "The actions field is required and must be a list of strings.",
    );
  const roles = effectiveRoles(world, account, caller);
  armJson(
    ctx,
    200,
    (actions as string[]).map((action) => ({ accessDecision: decide(action, account, roles), action })),
  );
}

export function billingPermissions(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const version = armRoute(ctx, "GET /billingAccounts/{name}/billingPermissions", API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/billingPermissions",
  });
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name);
  if (!found) return;
  const actions = new Set<string>();
  for (const def of definitionsFor(found.account.agreementType))
    if (found.roles.has(def.name)) for (const a of def.actions) actions.add(a);
  armJson(ctx, 200, { value: [{ actions: [...actions], notActions: [] }] });
}
