/**
 * Creating billing role assignments: createBillingRoleAssignment (Microsoft Customer and Partner
 * Agreement accounts) with its body per api-version, the principal's visibility to Microsoft.Billing and
 * the long-running answer (200, or 202 + Location polled at operationResults). The PUT of an assignment
 * (Enterprise Agreement accounts only) is in ea.ts.
 */
import type { Caller } from "../auth";
import { openWindow, windowOver } from "../delay-window";
import { isObject, send, type Ctx } from "../http";
import { guid, isGuid } from "../ids";
import type { BillingAccount, BillingRoleAssignment, PendingOperation } from "../store";
import { now, type World } from "../world";
import {
  accountId,
  accountNotFound,
  canManageRoles,
  billingAccess,
  canRead,
  forbidden,
} from "./billing-access";
import { assignmentJson } from "./billing-assignments";
import { definitionsFor, isEa } from "./billing-roles";
import { API_VERSIONS, armError, armJson, armRoute, readArmBody } from "./common";

export type AssignmentInput = {
  principalId?: string;
  principalTenantId?: string;
  roleDefinitionId?: string;
  userEmailAddress?: string;
};

function iso7(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** Completes long-running createBillingRoleAssignment operations whose time has come. */
export function settleOperations(world: World): void {
  const t = now(world);
  for (const op of world.store.operations.values())
    if (!op.done && t >= op.readyAt) completeOperation(world, op);
}

function completeOperation(world: World, op: PendingOperation): void {
  if (op.done) return;
  op.done = true;
  const list = world.store.assignmentsOf(op.billingAccountName);
  if (!list.some((a) => a.name === op.assignment.name)) {
    list.push(op.assignment);
    world.store.countCreated(op.countTenantId, "billingRoleAssignments");
  }
}

function parseRoleDefinition(account: BillingAccount, value: string): string | undefined {
  const guidPart = value.split("/").pop() ?? "";
  if (
    value.includes("/") &&
    !value.toLowerCase().startsWith(accountId(account.name).toLowerCase() + "/billingroledefinitions/")
  )
    return undefined;
  const def = definitionsFor(account.agreementType).find((d) => d.name === guidPart.toLowerCase());
  return def?.name;
}

/**
 * Shared validation for creating an assignment: role definition, principal tenant, principal visibility.
 * Answers the error itself and returns undefined, or returns the new assignment (not stored yet).
 */
export function buildAssignment(
  world: World,
  ctx: Ctx,
  caller: Caller,
  account: BillingAccount,
  input: AssignmentInput,
): BillingRoleAssignment | undefined {
  const billingTenant = world.store.tenants.get(account.primaryBillingTenantId);
  const settings = (billingTenant ?? caller.tenant).settings;
  if (!input.roleDefinitionId) {
    armError(ctx, 400, "InvalidRequest", "The RoleDefinitionId field is required.");
    return undefined;
  }
  const roleGuid = parseRoleDefinition(account, input.roleDefinitionId);
  if (!roleGuid) {
    armError(
      ctx,
      400,
      "InvalidRoleDefinitionId",
      `The role definition '${input.roleDefinitionId}' is not valid for billing account '${account.name}'.`,
    );
    return undefined;
  }
  if (!input.principalId) {
    armError(
      ctx,
      400,
      "InvalidRequest",
      "PrincipalId or UserEmailAddress/UserAuthenticationType must be specified.",
    );
    return undefined;
  }
  if (!isGuid(input.principalId)) {
    armError(ctx, 400, "InvalidRequest", `The principalId '${input.principalId}' is not a valid GUID.`);
    return undefined;
  }
  const principalTenantId = (input.principalTenantId ?? account.primaryBillingTenantId).toLowerCase();
  if (principalTenantId !== account.primaryBillingTenantId) {
    armError(
      ctx,
      settings.billingForeignTenant.status,
      settings.billingForeignTenant.code,
      `The principal tenant '${principalTenantId}' is not the primary billing tenant of billing account '${account.name}'. By default, only principals from tenant '${account.primaryBillingTenantId}' can get role assignments on this billing account.`,
    );
    return undefined;
  }
  const principalId = input.principalId.toLowerCase();
  const user = world.store.users.get(principalId);
  const sp = world.store.servicePrincipals.get(principalId);
  const t = now(world);
  let principalType: BillingRoleAssignment["principalType"];
  if (user && user.tenantId === principalTenantId) principalType = "User";
  else if (sp && sp.tenantId === principalTenantId && windowOver(sp, "billingVisibleAt", t))
    principalType = "ServicePrincipal";
  else {
    armError(
      ctx,
      settings.billingPrincipalNotFound.status,
      settings.billingPrincipalNotFound.code,
      `Principal '${principalId}' was not found in tenant '${principalTenantId}'. If the principal was created recently, this can be caused by a replication delay; retry after a few minutes. Note that the principal must be a user or a service principal object id, not an application (object or client) id.`,
    );
    return undefined;
  }
  const assignment: BillingRoleAssignment = {
    name: `${roleGuid}_${principalId}`,
    billingAccountName: account.name,
    principalId,
    principalTenantId,
    principalType,
    roleDefinitionName: roleGuid,
    createdOn: iso7(t),
    createdByPrincipalId: caller.principalId,
    createdByPrincipalTenantId: caller.tenant.id,
    effectiveAt: 0,
    costEffectiveAt: 0,
    userEmailAddress: user ? user.userPrincipalName : null,
  };
  assignment.effectiveAt = openWindow(
    assignment,
    "effectiveAt",
    settings,
    t,
    settings.delays.billingRolePropagationMs,
  );
  assignment.costEffectiveAt = assignment.effectiveAt + settings.delays.costRolePropagationMs;
  return assignment;
}

const NOT_MCA =
  "The operation is supported only for billing accounts with agreement type Microsoft Partner Agreement or Microsoft Customer Agreement.";

function readCreateBody(ctx: Ctx, version: string): AssignmentInput | undefined {
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return undefined;
  const body = parsed.value;
  if (!isObject(body)) {
    armError(
      ctx,
      400,
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized: 'request body is empty'.",
    );
    return undefined;
  }
  if (version === "2019-10-01-preview") {
    // Observed: the preview service wants a properties wrapper and rejects the flat body of its own example.
    if (!isObject(body.properties)) {
      armError(
        ctx,
        400,
        "InvalidRequest",
        "properties.PrincipalId: PrincipalId or UserEmailAddress/UserAuthenticationType must be specified. properties.RoleDefinitionId: The RoleDefinitionId field is required.",
      );
      return undefined;
    }
    return body.properties as AssignmentInput;
  }
  if (isObject(body.properties)) {
    armError(
      ctx,
      400,
      "InvalidRequest",
      "The RoleDefinitionId field is required. (At api-version 2024-04-01 the body is flat: principalId, principalTenantId and roleDefinitionId at the top level.)",
    );
    return undefined;
  }
  return body as AssignmentInput;
}

function operationLocation(world: World, op: PendingOperation): string {
  return `${world.baseUrl}/arm${accountId(op.billingAccountName)}/operationResults/${op.id}?api-version=${op.apiVersion}`;
}

function operationStatusUrl(world: World, op: PendingOperation): string {
  return `${world.baseUrl}/arm${accountId(op.billingAccountName)}/operationStatus/${op.id}?api-version=${op.apiVersion}`;
}

/** The addresses a 202 names, as the operation's lro.headers says. */
function acceptedHeaders(world: World, op: PendingOperation): Record<string, string> {
  const which = op.headers ?? "location";
  return {
    ...(which !== "async-operation" ? { Location: operationLocation(world, op) } : {}),
    ...(which !== "location" ? { "Azure-AsyncOperation": operationStatusUrl(world, op) } : {}),
    "Retry-After": String(op.retryAfterSeconds),
  };
}

export function createAssignment(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const version = armRoute(
    ctx,
    "POST /billingAccounts/{name}/createBillingRoleAssignment",
    API_VERSIONS.createBillingRoleAssignment,
    { namespace: "Microsoft.Billing", type: "billingAccounts/createBillingRoleAssignment" },
  );
  if (!version) return;
  const account = world.store.billingAccounts.get(name);
  if (!account) return accountNotFound(ctx, name);
  const access = billingAccess(world, account, caller);
  const action = "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action";
  if (!canManageRoles(account, access) || isEa(account.agreementType)) {
    if (isEa(account.agreementType) && canRead(access))
      return armError(ctx, 400, "InvalidBillingAccountType", NOT_MCA);
    return forbidden(
      world,
      ctx,
      caller,
      action,
      accountId(name),
      " Assigning billing roles requires the Billing account owner role on this billing account, or the Global Administrator role in its primary billing tenant.",
    );
  }
  if (!["MicrosoftCustomerAgreement", "MicrosoftPartnerAgreement"].includes(account.agreementType))
    return armError(ctx, 400, "InvalidBillingAccountType", NOT_MCA);
  const input = readCreateBody(ctx, version);
  if (!input) return;
  const assignment = buildAssignment(world, ctx, caller, account, input);
  if (!assignment) return;
  const billingTenant = world.store.tenants.get(account.primaryBillingTenantId) ?? caller.tenant;
  const settings = billingTenant.settings;
  const list = world.store.assignmentsOf(name);
  const existing = list.find((a) => a.name === assignment.name);
  if (existing) {
    if (settings.duplicateBillingAssignment === "conflict")
      return armError(ctx, 409, "RoleAssignmentAlreadyExists", "The role assignment already exists.");
    return armJson(ctx, 200, assignmentJson(existing, version));
  }
  const pending = [...world.store.operations.values()].find(
    (op) => !op.done && op.assignment.name === assignment.name,
  );
  if (pending || Math.random() < settings.lro.probability) {
    const op: PendingOperation = pending ?? {
      id: `createBillingRoleAssignment_${guid()}`,
      billingAccountName: name,
      pollsLeft: settings.lro.polls,
      assignment,
      retryAfterSeconds: settings.lro.retryAfterSeconds,
      apiVersion: version,
      done: false,
      readyAt: now(world) + (settings.lro.polls + 1) * Math.max(1, settings.lro.retryAfterSeconds) * 1000,
      countTenantId: billingTenant.id,
      headers: settings.lro.headers,
      startedAt: now(world),
    };
    world.store.operations.set(op.id, op);
    return send(ctx, 202, "", "application/json; charset=utf-8", acceptedHeaders(world, op));
  }
  list.push(assignment);
  world.store.countCreated(billingTenant.id, "billingRoleAssignments");
  armJson(ctx, 200, assignmentJson(assignment, version));
}

/** The operation a poll names, if the caller may see it; answers errors itself. */
function polledOperation(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  opId: string,
  kind: "operationResults" | "operationStatus",
): PendingOperation | undefined {
  const version = armRoute(ctx, `GET /billingAccounts/{name}/${kind}/{id}`, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: `billingAccounts/${kind}`,
  });
  if (!version) return undefined;
  const op = world.store.operations.get(opId);
  if (!op || op.billingAccountName !== name) {
    armError(ctx, 404, "NotFound", `The operation '${opId}' was not found.`);
    return undefined;
  }
  const account = world.store.billingAccounts.get(name);
  if (!account) {
    accountNotFound(ctx, name);
    return undefined;
  }
  if (
    op.assignment.createdByPrincipalId !== caller.principalId &&
    !canRead(billingAccess(world, account, caller))
  ) {
    forbidden(world, ctx, caller, `Microsoft.Billing/billingAccounts/${kind}/read`, accountId(name));
    return undefined;
  }
  return op;
}

