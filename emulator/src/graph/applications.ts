/** Graph v1.0 applications: create, upsert by uniqueName, get, list, update, delete (secrets: passwords.ts). */
import type { Caller } from "../auth";
import { openWindow, windowOver } from "../delay-window";
import { header, isObject, send, type Ctx } from "../http";
import { guid } from "../ids";
import type { Application, Tenant } from "../store";
import { now, type World } from "../world";
import { APPLICATION_PROPERTIES, applicationJson } from "./application-json";
import {
  contextUrl,
  graphDate,
  graphError,
  graphJson,
  insufficientPrivileges,
  mayCreateApps,
  mayModifyApp,
  READ_APPS_APP,
  READ_APPS_DELEGATED,
  requirePermission,
  WRITE_APPS_APP,
  WRITE_APPS_DELEGATED,
  notFound,
  readBody,
} from "./common";
import { listOptions, page, pickSelect } from "./odata";

const SIGN_IN_AUDIENCES = [
  "AzureADMyOrg",
  "AzureADMultipleOrgs",
  "AzureADandPersonalMicrosoftAccount",
  "PersonalMicrosoftAccount",
];
const WRITABLE = [
  "displayName",
  "description",
  "notes",
  "tags",
  "signInAudience",
  "web",
  "spa",
  "publicClient",
  "requiredResourceAccess",
  "identifierUris",
  "api",
  "appRoles",
  "info",
  "optionalClaims",
  "groupMembershipClaims",
  "isFallbackPublicClient",
  "serviceManagementReference",
  "uniqueName",
  "isDeviceOnlyAuthSupported",
  "parentalControlSettings",
  "tokenEncryptionKeyId",
  "defaultRedirectUri",
  "samlMetadataUrl",
  "keyCredentials",
];
// Read-only properties clients sometimes echo back; Graph ignores them on write.
const IGNORED = [
  "id",
  "appId",
  "createdDateTime",
  "publisherDomain",
  "deletedDateTime",
  "@odata.type",
  "@odata.context",
];

export type AppRef = { by: "id" | "appId" | "uniqueName"; value: string };

export function findApp(world: World, tenantId: string, ref: AppRef): Application | undefined {
  const v = ref.value.toLowerCase();
  return world.store
    .appsOf(tenantId)
    .find((a) =>
      ref.by === "id"
        ? a.id === v
        : ref.by === "appId"
          ? a.appId === v
          : (a.uniqueName ?? "").toLowerCase() === v,
    );
}

/**
 * The app as Graph's reads (and writes by id) find it: during its replication delay they may not find
 * it yet (graphReadAfterCreate), while the write that created it, and an upsert on its key, do.
 */
export function replicatedApp(world: World, tenant: Tenant, ref: AppRef): Application | undefined {
  const app = findApp(world, tenant.id, ref);
  if (
    app &&
    tenant.settings.graphReadAfterCreate === "not-found" &&
    !windowOver(app, "replicatedAt", now(world))
  )
    return undefined;
  return app;
}

type BodyCheck = { ok: true; props: Record<string, unknown> } | { ok: false };

/** Validates an application body; answers Graph's 400 itself. */
function checkBody(ctx: Ctx, body: unknown, opts: { creating: boolean; existing?: Application }): BodyCheck {
  if (body === undefined && !opts.creating) return { ok: true, props: {} };
  if (!isObject(body)) {
    graphError(ctx, 400, "BadRequest", "Empty Payload. JSON content expected.");
    return { ok: false };
  }
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if (IGNORED.includes(k) || k.startsWith("@odata.")) continue;
    if (k === "passwordCredentials") {
      // Graph: passwordCredentials cannot be set on create or update; secrets come from addPassword.
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        "Property 'passwordCredentials' is read-only and cannot be set. Use the addPassword and removePassword actions to manage secrets.",
      );
      return { ok: false };
    }
    if (!WRITABLE.includes(k)) {
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        `Property '${k}' does not exist as a declared property or extension property.`,
      );
      return { ok: false };
    }
    props[k] = v;
  }
  // Required when creating; when given, a name that is not blank.
  if (
    (opts.creating || "displayName" in props) &&
    (typeof props.displayName !== "string" || props.displayName.trim() === "")
  ) {
    graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'displayName' of resource 'Application'.",
    );
    return { ok: false };
  }
  if ("signInAudience" in props && !SIGN_IN_AUDIENCES.includes(String(props.signInAudience))) {
    graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'signInAudience' of resource 'Application'.",
    );
    return { ok: false };
  }
  if ("uniqueName" in props) {
    const value = props.uniqueName;
    if (typeof value !== "string" || value.trim() === "") {
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        "Invalid value specified for property 'uniqueName' of resource 'Application'.",
      );
      return { ok: false };
    }
    if (opts.existing && (opts.existing.uniqueName ?? "").toLowerCase() !== value.toLowerCase()) {
      graphError(
        ctx,
        400,
        "Request_BadRequest",
        "Property 'uniqueName' is immutable once set and cannot be changed.",
      );
      return { ok: false };
    }
  }
  if ("web" in props && props.web !== null && !isObject(props.web)) {
    graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'web' of resource 'Application'.",
    );
    return { ok: false };
  }
  return { ok: true, props };
}

function applyProps(app: Application, props: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(props)) {
    if (k === "displayName") app.displayName = String(v);
    else if (k === "signInAudience") app.signInAudience = String(v);
    else if (k === "uniqueName") app.uniqueName = String(v);
    else if (k === "web" && isObject(v)) app.props.web = { ...((app.props.web as object) ?? {}), ...v };
    else app.props[k] = v;
  }
}

