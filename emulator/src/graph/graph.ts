/** Microsoft Graph under /graph: /graph/v1.0/... plus the OIDC userinfo endpoint Entra's discovery names. */
import type { Caller } from "../auth";
import { send, type Ctx } from "../http";
import type { User } from "../store";
import type { World } from "../world";
import {
  createApplication,
  deleteApplication,
  getApplication,
  listApplications,
  patchApplication,
  type AppRef,
} from "./applications";
import {
  contextUrl,
  graphAuthenticate,
  graphError,
  graphHeaders,
  graphJson,
  meRequest,
  requirePermission,
} from "./common";
import { defaultAppManagementPolicy, memberOf } from "./directory";
import { alternateKey, listOptions, pickSelect } from "./odata";
import { addPassword, removePassword } from "./passwords";
import {
  createServicePrincipal,
  deleteServicePrincipal,
  getServicePrincipal,
  listServicePrincipals,
  patchServicePrincipal,
  type SpRef,
} from "./service-principals";

function userJson(user: User): Record<string, unknown> {
  return {
    businessPhones: [],
    displayName: user.displayName,
    givenName: user.givenName,
    jobTitle: user.jobTitle,
    mail: user.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: "en-US",
    surname: user.surname,
    userPrincipalName: user.userPrincipalName,
    id: user.id,
  };
}
const USER_PROPERTIES = [
  ...Object.keys(userJson({} as User)),
  "accountEnabled",
  "userType",
  "companyName",
  "department",
];

function me(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /me";
  if (
    !meRequest(ctx, caller, [
      "User.Read",
      "User.ReadWrite",
      "User.Read.All",
      "User.ReadBasic.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
      "Directory.AccessAsUser.All",
    ])
  )
    return;
  const opts = listOptions(ctx, USER_PROPERTIES, 1, "user");
  if (!opts) return;
  const full = {
    ...userJson(caller.user),
    accountEnabled: true,
    userType: "Member",
    companyName: null,
    department: null,
  };
  const select = opts.select;
  graphJson(ctx, 200, {
    "@odata.context": contextUrl(world, select ? `users(${select.join(",")})/$entity` : "users/$entity"),
    ...(select ? pickSelect(full, select) : userJson(caller.user)),
  });
}

function organization(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /organization";
  if (
    !requirePermission(
      ctx,
      caller,
      [
        "User.Read",
        "Organization.Read.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
        "Directory.AccessAsUser.All",
      ],
      ["Organization.Read.All", "Directory.Read.All"],
    )
  )
    return;
  const t = caller.tenant;
  // With only User.Read, Graph fills id, displayName and verifiedDomains and leaves the rest null.
  const full =
    caller.kind === "app" ||
    caller.scopes.has("Organization.Read.All") ||
    caller.scopes.has("Directory.Read.All");
  const org = {
    id: t.id,
    deletedDateTime: null,
    businessPhones: [],
    city: full ? "Redmond" : null,
    country: null,
    countryLetterCode: full ? t.countryCode : null,
    createdDateTime: full ? new Date(t.seededAt).toISOString().replace(/\.\d+Z$/, "Z") : null,
    defaultUsageLocation: null,
    displayName: t.displayName,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    postalCode: null,
    preferredLanguage: full ? "en" : null,
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: full ? "AAD" : null,
    directorySizeQuota: null,
    privacyProfile: null,
    assignedPlans: [],
    onPremisesProvisioningErrors: [],
    provisionedPlans: [],
    verifiedDomains: [
      {
        capabilities: "Email, OfficeCommunicationsOnline",
        isDefault: true,
        isInitial: true,
        name: t.domain,
        type: "Managed",
      },
      ...(t.customDomains ?? []).map((name) => ({
        capabilities: "Email",
        isDefault: false,
        isInitial: false,
        name,
        type: "Managed",
      })),
    ],
  };
  const opts = listOptions(ctx, Object.keys(org), 1, "organization");
  if (!opts) return;
  graphJson(ctx, 200, {
    "@odata.context": contextUrl(world, `organization${opts.select ? `(${opts.select.join(",")})` : ""}`),
    value: [pickSelect(org, opts.select)],
  });
}

function authorizationPolicy(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /policies/authorizationPolicy";
  if (
    !requirePermission(
      ctx,
      caller,
      [
        "Policy.Read.All",
        "Policy.ReadWrite.Authorization",
        "Directory.Read.All",
        "Directory.AccessAsUser.All",
      ],
      ["Policy.Read.All", "Policy.ReadWrite.Authorization"],
    )
  )
    return;
  graphJson(ctx, 200, {
    "@odata.context": contextUrl(world, "policies/authorizationPolicy/$entity"),
    id: "authorizationPolicy",
    allowInvitesFrom: "everyone",
    allowedToSignUpEmailBasedSubscriptions: true,
    allowedToUseSSPR: true,
    allowEmailVerifiedUsersToJoinOrganization: false,
    allowUserConsentForRiskyApps: null,
    blockMsolPowerShell: false,
    description: "Used to manage authorization related settings across the company.",
    displayName: "Authorization Policy",
    enabledPreviewFeatures: [],
    guestUserRoleId: "10dae51f-b6af-4016-8d66-8c2a99b929b3",
    permissionGrantPolicyIdsAssignedToDefaultUserRole: [
      "ManagePermissionGrantsForSelf.microsoft-user-default-legacy",
    ],
    defaultUserRolePermissions: {
      allowedToCreateApps: caller.tenant.allowedToCreateApps,
      allowedToCreateSecurityGroups: true,
      allowedToCreateTenants: true,
      allowedToReadBitlockerKeysForOwnedDevice: true,
      allowedToReadOtherUsers: true,
      permissionGrantPoliciesAssigned: ["ManagePermissionGrantsForSelf.microsoft-user-default-legacy"],
    },
  });
}

