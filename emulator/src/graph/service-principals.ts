/** Graph v1.0 servicePrincipals: create, upsert by appId, get, list by appId, delete. */
import type { Caller } from "../auth";
import { openWindow, windowOver } from "../delay-window";
import { resolveClient } from "../entra/minting";
import { header, isObject, send, type Ctx } from "../http";
import { guid } from "../ids";
import type { Application, ServicePrincipal, Tenant } from "../store";
import { now, type World } from "../world";
import {
  contextUrl,
  graphDate,
  graphError,
  graphJson,
  insufficientPrivileges,
  mayCreateServicePrincipal,
  READ_APPS_APP,
  READ_APPS_DELEGATED,
  requirePermission,
  WRITE_APPS_APP,
  WRITE_APPS_DELEGATED,
  notFound,
  readBody,
} from "./common";
import { listOptions, page, pickSelect } from "./odata";

const WRITABLE = [
  "accountEnabled",
  "appRoleAssignmentRequired",
  "tags",
  "notes",
  "description",
  "displayName",
  "homepage",
  "loginUrl",
  "logoutUrl",
  "notificationEmailAddresses",
  "preferredSingleSignOnMode",
  "replyUrls",
  "servicePrincipalNames",
  "appId",
  "alternativeNames",
];
const IGNORED = [
  "id",
  "createdDateTime",
  "appOwnerOrganizationId",
  "deletedDateTime",
  "@odata.type",
  "@odata.context",
];

export function servicePrincipalJson(sp: ServicePrincipal): Record<string, unknown> {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: true,
    alternativeNames: [],
    appDisplayName: sp.displayName,
    appDescription: null,
    appId: sp.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    appRoleAssignmentRequired: false,
    createdDateTime: sp.createdDateTime,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: sp.displayName,
    homepage: null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: [],
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: [],
    servicePrincipalNames: [sp.appId],
    servicePrincipalType: "Application",
    signInAudience: "AzureADMyOrg",
    tags: [],
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: [],
    appRoles: [],
    info: {
      logoUrl: null,
      marketingUrl: null,
      privacyStatementUrl: null,
      supportUrl: null,
      termsOfServiceUrl: null,
    },
    keyCredentials: [],
    oauth2PermissionScopes: [],
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    ...sp.props,
  };
}

const SP_PROPERTIES = Object.keys(
  servicePrincipalJson({
    id: "",
    appId: "",
    tenantId: "",
    appOwnerOrganizationId: "",
    displayName: "",
    createdDateTime: "",
    createdAt: 0,
    replicatedAt: 0,
    billingVisibleAt: 0,
    props: {},
  }),
);

export type SpRef = { by: "id" | "appId"; value: string };

function findSp(world: World, tenantId: string, ref: SpRef): ServicePrincipal | undefined {
  if (ref.by === "appId") return world.store.spByAppId(tenantId, ref.value);
  const sp = world.store.servicePrincipals.get(ref.value.toLowerCase());
  return sp && sp.tenantId === tenantId ? sp : undefined;
}

function checkProps(ctx: Ctx, body: unknown): Record<string, unknown> | undefined {
  if (body === undefined) return {};
  if (!isObject(body)) {
    graphError(ctx, 400, "BadRequest", "Empty Payload. JSON content expected.");
    return undefined;
  }
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (IGNORED.includes(k) || k.startsWith("@odata.")) continue;
    if (!WRITABLE.includes(k)) {
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        `Property '${k}' does not exist as a declared property or extension property.`,
      );
      return undefined;
    }
    props[k] = v;
  }
  return props;
}

/** The application the appId names, as Graph's SP write path sees it (replicated, or multi-tenant). */
function backingApp(
  world: World,
  tenant: Tenant,
  appId: string,
): { app?: Application; displayName: string; owner: string } | undefined {
  const t = now(world);
  const app = world.store.appByAppId(appId);
  if (app) {
    if (app.tenantId === tenant.id)
      return windowOver(app, "replicatedAt", t)
        ? { app, displayName: app.displayName, owner: app.tenantId }
        : undefined;
    return app.signInAudience !== "AzureADMyOrg" && windowOver(app, "replicatedAt", t)
      ? { app, displayName: app.displayName, owner: app.tenantId }
      : undefined;
  }
  const client = resolveClient(world, appId);
  if (client?.kind === "registered")
    return { displayName: client.displayName, owner: "f8cdef31-a31e-4b4a-93e4-5f571e91255a" };
  return undefined;
}

function createSp(
  world: World,
  tenant: Tenant,
  appId: string,
  displayName: string,
  owner: string,
  props: Record<string, unknown>,
): ServicePrincipal {
  const t = now(world);
  const sp: ServicePrincipal = {
    id: guid(),
    appId: appId.toLowerCase(),
    tenantId: tenant.id,
    appOwnerOrganizationId: owner,
    displayName,
    createdDateTime: graphDate(t).replace(/\.\d+Z$/, "Z"),
    createdAt: t,
    replicatedAt: 0,
    billingVisibleAt: 0,
    props: Object.fromEntries(Object.entries(props).filter(([k]) => k !== "appId")),
  };
  const { settings } = tenant;
  sp.replicatedAt = openWindow(sp, "replicatedAt", settings, t, settings.delays.appReplicationMs);
  sp.billingVisibleAt = openWindow(
    sp,
    "billingVisibleAt",
    settings,
    t,
    settings.delays.billingPrincipalReplicationMs,
  );
  world.store.servicePrincipals.set(sp.id, sp);
  world.store.countCreated(tenant.id, "servicePrincipals");
  return sp;
}