function createApp(
  world: World,
  tenant: Tenant,
  caller: Caller,
  props: Record<string, unknown>,
): Application {
  const t = now(world);
  const app: Application = {
    id: guid(),
    appId: guid(),
    tenantId: tenant.id,
    displayName: "",
    uniqueName: null,
    signInAudience: tenant.settings.defaultSignInAudience,
    createdDateTime: graphDate(t).replace(/\.\d+Z$/, "Z"),
    createdAt: t,
    replicatedAt: 0,
    ownerIds: [caller.principalId],
    passwordCredentials: [],
    props: {},
  };
  app.replicatedAt = openWindow(
    app,
    "replicatedAt",
    tenant.settings,
    t,
    tenant.settings.delays.appReplicationMs,
  );
  applyProps(app, props);
  world.store.applications.set(app.id, app);
  world.store.countCreated(tenant.id, "applications");
  return app;
}

function entityBody(world: World, app: Application, select?: string[]): Record<string, unknown> {
  return {
    "@odata.context": contextUrl(world, `applications${select ? `(${select.join(",")})` : ""}/$entity`),
    ...pickSelect(applicationJson(world, app), select),
  };
}

function creationLocation(world: World, app: Application): string {
  return `${world.baseUrl}/graph/v1.0/directoryObjects/${app.id}/Microsoft.DirectoryServices.Application`;
}

export function listApplications(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "GET /applications";
  if (!requirePermission(ctx, caller, READ_APPS_DELEGATED, READ_APPS_APP)) return;
  const opts = listOptions(ctx, APPLICATION_PROPERTIES, caller.tenant.settings.graphPageSize, "application");
  if (!opts) return;
  const items = world.store
    .appsOf(caller.tenant.id)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((a) => applicationJson(world, a));
  graphJson(ctx, 200, page(world, ctx, items, opts, "applications"));
}

export function createApplication(world: World, ctx: Ctx, caller: Caller): void {
  ctx.route = "POST /applications";
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return;
  if (caller.kind === "user" && !mayCreateApps(caller.tenant, caller.user))
    return insufficientPrivileges(ctx);
  const parsed = readBody(ctx);
  if (!parsed.ok) return;
  const check = checkBody(ctx, parsed.value, { creating: true });
  if (!check.ok) return;
  if (
    typeof check.props.uniqueName === "string" &&
    findApp(world, caller.tenant.id, { by: "uniqueName", value: check.props.uniqueName })
  ) {
    return graphError(
      ctx,
      400,
      "Request_MultipleObjectsWithSameKeyValue",
      "Another object with the same value for property uniqueName already exists.",
    );
  }
  const app = createApp(world, caller.tenant, caller, check.props);
  graphJson(ctx, 201, entityBody(world, app), { Location: creationLocation(world, app) });
}

export function getApplication(world: World, ctx: Ctx, caller: Caller, ref: AppRef): void {
  ctx.route = `GET /applications${ref.by === "id" ? "/{id}" : `(${ref.by})`}`;
  if (!requirePermission(ctx, caller, READ_APPS_DELEGATED, READ_APPS_APP)) return;
  const app = replicatedApp(world, caller.tenant, ref);
  if (!app) return notFound(ctx, ref.value);
  const opts = listOptions(ctx, APPLICATION_PROPERTIES, 1, "application");
  if (!opts) return;
  graphJson(ctx, 200, entityBody(world, app, opts.select));
}

/** PATCH by id or alternate key; with `Prefer: create-if-missing` on uniqueName it is Graph's upsert. */
export function patchApplication(world: World, ctx: Ctx, caller: Caller, ref: AppRef): void {
  ctx.route = `PATCH /applications${ref.by === "id" ? "/{id}" : `(${ref.by})`}`;
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return;
  const parsed = readBody(ctx);
  if (!parsed.ok) return;
  const upsert = /create-if-missing/i.test(header(ctx, "prefer") ?? "") && ref.by === "uniqueName";
  const existing = upsert ? findApp(world, caller.tenant.id, ref) : replicatedApp(world, caller.tenant, ref);
  if (!existing) {
    if (!upsert) return notFound(ctx, ref.value);
    if (caller.kind === "user" && !mayCreateApps(caller.tenant, caller.user))
      return insufficientPrivileges(ctx);
    const body = isObject(parsed.value) ? { ...parsed.value } : parsed.value;
    const check = checkBody(ctx, body, { creating: true });
    if (!check.ok) return;
    const app = createApp(world, caller.tenant, caller, { ...check.props, uniqueName: ref.value });
    return graphJson(ctx, 201, entityBody(world, app), {
      Location: creationLocation(world, app),
      "Preference-Applied": "create-if-missing",
    });
  }
  if (!mayModifyApp(caller, existing)) return insufficientPrivileges(ctx);
  const check = checkBody(ctx, parsed.value, { creating: false, existing });
  if (!check.ok) return;
  applyProps(existing, check.props);
  send(ctx, 204, "");
}

export function deleteApplication(world: World, ctx: Ctx, caller: Caller, ref: AppRef): void {
  ctx.route = `DELETE /applications${ref.by === "id" ? "/{id}" : `(${ref.by})`}`;
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return;
  const app = findApp(world, caller.tenant.id, ref);
  if (!app) return notFound(ctx, ref.value);
  if (!mayModifyApp(caller, app)) return insufficientPrivileges(ctx);
  world.store.applications.delete(app.id);
  // Deleting a single-tenant app removes its service principal in the home tenant too.
  const sp = world.store.spByAppId(app.tenantId, app.appId);
  if (sp) world.store.servicePrincipals.delete(sp.id);
  send(ctx, 204, "");
}
