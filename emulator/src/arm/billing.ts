/**
 * Microsoft.Billing: billing accounts, role definitions, role assignments (list/get/delete, PUT for EA,
 * createBillingRoleAssignment for MCA with its 200 / 202 + Location answers), operation results,
 * checkAccess and billingPermissions. Response shapes follow the api-version asked for.
 */
import type { Caller } from "../auth";
import { isObject, send, type Ctx } from "../http";
import { guid, isGuid } from "../ids";
import type { BillingAccount, BillingRoleAssignment, PendingOperation } from "../store";
import { now, type World } from "../world";
import {
  API_VERSIONS,
  apiVersion,
  armError,
  armJson,
  armPage,
  callerDescription,
  readArmBody,
} from "./common";
import { CONTRIBUTOR, EA_ADMIN, OWNER, definitionsFor, isEa } from "./billing-roles";

const MODERN = "2024-04-01";

export function accountId(name: string): string {
  return `/providers/Microsoft.Billing/billingAccounts/${name}`;
}

function isModern(version: string): boolean {
  return version >= MODERN;
}

function iso7(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

export function billingAccountJson(account: BillingAccount, version: string): Record<string, unknown> {
  if (isModern(version)) {
    return {
      id: accountId(account.name),
      name: account.name,
      properties: {
        accountStatus: account.accountStatus,
        accountType: account.accountType,
        accountSubType: account.accountSubType,
        agreementType: account.agreementType,
        displayName: account.displayName,
        hasReadAccess: true,
        primaryBillingTenantId: account.primaryBillingTenantId,
      },
      type: "Microsoft.Billing/billingAccounts",
      systemData: { createdAt: account.createdAt, lastModifiedAt: account.createdAt },
    };
  }
  // The 2020-05-01 model (the one @azure/arm-billing 4.1.0 deserializes) has no primaryBillingTenantId.
  return {
    id: accountId(account.name),
    name: account.name,
    properties: {
      accountStatus: account.accountStatus,
      accountType: account.accountType,
      agreementType: account.agreementType,
      displayName: account.displayName,
      hasReadAccess: true,
    },
    type: "Microsoft.Billing/billingAccounts",
  };
}

export function roleDefinitionId(accountName: string, guidName: string): string {
  return `${accountId(accountName)}/billingRoleDefinitions/${guidName}`;
}

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

function canManageRoles(account: BillingAccount, roles: Set<string>): boolean {
  return isEa(account.agreementType) ? roles.has(EA_ADMIN) : roles.has(OWNER);
}

function accountNotFound(ctx: Ctx, name: string): void {
  armError(ctx, 404, "BillingAccountNotFound", `Billing account '${name}' was not found.`);
}

function forbidden(world: World, ctx: Ctx, caller: Caller, action: string, scope: string, extra = ""): void {
  // The account's primary tenant owns the switch, so a test that seeds the account controls the answer.
  const account = world.store.billingAccounts.get(scope.split("/").pop() ?? "");
  const owner = account ? world.store.tenants.get(account.primaryBillingTenantId) : undefined;
  const choice = (owner ?? caller.tenant).settings.billingAuthorizationFailed;
  armError(
    ctx,
    choice.status,
    choice.code,
    `${callerDescription(caller)} does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.${extra}`,
  );
}

/** Loads the account and checks read access; answers errors itself. */
function readableAccount(
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

function listAccounts(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /billingAccounts";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts",
  });
  if (!version) return;
  const visible = [...world.store.billingAccounts.values()].filter(
    (a) => effectiveRoles(world, a, caller).size > 0,
  );
  armJson(
    ctx,
    200,
    armPage(
      world,
      ctx,
      visible.map((a) => billingAccountJson(a, version)),
      caller.tenant.settings.armPageSize,
    ),
  );
}

function getAccount(world: World, ctx: Ctx, caller: Caller, name: string): void {
  ctx.route = "GET /billingAccounts/{name}";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts",
  });
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name);
  if (found) armJson(ctx, 200, billingAccountJson(found.account, version));
}