/** The Location address: 202 while running, then 200 with the assignment (final-state-via location). */
export function operationResult(world: World, ctx: Ctx, caller: Caller, name: string, opId: string): void {
  const op = polledOperation(world, ctx, caller, name, opId, "operationResults");
  if (!op) return;
  if (!op.done && op.pollsLeft > 0) {
    op.pollsLeft--;
    return send(ctx, 202, "", "application/json; charset=utf-8", acceptedHeaders(world, op));
  }
  completeOperation(world, op);
  armJson(ctx, 200, assignmentJson(op.assignment, op.apiVersion));
}

/** The Azure-AsyncOperation address: always 200, with the operation's status (ARM's convention). */
export function operationStatus(world: World, ctx: Ctx, caller: Caller, name: string, opId: string): void {
  const op = polledOperation(world, ctx, caller, name, opId, "operationStatus");
  if (!op) return;
  const running = !op.done && op.pollsLeft > 0;
  if (running) op.pollsLeft--;
  else completeOperation(world, op);
  const iso = (ms: number) => new Date(ms).toISOString();
  armJson(
    ctx,
    200,
    {
      id: `${accountId(name)}/operationStatus/${op.id}`,
      name: op.id,
      status: running ? "InProgress" : "Succeeded",
      startTime: iso(op.startedAt ?? now(world)),
      ...(running ? {} : { endTime: iso(now(world)) }),
    },
    running ? { "Retry-After": String(op.retryAfterSeconds) } : {},
  );
}
