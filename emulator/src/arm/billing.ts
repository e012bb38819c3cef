/**
 * Microsoft.Billing routes under /arm/providers/Microsoft.Billing/billingAccounts: accounts and role
 * definitions (billing-accounts.ts), role assignments (billing-assignments.ts, billing-create.ts; the EA
 * PUT and an enrollment's departments and enrollment accounts in ea.ts),
 * operation results, checkAccess and billingPermissions (billing-access.ts), resolveBillingRoleAssignments
 * (billing-resolve.ts).
 */
import type { Caller } from "../auth";
import type { Ctx } from "../http";
import type { World } from "../world";
import { billingPermissions, checkAccess } from "./billing-access";
import { getAccount, listAccounts, roleDefinitions } from "./billing-accounts";
import { deleteAssignment, getAssignment, listAssignments } from "./billing-assignments";
import { createAssignment, operationResult, operationStatus, settleOperations } from "./billing-create";
import { resolveAssignments } from "./billing-resolve";
import { applyErrorShape } from "./common";
import { enrollmentChildren, putAssignment } from "./ea";

export { settleOperations };

/** Routes under /arm/providers/Microsoft.Billing/billingAccounts; returns false when nothing matched. */
export function handleBilling(world: World, ctx: Ctx, caller: Caller, rest: string[]): boolean {
  settleOperations(world);
  const m = ctx.method;
  const [accountName, sub, subId, ...more] = rest;
  const family = sub?.toLowerCase();
  applyErrorShape(
    world,
    ctx,
    family === "billingroleassignments"
      ? "billingRoleAssignments"
      : family === "createbillingroleassignment" ||
          family === "operationresults" ||
          family === "operationstatus"
        ? "createBillingRoleAssignment"
        : "billingAccounts",
  );
  if (accountName === undefined) {
    if (m !== "GET") return false;
    listAccounts(world, ctx, caller);
    return true;
  }
  const s = sub?.toLowerCase();
  if (more.length > 0 && !(s === "providers")) return false;
  if (s === undefined) {
    if (m !== "GET") return false;
    getAccount(world, ctx, caller, accountName);
    return true;
  }
  if ((s === "departments" || s === "enrollmentaccounts") && m === "GET") {
    enrollmentChildren(
      world,
      ctx,
      caller,
      accountName,
      s === "departments" ? "departments" : "enrollmentAccounts",
      subId,
    );
    return true;
  }
  if (s === "billingroledefinitions" && m === "GET") {
    roleDefinitions(world, ctx, caller, accountName, subId);
    return true;
  }
  if (s === "billingroleassignments") {
    if (subId === undefined && m === "GET") listAssignments(world, ctx, caller, accountName);
    else if (subId !== undefined && m === "GET") getAssignment(world, ctx, caller, accountName, subId);
    else if (subId !== undefined && m === "DELETE") deleteAssignment(world, ctx, caller, accountName, subId);
    else if (subId !== undefined && m === "PUT") putAssignment(world, ctx, caller, accountName, subId);
    else return false;
    return true;
  }
  if (s === "createbillingroleassignment" && subId === undefined && m === "POST") {
    createAssignment(world, ctx, caller, accountName);
    return true;
  }
  if (s === "operationresults" && subId !== undefined && m === "GET") {
    operationResult(world, ctx, caller, accountName, subId);
    return true;
  }
  if (s === "operationstatus" && subId !== undefined && m === "GET") {
    operationStatus(world, ctx, caller, accountName, subId);
    return true;
  }
  if (s === "resolvebillingroleassignments" && subId === undefined && m === "POST") {
    resolveAssignments(world, ctx, caller, accountName);
    return true;
  }
  if (s === "checkaccess" && m === "POST") {
    checkAccess(world, ctx, caller, accountName);
    return true;
  }
  if (s === "billingpermissions" && m === "GET") {
    billingPermissions(world, ctx, caller, accountName);
    return true;
  }
  return false;
}
