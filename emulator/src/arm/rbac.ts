/** Microsoft.Authorization: Azure RBAC role assignments and built-in role definitions at any scope. */
import type { Caller } from "../auth";
import { windowOver } from "../delay-window";
import { isObject, send, type Ctx } from "../http";
import { isGuid } from "../ids";
import type { RbacAssignment } from "../store";
import { now, type World } from "../world";
import {
  API_VERSIONS,
  armError,
  armJson,
  armPage,
  armRoute,
  authorizationFailed,
  readArmBody,
} from "./common";
import { permissionsAt } from "./rbac-permissions";
import { BUILT_IN_ROLES, builtInRole, type BuiltInRole } from "./rbac-roles";
import {
  covers,
  hasRbacRead,
  managementGroupOf,
  mayAt,
  normaliseScope,
  scopeExists,
  subscriptionOf,
} from "./rbac-scopes";

export { builtInRole, hasRbacRead, normaliseScope };

const WRITE = "Microsoft.Authorization/roleAssignments/write";
const DELETE = "Microsoft.Authorization/roleAssignments/delete";

function roleDefinitionIdAt(scope: string, guid: string): string {
  const sub = subscriptionOf(scope);
  return sub
    ? `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`
    : `/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

function assignmentJson(a: RbacAssignment): Record<string, unknown> {
  return {
    properties: {
      roleDefinitionId: roleDefinitionIdAt(a.scope, a.roleDefinitionGuid),
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: null,
      conditionVersion: null,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
      createdBy: a.createdBy,
      updatedBy: a.createdBy,
      delegatedManagedIdentityResourceId: null,
      description: a.description,
    },
    id: `${a.scope === "/" ? "" : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name: a.name,
  };
}

function definitionJson(scope: string, r: BuiltInRole): Record<string, unknown> {
  return {
    properties: {
      roleName: r.roleName,
      type: "BuiltInRole",
      description: r.description,
      assignableScopes: ["/"],
      permissions: [
        { actions: r.actions, notActions: r.notActions ?? [], dataActions: [], notDataActions: [] },
      ],
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2024-01-01T00:00:00.0000000Z",
      createdBy: null,
      updatedBy: null,
    },
    id: roleDefinitionIdAt(scope, r.guid),
    type: "Microsoft.Authorization/roleDefinitions",
    name: r.guid,
  };
}

type Covers = (outer: string, inner: string) => boolean;
type FilterFn = (a: RbacAssignment, scope: string, covers: Covers) => boolean;

/** The 404 for a scope the caller's tenant does not have. */
function scopeNotFound(ctx: Ctx, scope: string): void {
  const mg = managementGroupOf(scope);
  if (mg)
    return armError(ctx, 404, "ManagementGroupNotFound", `The management group '${mg}' could not be found.`);
  armError(
    ctx,
    404,
    "SubscriptionNotFound",
    `The subscription '${subscriptionOf(scope) ?? scope}' could not be found.`,
  );
}

function parseAssignmentFilter(filter: string | null): FilterFn | string {
  if (!filter) return (a, scope, covers) => covers(a.scope, scope) || covers(scope, a.scope);
  const clauses = filter.split(/\s+and\s+/i).map((c) => c.trim());
  const fns: FilterFn[] = [];
  let atScope = false;
  for (const c of clauses) {
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(c)) atScope = true;
    else if ((m = /^principalId\s+eq\s+'([0-9a-f-]{36})'$/i.exec(c))) {
      const id = m[1]!.toLowerCase();
      fns.push((a) => a.principalId === id);
    } else if ((m = /^assignedTo\('([0-9a-f-]{36})'\)$/i.exec(c))) {
      const id = m[1]!.toLowerCase();
      fns.push((a) => a.principalId === id);
    } else
      return `The filter '${filter}' is not supported. Supported filters are either 'atScope()' or 'principalId eq '{value}'' or 'assignedTo('{value}')'.`;
  }
  return (a, scope, covers) =>
    (atScope ? covers(a.scope, scope) : covers(a.scope, scope) || covers(scope, a.scope)) &&
    fns.every((f) => f(a, scope, covers));
}

