/**
 * Who may do what on a billing account: the billing roles a caller holds (after propagation), the
 * refusals Microsoft.Billing answers, and the two access-check routes (checkAccess, billingPermissions).
 */
import type { Caller } from "../auth";
import { windowOver } from "../delay-window";
import { isObject, type Ctx } from "../http";
import type { BillingAccount, BillingRoleAssignment, DirectoryRole } from "../store";
import { now, type World } from "../world";
import { CONTRIBUTOR, EA_ADMIN, OWNER, READER, definitionsFor, isEa } from "./billing-roles";
import { API_VERSIONS, armError, armJson, armRoute, authorizationFailed, readArmBody } from "./common";

export function accountId(name: string): string {
  return `/providers/Microsoft.Billing/billingAccounts/${name}`;
}

export function roleDefinitionId(accountName: string, guidName: string): string {
  return `${accountId(accountName)}/billingRoleDefinitions/${guidName}`;
}

/** What a caller may do on a billing account. */
export interface BillingAccess {
  /** Billing roles held through role assignments (after propagation), and an elevated GA's owner role. */
  roles: Set<string>;
  /**
   * A Global Administrator of the account's primary billing tenant on an MCA or MPA account: read access
   * to it and to its costs, and the right to manage its role assignments, with no role assignment.
   */
  globalAdmin: boolean;
}

/** The agreement types whose accounts Global Administrators can see and manage roles of (not EA, MOSP). */
function adminVisibleAgreement(account: BillingAccount): boolean {
  return ["MicrosoftCustomerAgreement", "MicrosoftPartnerAgreement"].includes(account.agreementType);
}

function holdsDirectoryRole(caller: Caller, account: BillingAccount, roles: DirectoryRole[]): boolean {
  return (
    caller.kind === "user" &&
    caller.user.tenantId === account.primaryBillingTenantId &&
    adminVisibleAgreement(account) &&
    caller.user.roles.some((r) => roles.includes(r))
  );
}

/** Whether the assignment's role has propagated to the service by t; a pending window starts here. */
function honoured(a: BillingRoleAssignment, service: "billing" | "cost", t: number): boolean {
  const billing = windowOver(a, "effectiveAt", t, ["costEffectiveAt"]);
  return service === "cost" ? t >= (a.costEffectiveAt ?? a.effectiveAt) : billing;
}

/** The caller's access as Microsoft.Billing sees it, or (service "cost") as Cost Management does. */
export function billingAccess(
  world: World,
  account: BillingAccount,
  caller: Caller,
  service: "billing" | "cost" = "billing",
): BillingAccess {
  const t = now(world);
  const roles = new Set(
    world.store
      .assignmentsOf(account.name)
      .filter((a) => a.principalId === caller.principalId && honoured(a, service, t))
      .map((a) => a.roleDefinitionName),
  );
  const globalAdmin = holdsDirectoryRole(caller, account, ["Global Administrator"]);
  // billingElevated: a Global Administrator who made themselves Billing account owner (a shorthand).
  if (globalAdmin && caller.kind === "user" && caller.user.billingElevated) roles.add(OWNER);
  return { roles, globalAdmin };
}

/** Roles held directly: what a list without includeAll shows the account for. */
export function hasDirectRole(access: BillingAccess): boolean {
  return access.roles.size > 0;
}

export function canRead(access: BillingAccess): boolean {
  return access.roles.size > 0 || access.globalAdmin;
}

/**
 * includeAll=true (2024-04-01; includeAllOrgs=true at 2020-05-01) adds accounts the user holds no role
 * on "if the user has one of the following AAD roles: Global Administrator, Global Reader, Billing
 * Administrator" (the spec). What Global Readers and Billing Administrators may then do is not
 * documented: here they see the account listed with hasReadAccess false, and nothing more.
 */
export function listedForAdmin(account: BillingAccount, caller: Caller): boolean {
  return holdsDirectoryRole(caller, account, [
    "Global Administrator",
    "Global Reader",
    "Billing Administrator",
  ]);
}

export function canManageRoles(account: BillingAccount, access: BillingAccess): boolean {
  if (isEa(account.agreementType)) return access.roles.has(EA_ADMIN);
  return access.roles.has(OWNER) || access.globalAdmin;
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
): { account: BillingAccount; access: BillingAccess } | undefined {
  const account = world.store.billingAccounts.get(name);
  if (!account) {
    accountNotFound(ctx, name);
    return undefined;
  }
  const access = billingAccess(world, account, caller);
  if (!canRead(access)) {
    forbidden(world, ctx, caller, action, accountId(name));
    return undefined;
  }
  return { account, access };
}

const OWNER_ACTIONS = [
  "microsoft.billing/billingaccounts/createbillingroleassignment/action",
  "microsoft.billing/billingaccounts/billingroleassignments/write",
  "microsoft.billing/billingaccounts/billingroleassignments/delete",
];

function decide(action: string, account: BillingAccount, access: BillingAccess): "Allowed" | "NotAllowed" {
  const a = action.toLowerCase();
  const { roles } = access;
  if (!canRead(access)) return "NotAllowed";
  if (OWNER_ACTIONS.includes(a)) return canManageRoles(account, access) ? "Allowed" : "NotAllowed";
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
  const access = billingAccess(world, account, caller);
  armJson(
    ctx,
    200,
    (actions as string[]).map((action) => ({ accessDecision: decide(action, account, access), action })),
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
  const { roles, globalAdmin } = found.access;
  // A Global Administrator's read-only view: the reader role's permissions (their ids are not documented).
  for (const def of definitionsFor(found.account.agreementType))
    if (roles.has(def.name) || (globalAdmin && def.name === READER))
      for (const a of def.actions) actions.add(a);
  armJson(ctx, 200, { value: [{ actions: [...actions], notActions: [] }] });
}
