/**
 * Enterprise Agreement enrollments (billing accounts with agreementType EnterpriseAgreement): the
 * `$expand=enrollmentDetails,departments,enrollmentAccounts` view of an enrollment (the 2024-04-01 example
 * billingAccountsListWithExpandForEnrollmentDetails), its departments and enrollment accounts, and the
 * PUT of a billing role assignment by name at the enrollment scope (BillingRoleAssignments_CreateOrUpdate
 * ByBillingAccount, "supported only for … Enterprise Agreement"; Microsoft's assign-roles-azure-service-
 * principals article sends it at 2019-10-01-preview with a `properties` wrapper).
 */
import type { Caller } from "../auth";
import { isObject, type Ctx } from "../http";
import type { BillingAccount, Enrollment } from "../store";
import type { World } from "../world";
import { accountId, canManageRoles, forbidden, readableAccount } from "./billing-access";
import { assignmentJson, assignmentsRoute } from "./billing-assignments";
import { buildAssignment, type AssignmentInput } from "./billing-create";
import { EA_ADMIN, isEa } from "./billing-roles";
import { API_VERSIONS, armError, armJson, armPage, armRoute, readArmBody } from "./common";

const WRITE = "Microsoft.Billing/billingAccounts/billingRoleAssignments/write";

function departmentJson(account: BillingAccount, d: Enrollment["departments"][number]) {
  return {
    id: `${accountId(account.name)}/departments/${d.name}`,
    name: d.name,
    type: "Microsoft.Billing/departments",
    properties: { departmentName: d.departmentName, costCenter: d.costCenter, status: d.status },
  };
}

function enrollmentAccountJson(account: BillingAccount, e: Enrollment["enrollmentAccounts"][number]) {
  return {
    id: `${accountId(account.name)}/enrollmentAccounts/${e.name}`,
    name: e.name,
    type: "Microsoft.Billing/enrollmentAccounts",
    properties: {
      accountName: e.accountName,
      costCenter: e.costCenter,
      status: e.status,
      startDate: e.startDate,
      endDate: e.endDate,
    },
  };
}

/** The properties `$expand` adds to an enrollment (none for other agreement types, or without $expand). */
export function enrollmentExpansion(ctx: Ctx, account: BillingAccount): Record<string, unknown> {
  const e = account.enrollment;
  if (!e || !isEa(account.agreementType)) return {};
  const expand = (ctx.url.searchParams.get("$expand") ?? "").split(",").map((x) => x.trim().toLowerCase());
  const out: Record<string, unknown> = {};
  if (expand.includes("enrollmentdetails"))
    out.enrollmentDetails = {
      startDate: e.startDate,
      endDate: e.endDate,
      currency: account.currency,
      channel: "EaDirect",
      language: "en",
      countryCode: "US",
      status: account.accountStatus,
      billingCycle: "Monthly",
      policies: {
        accountOwnerViewCharges: true,
        departmentAdminViewCharges: true,
        marketplaceEnabled: true,
        reservedInstancesEnabled: true,
      },
    };
  if (expand.includes("departments")) out.departments = e.departments.map((d) => departmentJson(account, d));
  if (expand.includes("enrollmentaccounts"))
    out.enrollmentAccounts = e.enrollmentAccounts.map((x) => enrollmentAccountJson(account, x));
  return out;
}

/** GET …/departments[/{id}] and …/enrollmentAccounts[/{id}] of an enrollment. */
export function enrollmentChildren(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  kind: "departments" | "enrollmentAccounts",
  childName?: string,
): void {
  const version = armRoute(
    ctx,
    `GET /billingAccounts/{name}/${kind}${childName ? "/{id}" : ""}`,
    API_VERSIONS.billing,
    { namespace: "Microsoft.Billing", type: `billingAccounts/${kind}` },
  );
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name, `Microsoft.Billing/billingAccounts/${kind}/read`);
  if (!found) return;
  const { account } = found;
  if (!isEa(account.agreementType))
    return armError(
      ctx,
      400,
      "InvalidBillingAccountType",
      `The operation is supported only for billing accounts with agreement type Enterprise Agreement.`,
    );
  const e = account.enrollment ?? { departments: [], enrollmentAccounts: [] };
  const items: { name: string }[] =
    kind === "departments"
      ? e.departments.map((d) => departmentJson(account, d))
      : e.enrollmentAccounts.map((x) => enrollmentAccountJson(account, x));
  if (childName) {
    const item = items.find((i) => i.name.toLowerCase() === childName.toLowerCase());
    if (!item)
      return armError(ctx, 404, "NotFound", `The ${kind.replace(/s$/, "")} '${childName}' was not found.`);
    return armJson(ctx, 200, item);
  }
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
}