function roleDefinitionJson(
  account: BillingAccount,
  def: ReturnType<typeof definitionsFor>[number],
): Record<string, unknown> {
  return {
    name: def.name,
    type: "Microsoft.Billing/billingAccounts/billingRoleDefinitions",
    id: roleDefinitionId(account.name, def.name),
    properties: {
      ...(def.description ? { description: def.description } : {}),
      permissions: [{ actions: def.actions }],
      roleName: def.roleName,
    },
  };
}

function roleDefinitions(world: World, ctx: Ctx, caller: Caller, name: string, defName?: string): void {
  ctx.route = defName
    ? "GET /billingAccounts/{name}/billingRoleDefinitions/{id}"
    : "GET /billingAccounts/{name}/billingRoleDefinitions";
  if (
    !apiVersion(ctx, API_VERSIONS.billing, {
      namespace: "Microsoft.Billing",
      type: "billingAccounts/billingRoleDefinitions",
    })
  )
    return;
  const found = readableAccount(world, ctx, caller, name);
  if (!found) return;
  const defs = definitionsFor(found.account.agreementType);
  if (defName) {
    const def = defs.find((d) => d.name === defName.toLowerCase());
    if (!def)
      return armError(ctx, 404, "NotFound", `The billing role definition '${defName}' was not found.`);
    return armJson(ctx, 200, roleDefinitionJson(found.account, def));
  }
  armJson(ctx, 200, { value: defs.map((d) => roleDefinitionJson(found.account, d)) });
}

function listAssignments(world: World, ctx: Ctx, caller: Caller, name: string): void {
  ctx.route = "GET /billingAccounts/{name}/billingRoleAssignments";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/billingRoleAssignments",
  });
  if (!version) return;
  const found = readableAccount(
    world,
    ctx,
    caller,
    name,
    "Microsoft.Billing/billingAccounts/billingRoleAssignments/read",
  );
  if (!found) return;
  const items = world.store.assignmentsOf(name).map((a) => assignmentJson(a, version));
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
}

function getAssignment(world: World, ctx: Ctx, caller: Caller, name: string, assignmentName: string): void {
  ctx.route = "GET /billingAccounts/{name}/billingRoleAssignments/{id}";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/billingRoleAssignments",
  });
  if (!version) return;
  const found = readableAccount(
    world,
    ctx,
    caller,
    name,
    "Microsoft.Billing/billingAccounts/billingRoleAssignments/read",
  );
  if (!found) return;
  const a = world.store.assignmentsOf(name).find((x) => x.name === assignmentName.toLowerCase());
  if (!a)
    return armError(ctx, 404, "NotFound", `The billing role assignment '${assignmentName}' was not found.`);
  armJson(ctx, 200, assignmentJson(a, version));
}

function deleteAssignment(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  assignmentName: string,
): void {
  ctx.route = "DELETE /billingAccounts/{name}/billingRoleAssignments/{id}";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/billingRoleAssignments",
  });
  if (!version) return;
  const found = readableAccount(
    world,
    ctx,
    caller,
    name,
    "Microsoft.Billing/billingAccounts/billingRoleAssignments/delete",
  );
  if (!found) return;
  if (!canManageRoles(found.account, found.roles))
    return forbidden(
      world,
      ctx,
      caller,
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/delete",
      accountId(name),
    );
  const list = world.store.assignmentsOf(name);
  const index = list.findIndex((x) => x.name === assignmentName.toLowerCase());
  if (index < 0) return send(ctx, 204, "");
  const [removed] = list.splice(index, 1);
  if (version < MODERN && removed) return armJson(ctx, 200, assignmentJson(removed, version));
  send(ctx, 200, "");
}