function userinfo(world: World, ctx: Ctx): void {
  ctx.route = "GET /oidc/userinfo";
  const caller = graphAuthenticate(world, ctx);
  if (!caller) return;
  if (caller.kind !== "user")
    return graphError(
      ctx,
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure. Invalid audience.",
    );
  const u = caller.user;
  send(ctx, 200, {
    sub: caller.claims.sub,
    name: u.displayName,
    family_name: u.surname,
    given_name: u.givenName,
    email: u.userPrincipalName,
  });
}

function appRef(segments: string[]): AppRef | undefined {
  const first = segments[0] ?? "";
  const alt = alternateKey(first, "applications");
  if (alt) {
    if (alt.key === "appId" || alt.key === "uniqueName") return { by: alt.key, value: alt.value };
    return undefined;
  }
  if (first === "applications" && segments[1]) return { by: "id", value: segments[1] };
  return undefined;
}

function spRef(segments: string[]): SpRef | undefined {
  const first = segments[0] ?? "";
  const alt = alternateKey(first, "servicePrincipals");
  if (alt) return alt.key === "appId" ? { by: "appId", value: alt.value } : undefined;
  if (first === "servicePrincipals" && segments[1]) return { by: "id", value: segments[1] };
  return undefined;
}

export function handleGraph(world: World, ctx: Ctx): void {
  graphHeaders(ctx);
  const [, version, ...rest] = ctx.segments;
  if (version === "oidc" && rest[0] === "userinfo") return userinfo(world, ctx);
  if (version !== "v1.0") {
    ctx.route = "unknown";
    return graphError(ctx, 400, "BadRequest", `Invalid version: ${version ?? ""}`);
  }
  const caller = graphAuthenticate(world, ctx);
  if (!caller) {
    ctx.route = `${ctx.method} /${rest.join("/")}`;
    return;
  }
  const m = ctx.method;
  const path = rest.join("/");
  if (path === "organization" && m === "GET") return organization(world, ctx, caller);
  if (path === "me" && m === "GET") return me(world, ctx, caller);
  const member = /^me\/(memberOf|transitiveMemberOf)(\/microsoft\.graph\.directoryRole)?$/.exec(path);
  if (member && m === "GET")
    return memberOf(world, ctx, caller, member[1] === "transitiveMemberOf", !!member[2]);
  if (path === "policies/defaultAppManagementPolicy" && m === "GET")
    return defaultAppManagementPolicy(world, ctx, caller);
  if (path === "policies/authorizationPolicy" && m === "GET") return authorizationPolicy(world, ctx, caller);
  if (path === "applications") {
    if (m === "GET") return listApplications(world, ctx, caller);
    if (m === "POST") return createApplication(world, ctx, caller);
  }
  const app = appRef(rest);
  if (app) {
    const tail = rest.slice(app.by === "id" ? 2 : 1).join("/");
    if (tail === "") {
      if (m === "GET") return getApplication(world, ctx, caller, app);
      if (m === "PATCH") return patchApplication(world, ctx, caller, app);
      if (m === "DELETE") return deleteApplication(world, ctx, caller, app);
    }
    if (tail === "addPassword" && m === "POST") return addPassword(world, ctx, caller, app);
    if (tail === "removePassword" && m === "POST") return removePassword(world, ctx, caller, app);
  }
  if (path === "servicePrincipals") {
    if (m === "GET") return listServicePrincipals(world, ctx, caller);
    if (m === "POST") return createServicePrincipal(world, ctx, caller);
  }
  const sp = spRef(rest);
  if (sp && rest.slice(sp.by === "id" ? 2 : 1).length === 0) {
    if (m === "GET") return getServicePrincipal(world, ctx, caller, sp);
    if (m === "PATCH") return patchServicePrincipal(world, ctx, caller, sp);
    if (m === "DELETE") return deleteServicePrincipal(world, ctx, caller, sp);
  }
  ctx.route = `${m} /${path}`;
  const last = rest[rest.length - 1] ?? "";
  if (
    ["GET", "POST", "PATCH", "DELETE", "PUT"].includes(m) &&
    (app || sp || ["applications", "servicePrincipals", "organization", "me"].includes(path))
  ) {
    return graphError(
      ctx,
      405,
      "Request_BadRequest",
      `The HTTP method '${m}' is not allowed for this resource.`,
    );
  }
  graphError(ctx, 400, "BadRequest", `Resource not found for the segment '${last}'.`);
}