/**
 * The body: a `properties` wrapper at both api-versions (the schema; Azure's JS sample). The 2024-04-01
 * example shows the parameters flat; whether the service takes that is UNVERIFIED (eaFlatAssignmentBody).
 */
function readPutBody(world: World, ctx: Ctx, account: BillingAccount, version: string) {
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return undefined;
  const body = parsed.value;
  if (isObject(body) && isObject(body.properties)) return body.properties as AssignmentInput;
  const settings = world.store.tenants.get(account.primaryBillingTenantId)?.settings;
  if (
    isObject(body) &&
    version === "2024-04-01" &&
    settings?.eaFlatAssignmentBody === "accepted" &&
    typeof body.roleDefinitionId === "string"
  )
    return body as AssignmentInput;
  armError(
    ctx,
    400,
    "InvalidRequest",
    "properties.PrincipalId: PrincipalId or UserEmailAddress/UserAuthenticationType must be specified. properties.RoleDefinitionId: The RoleDefinitionId field is required.",
  );
  return undefined;
}

/** PUT …/billingRoleAssignments/{name}: create-or-update by name, EA only, by an Enterprise Administrator. */
export function putAssignment(
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
    "PUT /billingAccounts/{name}/billingRoleAssignments/{id}",
    WRITE,
  );
  if (!found) return;
  const { version, account, access } = found;
  if (!isEa(account.agreementType)) {
    const message =
      "The operation is supported only for billing accounts with agreement type Enterprise Agreement. Use createBillingRoleAssignment for Microsoft Customer Agreement and Microsoft Partner Agreement billing accounts.";
    // A PUT on an MCA account at the preview api-version was observed answering 422.
    return version === "2019-10-01-preview"
      ? armError(ctx, 422, "UnprocessableEntity", message)
      : armError(ctx, 400, "BadRequest", message);
  }
  if (!canManageRoles(account, access))
    return forbidden(
      world,
      ctx,
      caller,
      WRITE,
      accountId(name),
      " Assigning enrollment roles requires the Enterprise Administrator role on this enrollment.",
    );
  const input = readPutBody(world, ctx, account, version);
  if (!input) return;
  const assignment = buildAssignment(world, ctx, caller, account, input);
  if (!assignment) return;
  // Microsoft: the Enterprise Administrator role is for users; a service principal gets the others.
  // The refusal's code and text are UNVERIFIED.
  if (assignment.principalType === "ServicePrincipal" && assignment.roleDefinitionName === EA_ADMIN)
    return armError(
      ctx,
      400,
      "InvalidRoleDefinitionId",
      `The role definition '${EA_ADMIN}' cannot be assigned to a service principal.`,
    );
  assignment.name = assignmentName.toLowerCase();
  const list = world.store.assignmentsOf(name);
  const existing = list.find((a) => a.name === assignment.name);
  const settings = (world.store.tenants.get(account.primaryBillingTenantId) ?? caller.tenant).settings;
  if (existing) {
    // The same PUT again (a retry) changes nothing; another principal or role under the name updates it.
    if (
      existing.principalId !== assignment.principalId ||
      existing.roleDefinitionName !== assignment.roleDefinitionName
    )
      list[list.indexOf(existing)] = assignment;
    return armJson(
      ctx,
      200,
      assignmentJson(
        list.find((a) => a.name === assignment.name)!,
        version,
        true,
      ),
    );
  }
  const twin = list.find(
    (a) => a.principalId === assignment.principalId && a.roleDefinitionName === assignment.roleDefinitionName,
  );
  if (twin) {
    // The same principal and role under another name (UNVERIFIED: duplicateBillingAssignment).
    if (settings.duplicateBillingAssignment === "conflict")
      return armError(ctx, 409, "RoleAssignmentAlreadyExists", "The role assignment already exists.");
    return armJson(ctx, 200, assignmentJson(twin, version, true));
  }
  list.push(assignment);
  world.store.countCreated(account.primaryBillingTenantId, "billingRoleAssignments");
  armJson(ctx, 200, assignmentJson(assignment, version, true));
}