type AssignmentInput = {
  principalId?: string;
  principalTenantId?: string;
  roleDefinitionId?: string;
  userEmailAddress?: string;
};

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
function buildAssignment(
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
  else if (sp && sp.tenantId === principalTenantId && t >= sp.billingVisibleAt)
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
  const creatorTenant = caller.tenant.id;
  return {
    name: `${roleGuid}_${principalId}`,
    billingAccountName: account.name,
    principalId,
    principalTenantId,
    principalType,
    roleDefinitionName: roleGuid,
    createdOn: iso7(t),
    createdByPrincipalId: caller.principalId,
    createdByPrincipalTenantId: creatorTenant,
    effectiveAt: t + settings.delays.billingRolePropagationMs,
    userEmailAddress: user ? user.userPrincipalName : null,
  };
}

function createAssignment(world: World, ctx: Ctx, caller: Caller, name: string): void {
  ctx.route = "POST /billingAccounts/{name}/createBillingRoleAssignment";
  const version = apiVersion(ctx, API_VERSIONS.createBillingRoleAssignment, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/createBillingRoleAssignment",
  });
  if (!version) return;
  const account = world.store.billingAccounts.get(name);
  if (!account) return accountNotFound(ctx, name);
  const roles = effectiveRoles(world, account, caller);
  const action = "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action";
  if (!canManageRoles(account, roles) || isEa(account.agreementType)) {
    if (isEa(account.agreementType) && roles.size > 0) {
      return armError(
        ctx,
        400,
        "InvalidBillingAccountType",
        "The operation is supported only for billing accounts with agreement type Microsoft Partner Agreement or Microsoft Customer Agreement.",
      );
    }
    return forbidden(
      world,
      ctx,
      caller,
      action,
      accountId(name),
      " Assigning billing roles requires the Billing account owner role on this billing account, or a Global Administrator of the primary billing tenant who has elevated access.",
    );
  }
  if (!["MicrosoftCustomerAgreement", "MicrosoftPartnerAgreement"].includes(account.agreementType)) {
    return armError(
      ctx,
      400,
      "InvalidBillingAccountType",
      "The operation is supported only for billing accounts with agreement type Microsoft Partner Agreement or Microsoft Customer Agreement.",
    );
  }
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return;
  const body = parsed.value;
  if (!isObject(body))
    return armError(
      ctx,
      400,
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized: 'request body is empty'.",
    );
  let input: AssignmentInput;
  if (version === "2019-10-01-preview") {
    // Observed: the preview service wants a properties wrapper and rejects the flat body of its own example.
    if (!isObject(body.properties)) {
      return armError(
        ctx,
        400,
        "InvalidRequest",
        "properties.PrincipalId: PrincipalId or UserEmailAddress/UserAuthenticationType must be specified. properties.RoleDefinitionId: The RoleDefinitionId field is required.",
      );
    }
    input = body.properties as AssignmentInput;
  } else {
    if (isObject(body.properties))
      return armError(
        ctx,
        400,
        "InvalidRequest",
        "The RoleDefinitionId field is required. (At api-version 2024-04-01 the body is flat: principalId, principalTenantId and roleDefinitionId at the top level.)",
      );
    input = body as AssignmentInput;
  }
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
    };
    world.store.operations.set(op.id, op);
    return send(ctx, 202, "", "application/json; charset=utf-8", {
      Location: `${world.baseUrl}/arm${accountId(name)}/operationResults/${op.id}?api-version=${version}`,
      "Retry-After": String(op.retryAfterSeconds),
    });
  }
  list.push(assignment);
  world.store.countCreated(billingTenant.id, "billingRoleAssignments");
  armJson(ctx, 200, assignmentJson(assignment, version));
}

function operationResult(world: World, ctx: Ctx, caller: Caller, name: string, opId: string): void {
  ctx.route = "GET /billingAccounts/{name}/operationResults/{id}";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/operationResults",
  });
  if (!version) return;
  const op = world.store.operations.get(opId);
  if (!op || op.billingAccountName !== name)
    return armError(ctx, 404, "NotFound", `The operation '${opId}' was not found.`);
  const account = world.store.billingAccounts.get(name);
  if (!account) return accountNotFound(ctx, name);
  if (
    op.assignment.createdByPrincipalId !== caller.principalId &&
    effectiveRoles(world, account, caller).size === 0
  ) {
    return forbidden(
      world,
      ctx,
      caller,
      "Microsoft.Billing/billingAccounts/operationResults/read",
      accountId(name),
    );
  }
  if (!op.done && op.pollsLeft > 0) {
    op.pollsLeft--;
    return send(ctx, 202, "", "application/json; charset=utf-8", {
      Location: `${world.baseUrl}/arm${accountId(name)}/operationResults/${op.id}?api-version=${op.apiVersion}`,
      "Retry-After": String(op.retryAfterSeconds),
    });
  }
  completeOperation(world, op);
  armJson(ctx, 200, assignmentJson(op.assignment, op.apiVersion));
}