function listAssignments(world: World, ctx: Ctx, caller: Caller, scope: string): void {
  const version = armRoute(
    ctx,
    "GET {scope}/providers/Microsoft.Authorization/roleAssignments",
    API_VERSIONS.roleAssignments,
    {
      namespace: "Microsoft.Authorization",
      type: "roleAssignments",
    },
  );
  if (!version) return;
  if (!scopeExists(world, caller, scope)) return scopeNotFound(ctx, scope);
  if (!hasRbacRead(world, caller, scope)) {
    return authorizationFailed(ctx, caller, "Microsoft.Authorization/roleAssignments/read", scope);
  }
  const filter = parseAssignmentFilter(ctx.url.searchParams.get("$filter"));
  if (typeof filter === "string") return armError(ctx, 400, "UnsupportedQuery", filter);
  const items = world.store.rbac
    .filter(
      (a) =>
        a.tenantId === caller.tenant.id && filter(a, scope, (o, i) => covers(world, caller.tenant.id, o, i)),
    )
    .map(assignmentJson);
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
}

function getAssignment(world: World, ctx: Ctx, caller: Caller, scope: string, name: string): void {
  const version = armRoute(
    ctx,
    "GET {scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
    API_VERSIONS.roleAssignments,
    {
      namespace: "Microsoft.Authorization",
      type: "roleAssignments",
    },
  );
  if (!version) return;
  if (!hasRbacRead(world, caller, scope)) {
    return authorizationFailed(ctx, caller, "Microsoft.Authorization/roleAssignments/read", scope);
  }
  const a = world.store.rbac.find(
    (x) =>
      x.name === name.toLowerCase() &&
      x.tenantId === caller.tenant.id &&
      x.scope.toLowerCase() === scope.toLowerCase(),
  );
  if (!a) return armError(ctx, 404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`);
  armJson(ctx, 200, assignmentJson(a));
}

function putAssignment(world: World, ctx: Ctx, caller: Caller, scope: string, name: string): void {
  const version = armRoute(
    ctx,
    "PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
    API_VERSIONS.roleAssignments,
    {
      namespace: "Microsoft.Authorization",
      type: "roleAssignments",
    },
  );
  if (!version) return;
  if (!isGuid(name))
    return armError(
      ctx,
      400,
      "InvalidRoleAssignmentId",
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  if (!scopeExists(world, caller, scope)) return scopeNotFound(ctx, scope);
  if (!mayAt(world, caller, scope, WRITE)) {
    return authorizationFailed(
      ctx,
      caller,
      WRITE,
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    );
  }
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return;
  const props =
    isObject(parsed.value) && isObject(parsed.value.properties) ? parsed.value.properties : undefined;
  if (!props || typeof props.roleDefinitionId !== "string" || typeof props.principalId !== "string") {
    return armError(
      ctx,
      400,
      "InvalidRequestContent",
      "The request content was invalid: properties.roleDefinitionId and properties.principalId are required.",
    );
  }
  const roleGuid = props.roleDefinitionId.split("/").pop() ?? "";
  const role = builtInRole(roleGuid);
  if (!role || !isGuid(roleGuid))
    return armError(
      ctx,
      400,
      "RoleDefinitionDoesNotExist",
      `The specified role definition with ID '${roleGuid}' does not exist.`,
    );
  const principalId = props.principalId.toLowerCase();
  const user = world.store.users.get(principalId);
  const sp = world.store.servicePrincipals.get(principalId);
  const t = now(world);
  const visible =
    (user && user.tenantId === caller.tenant.id) ||
    (sp && sp.tenantId === caller.tenant.id && windowOver(sp, "replicatedAt", t));
  const exists = (user && user.tenantId === caller.tenant.id) || (sp && sp.tenantId === caller.tenant.id);
  // ARM skips the directory lookup when principalType is given, which is how callers ride out replication;
  // public reports show PrincipalNotFound even then (rbacReplicationWithPrincipalType).
  const typed =
    typeof props.principalType === "string" &&
    caller.tenant.settings.rbacReplicationWithPrincipalType === "accepted";
  if (!exists || (!visible && !typed)) {
    return armError(
      ctx,
      400,
      "PrincipalNotFound",
      `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${caller.tenant.id}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`,
    );
  }
  // Names are unique within a tenant here, so tests side by side may reuse a deterministic name.
  const existingByName = world.store.rbac.find(
    (a) => a.name === name.toLowerCase() && a.tenantId === caller.tenant.id,
  );
  const same = world.store.rbac.find(
    (a) =>
      a.principalId === principalId &&
      a.roleDefinitionGuid === role.guid &&
      a.scope.toLowerCase() === scope.toLowerCase(),
  );
  if (
    existingByName &&
    (existingByName.principalId !== principalId || existingByName.roleDefinitionGuid !== role.guid)
  ) {
    return armError(
      ctx,
      400,
      "RoleAssignmentUpdateNotPermitted",
      "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
    );
  }
  if (existingByName) return armJson(ctx, 201, assignmentJson(existingByName));
  if (same) return armError(ctx, 409, "RoleAssignmentExists", "The role assignment already exists.");
  const a: RbacAssignment = {
    name: name.toLowerCase(),
    scope,
    roleDefinitionGuid: role.guid,
    principalId,
    principalType:
      typeof props.principalType === "string" ? props.principalType : user ? "User" : "ServicePrincipal",
    tenantId: caller.tenant.id,
    createdOn: new Date(t).toISOString(),
    createdBy: caller.principalId,
    description: typeof props.description === "string" ? props.description : null,
  };
  world.store.rbac.push(a);
  world.store.countCreated(caller.tenant.id, "rbacRoleAssignments");
  armJson(ctx, 201, assignmentJson(a));
}

function deleteAssignment(world: World, ctx: Ctx, caller: Caller, scope: string, name: string): void {
  const version = armRoute(
    ctx,
    "DELETE {scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
    API_VERSIONS.roleAssignments,
    {
      namespace: "Microsoft.Authorization",
      type: "roleAssignments",
    },
  );
  if (!version) return;
  if (!mayAt(world, caller, scope, DELETE)) {
    return authorizationFailed(
      ctx,
      caller,
      DELETE,
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    );
  }
  const index = world.store.rbac.findIndex(
    (x) =>
      x.name === name.toLowerCase() &&
      x.tenantId === caller.tenant.id &&
      x.scope.toLowerCase() === scope.toLowerCase(),
  );
  if (index < 0) return send(ctx, 204, "");
  const [removed] = world.store.rbac.splice(index, 1);
  armJson(ctx, 200, assignmentJson(removed!));
}

function roleDefinitions(world: World, ctx: Ctx, caller: Caller, scope: string, id?: string): void {
  const version = armRoute(
    ctx,
    id
      ? "GET {scope}/providers/Microsoft.Authorization/roleDefinitions/{id}"
      : "GET {scope}/providers/Microsoft.Authorization/roleDefinitions",
    API_VERSIONS.roleDefinitions,
    { namespace: "Microsoft.Authorization", type: "roleDefinitions" },
  );
  if (!version) return;
  if (!scopeExists(world, caller, scope)) return scopeNotFound(ctx, scope);
  if (id) {
    const role = builtInRole(id);
    if (!role || !isGuid(id))
      return armError(
        ctx,
        404,
        "RoleDefinitionDoesNotExist",
        `The specified role definition with ID '${id}' does not exist.`,
      );
    return armJson(ctx, 200, definitionJson(scope, role));
  }
  const filter = ctx.url.searchParams.get("$filter");
  let roles = BUILT_IN_ROLES;
  if (filter) {
    const byName = /^roleName\s+eq\s+'(.+)'$/i.exec(filter.trim());
    const byType = /^type\s+eq\s+'(BuiltInRole|CustomRole)'$/i.exec(filter.trim());
    if (byName) roles = roles.filter((r) => r.roleName.toLowerCase() === byName[1]!.toLowerCase());
    else if (byType) roles = byType[1]!.toLowerCase() === "builtinrole" ? roles : [];
    else return armError(ctx, 400, "UnsupportedQuery", `The filter '${filter}' is not supported.`);
  }
  armJson(ctx, 200, { value: roles.map((r) => definitionJson(scope, r)) });
}

/** Routes for {scope}/providers/Microsoft.Authorization/...; rest starts after "Microsoft.Authorization". */
export function handleRbac(world: World, ctx: Ctx, caller: Caller, scope: string, rest: string[]): boolean {
  const [kind, name, ...more] = rest;
  if (more.length > 0) return false;
  const k = kind?.toLowerCase();
  const m = ctx.method;
  if (k === "roleassignments") {
    if (!name && m === "GET") listAssignments(world, ctx, caller, scope);
    else if (name && m === "GET") getAssignment(world, ctx, caller, scope, name);
    else if (name && m === "PUT") putAssignment(world, ctx, caller, scope, name);
    else if (name && m === "DELETE") deleteAssignment(world, ctx, caller, scope, name);
    else return false;
    return true;
  }
  if (k === "permissions" && !name && m === "GET") {
    permissionsAt(world, ctx, caller, scope);
    return true;
  }
  if (k === "roledefinitions" && m === "GET") {
    roleDefinitions(world, ctx, caller, scope, name);
    return true;
  }
  return false;
}
