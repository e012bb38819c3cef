/**
 * The Graph reads a permission preflight makes (microsoft-graph-docs-contrib): the signed-in user's
 * directory roles through /me/memberOf and /me/transitiveMemberOf (optionally cast to
 * microsoft.graph.directoryRole), and the tenant's default app management policy
 * (/policies/defaultAppManagementPolicy, tenantAppManagementPolicy-get).
 */
import { hasAnyScope, type Caller } from "../auth";
import { header, type Ctx } from "../http";
import { stableGuid } from "../ids";
import { DIRECTORY_ROLES } from "../store";
import type { World } from "../world";
import {
  contextUrl,
  graphError,
  graphJson,
  insufficientPrivileges,
  meRequest,
  requirePermission,
} from "./common";

/**
 * Scopes that let the caller read directory roles in full. With less (User.Read, the documented least
 * privilege) Graph's limited-information rule returns only id and @odata.type; the exact minimum is
 * UNVERIFIED.
 */
const FULL_READ = [
  "Directory.Read.All",
  "Directory.ReadWrite.All",
  "Directory.AccessAsUser.All",
  "RoleManagement.Read.Directory",
  "RoleManagement.ReadWrite.Directory",
];

/** GET /me/memberOf and /me/transitiveMemberOf, with or without the /microsoft.graph.directoryRole cast. */
export function memberOf(world: World, ctx: Ctx, caller: Caller, transitive: boolean, cast: boolean): void {
  const name = transitive ? "transitiveMemberOf" : "memberOf";
  ctx.route = `GET /me/${name}${cast ? "/microsoft.graph.directoryRole" : ""}`;
  if (
    !meRequest(ctx, caller, [
      "User.Read",
      "User.ReadBasic.All",
      "User.Read.All",
      "GroupMember.Read.All",
      ...FULL_READ,
    ])
  )
    return;
  // The docs require ConsistencyLevel: eventual for the OData cast on transitiveMemberOf; the error's
  // code and text are UNVERIFIED.
  if (cast && transitive && header(ctx, "consistencylevel")?.toLowerCase() !== "eventual")
    return graphError(
      ctx,
      400,
      "Request_UnsupportedQuery",
      "The requested query requires the 'ConsistencyLevel' header set to 'eventual'.",
    );
  const full = hasAnyScope(caller, FULL_READ);
  const value = caller.user.roles.map((r) => {
    const id = stableGuid(`emulator/${caller.tenant.id}/directoryRole/${DIRECTORY_ROLES[r]}`);
    if (!full) return { "@odata.type": "#microsoft.graph.directoryRole", id };
    return {
      "@odata.type": "#microsoft.graph.directoryRole",
      id,
      deletedDateTime: null,
      description: r,
      displayName: r,
      roleTemplateId: DIRECTORY_ROLES[r],
    };
  });
  graphJson(ctx, 200, {
    "@odata.context": contextUrl(world, cast ? "directoryRoles" : "directoryObjects"),
    value,
  });
}

/**
 * GET /policies/defaultAppManagementPolicy: delegated Policy.Read.All and a signed-in user holding at
 * least Global Reader (the docs); app tokens with Policy.Read.All.
 */
export function defaultAppManagementPolicy(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /policies/defaultAppManagementPolicy";
  if (!requirePermission(ctx, caller, ["Policy.Read.All"], ["Policy.Read.All"])) return;
  if (
    caller.kind === "user" &&
    !caller.user.roles.some((r) => r === "Global Administrator" || r === "Global Reader")
  )
    return insufficientPrivileges(ctx);
  const p = caller.tenant.appManagementPolicy;
  const passwordCredentials = [
    ...(p.blockPasswordAddition
      ? [
          {
            restrictionType: "passwordAddition",
            maxLifetime: null,
            restrictForAppsCreatedAfterDateTime: null,
          },
        ]
      : []),
    ...(p.passwordMaxLifetime
      ? [
          {
            restrictionType: "passwordLifetime",
            maxLifetime: p.passwordMaxLifetime,
            restrictForAppsCreatedAfterDateTime: null,
          },
        ]
      : []),
  ];
  graphJson(ctx, 200, {
    "@odata.context": contextUrl(world, "policies/defaultAppManagementPolicy/$entity"),
    id: "00000000-0000-0000-0000-000000000000",
    description: "Default app management tenant policy",
    displayName: "Default app management tenant policy",
    isEnabled: passwordCredentials.length > 0,
    applicationRestrictions: { passwordCredentials, keyCredentials: [] },
    servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
  });
}