function putAssignment(world: World, ctx: Ctx, caller: Caller, name: string, assignmentName: string): void {
  ctx.route = "PUT /billingAccounts/{name}/billingRoleAssignments/{id}";
  const version = apiVersion(ctx, API_VERSIONS.billing, {
    namespace: "Microsoft.Billing",
    type: "billingAccounts/billingRoleAssignments",
  });
  if (!version) return;
  const found = readableAccount(
    world,
    ctx,
    caller,
    name,
    "Microsoft.Billing/billingAccounts/billingRoleAssignments/write",
  );
  if (!found) return;
  const { account, roles } = found;
  if (!isEa(account.agreementType)) {
    const message =
      "The operation is supported only for billing accounts with agreement type Enterprise Agreement. Use createBillingRoleAssignment for Microsoft Customer Agreement and Microsoft Partner Agreement billing accounts.";
    // A PUT on an MCA account at the preview api-version was observed answering 422.
    return version === "2019-10-01-preview"
      ? armError(ctx, 422, "UnprocessableEntity", message)
      : armError(ctx, 400, "BadRequest", message);
  }
  if (!canManageRoles(account, roles))
    return forbidden(
      world,
      ctx,
      caller,
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/write",
      accountId(name),
    );
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return;
  const props =
    isObject(parsed.value) && isObject(parsed.value.properties)
      ? (parsed.value.properties as AssignmentInput)
      : undefined;
  if (!props) return armError(ctx, 400, "InvalidRequest", "The request body must contain 'properties'.");
  const assignment = buildAssignment(world, ctx, caller, account, props);
  if (!assignment) return;
  assignment.name = assignmentName.toLowerCase();
  const list = world.store.assignmentsOf(name);
  const index = list.findIndex((a) => a.name === assignment.name);
  if (index >= 0) list[index] = assignment;
  else {
    list.push(assignment);
    world.store.countCreated(account.primaryBillingTenantId, "billingRoleAssignments");
  }
  armJson(ctx, 200, assignmentJson(assignment, version));
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

function checkAccess(world: World, ctx: Ctx, caller: Caller, name: string): void {
  ctx.route = "POST /billingAccounts/{name}/checkAccess";
  if (
    !apiVersion(ctx, API_VERSIONS.checkAccess, {
      namespace: "Microsoft.Billing",
      type: "billingAccounts/checkAccess",
    })
  )
    return;
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

function billingPermissions(world: World, ctx: Ctx, caller: Caller, name: string): void {
  ctx.route = "GET /billingAccounts/{name}/billingPermissions";
  if (
    !apiVersion(ctx, API_VERSIONS.billing, {
      namespace: "Microsoft.Billing",
      type: "billingAccounts/billingPermissions",
    })
  )
    return;
  const found = readableAccount(world, ctx, caller, name);
  if (!found) return;
  const actions = new Set<string>();
  for (const def of definitionsFor(found.account.agreementType))
    if (found.roles.has(def.name)) for (const a of def.actions) actions.add(a);
  armJson(ctx, 200, { value: [{ actions: [...actions], notActions: [] }] });
}

/** Routes under /arm/providers/Microsoft.Billing/billingAccounts; returns false when nothing matched. */
export function handleBilling(world: World, ctx: Ctx, caller: Caller, rest: string[]): boolean {
  settleOperations(world);
  const m = ctx.method;
  const [accountName, sub, subId, ...more] = rest;
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