function entityBody(world: World, sp: ServicePrincipal, select?: string[]): Record<string, unknown> {
  return {
    "@odata.context": contextUrl(world, `servicePrincipals${select ? `(${select.join(",")})` : ""}/$entity`),
    ...pickSelect(servicePrincipalJson(sp), select),
  };
}

function invalidAppId(ctx: Ctx, appId: string): void {
  graphError(
    ctx,
    400,
    "Request_BadRequest",
    `The appId '${appId}' of the service principal does not reference a valid application object.`,
  );
}

/** Creates the SP after the shared checks; returns false when an error was already answered. */
function tryCreate(
  world: World,
  ctx: Ctx,
  caller: Caller,
  appId: string,
  props: Record<string, unknown>,
): ServicePrincipal | undefined {
  const backing = backingApp(world, caller.tenant, appId);
  if (!backing) {
    const own = world.store.appByAppId(appId);
    if (
      own &&
      own.tenantId === caller.tenant.id &&
      caller.tenant.settings.graphSpReplicationError === "forbidden"
    )
      graphError(
        ctx,
        403,
        "Authorization_RequestDenied",
        "When using this permission, the backing application of the service principal being created must in the local tenant",
      );
    else invalidAppId(ctx, appId);
    return undefined;
  }
  if (
    backing.app &&
    backing.app.tenantId === caller.tenant.id &&
    !mayCreateServicePrincipal(caller.tenant, caller, backing.app)
  ) {
    insufficientPrivileges(ctx);
    return undefined;
  }
  if (
    !backing.app &&
    caller.kind === "user" &&
    !mayCreateServicePrincipal(caller.tenant, caller, undefined)
  ) {
    insufficientPrivileges(ctx);
    return undefined;
  }
  return createSp(world, caller.tenant, appId, backing.displayName, backing.owner, props);
}

export function listServicePrincipals(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /servicePrincipals";
  if (!requirePermission(ctx, caller, READ_APPS_DELEGATED, READ_APPS_APP)) return;
  const opts = listOptions(ctx, SP_PROPERTIES, caller.tenant.settings.graphPageSize, "servicePrincipal");
  if (!opts) return;
  const items = world.store
    .spsOf(caller.tenant.id)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map(servicePrincipalJson);
  graphJson(ctx, 200, page(world, ctx, items, opts, "servicePrincipals"));
}

export function createServicePrincipal(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "POST /servicePrincipals";
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return;
  const parsed = readBody(ctx);
  if (!parsed.ok) return;
  const props = checkProps(ctx, parsed.value);
  if (!props) return;
  const appId = props.appId;
  if (typeof appId !== "string" || appId === "")
    return graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'appId' of resource 'ServicePrincipal'.",
    );
  if (world.store.spByAppId(caller.tenant.id, appId)) {
    return graphError(
      ctx,
      409,
      "Request_MultipleObjectsWithSameKeyValue",
      "Another object with the same value for property servicePrincipalNames already exists.",
    );
  }
  const sp = tryCreate(world, ctx, caller, appId, props);
  if (!sp) return;
  graphJson(ctx, 201, entityBody(world, sp), {
    Location: `${world.baseUrl}/graph/v1.0/directoryObjects/${sp.id}/Microsoft.DirectoryServices.ServicePrincipal`,
  });
}

export function getServicePrincipal(world: World, ctx: Ctx, caller: Caller, ref: SpRef): void {
  ctx.route = `GET /servicePrincipals${ref.by === "id" ? "/{id}" : "(appId)"}`;
  if (!requirePermission(ctx, caller, READ_APPS_DELEGATED, READ_APPS_APP)) return;
  const sp = findSp(world, caller.tenant.id, ref);
  if (!sp) return notFound(ctx, ref.value);
  const opts = listOptions(ctx, SP_PROPERTIES, 1, "servicePrincipal");
  if (!opts) return;
  graphJson(ctx, 200, entityBody(world, sp, opts.select));
}

export function patchServicePrincipal(world: World, ctx: Ctx, caller: Caller, ref: SpRef): void {
  ctx.route = `PATCH /servicePrincipals${ref.by === "id" ? "/{id}" : "(appId)"}`;
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return;
  const parsed = readBody(ctx);
  if (!parsed.ok) return;
  const props = checkProps(ctx, parsed.value);
  if (!props) return;
  const existing = findSp(world, caller.tenant.id, ref);
  if (!existing) {
    const upsert = /create-if-missing/i.test(header(ctx, "prefer") ?? "") && ref.by === "appId";
    if (!upsert) return notFound(ctx, ref.value);
    const sp = tryCreate(world, ctx, caller, ref.value, props);
    if (!sp) return;
    return graphJson(ctx, 201, entityBody(world, sp), { "Preference-Applied": "create-if-missing" });
  }
  const app = world.store.appByAppId(existing.appId);
  if (caller.kind === "user" && !mayCreateServicePrincipal(caller.tenant, caller, app))
    return insufficientPrivileges(ctx);
  for (const [k, v] of Object.entries(props)) {
    if (k === "appId") continue;
    if (k === "displayName") existing.displayName = String(v);
    else existing.props[k] = v;
  }
  send(ctx, 204, "");
}

export function deleteServicePrincipal(world: World, ctx: Ctx, caller: Caller, ref: SpRef): void {
  ctx.route = `DELETE /servicePrincipals${ref.by === "id" ? "/{id}" : "(appId)"}`;
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return;
  const sp = findSp(world, caller.tenant.id, ref);
  if (!sp) return notFound(ctx, ref.value);
  const app = world.store.appByAppId(sp.appId);
  if (caller.kind === "user" && !mayCreateServicePrincipal(caller.tenant, caller, app))
    return insufficientPrivileges(ctx);
  world.store.servicePrincipals.delete(sp.id);
  send(ctx, 204, "");
}
