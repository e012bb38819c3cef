/** Microsoft Graph's envelope: error bodies, headers, token checks and the directory rights rules. */
import {
  authenticate,
  GRAPH_AUDIENCES,
  hasAnyRole,
  hasAnyScope,
  type AuthFailure,
  type Caller,
} from "../auth";
import { localGraphIdentifiers } from "../entra/scopes";
import { header, readJson, send, type Ctx } from "../http";
import type { Application, Tenant, User } from "../store";
import type { World } from "../world";

export const GRAPH_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

export function graphError(
  ctx: Ctx,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(
    ctx,
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d+Z$/, ""),
          "request-id": ctx.requestId,
          "client-request-id": header(ctx, "client-request-id") ?? ctx.requestId,
        },
      },
    },
    "application/json",
    headers,
  );
}

export function graphJson(
  ctx: Ctx,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(ctx, status, body, GRAPH_JSON, headers);
}

export function graphHeaders(ctx: Ctx): void {
  ctx.extraHeaders["request-id"] = ctx.requestId;
  ctx.extraHeaders["client-request-id"] = header(ctx, "client-request-id") ?? ctx.requestId;
  ctx.extraHeaders["x-ms-ags-diagnostic"] = JSON.stringify({
    ServerInfo: { DataCenter: "Emulator", Slice: "E", Ring: "0", ScaleUnit: "000", RoleInstance: "emulator" },
  });
  ctx.extraHeaders["Strict-Transport-Security"] = "max-age=31536000";
  ctx.extraHeaders["Cache-Control"] = "no-cache";
}

const AUTH_MESSAGES: Record<AuthFailure["reason"], string> = {
  missing: "Access token is empty.",
  format: "CompactToken parsing failed with error code: 80049217",
  signature: "Access token validation failure. Invalid signature.",
  expired: "Lifetime validation failed, the token is expired.",
  audience: "Access token validation failure. Invalid audience.",
  tenant: "Access token validation failure. Invalid issuer.",
  claims: "Access token validation failure. The user or service principal in the token does not exist.",
};

export function graphAuthenticate(world: World, ctx: Ctx): Caller | undefined {
  const result = authenticate(world, ctx, [...GRAPH_AUDIENCES, ...localGraphIdentifiers(world.host)]);
  if (result.ok) return result.caller;
  graphError(ctx, 401, "InvalidAuthenticationToken", AUTH_MESSAGES[result.failure.reason], {
    "WWW-Authenticate": `Bearer realm="", authorization_uri="${world.baseUrl}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
  });
  return undefined;
}

export function insufficientPrivileges(ctx: Ctx): void {
  graphError(ctx, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
}

/** The token must carry one of these delegated scopes (user tokens) or app roles (app tokens). */
export function requirePermission(
  ctx: Ctx,
  caller: Caller,
  delegated: string[],
  application: string[],
): boolean {
  const ok = caller.kind === "user" ? hasAnyScope(caller, delegated) : hasAnyRole(caller, application);
  if (!ok) insufficientPrivileges(ctx);
  return ok;
}

/** A /me request: only with a user's token (400 otherwise), carrying one of these delegated scopes. */
export function meRequest(
  ctx: Ctx,
  caller: Caller,
  delegated: string[],
): caller is Extract<Caller, { kind: "user" }> {
  if (caller.kind !== "user") {
    graphError(ctx, 400, "BadRequest", "/me request is only valid with delegated authentication flow.");
    return false;
  }
  return requirePermission(ctx, caller, delegated, []);
}

export const WRITE_APPS_DELEGATED = [
  "Application.ReadWrite.All",
  "Directory.ReadWrite.All",
  "Directory.AccessAsUser.All",
];
export const READ_APPS_DELEGATED = ["Application.Read.All", ...WRITE_APPS_DELEGATED, "Directory.Read.All"];
export const WRITE_APPS_APP = ["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"];
export const READ_APPS_APP = ["Application.Read.All", ...WRITE_APPS_APP, "Directory.Read.All"];

function hasRole(user: User, roles: string[]): boolean {
  return user.roles.some((r) => roles.includes(r));
}

export function manageAllApps(user: User): boolean {
  return hasRole(user, [
    "Global Administrator",
    "Application Administrator",
    "Cloud Application Administrator",
  ]);
}

/** "Users can register applications", or a role that may register regardless of it. */
export function mayCreateApps(tenant: Tenant, user: User): boolean {
  return tenant.allowedToCreateApps || manageAllApps(user) || hasRole(user, ["Application Developer"]);
}

export function mayModifyApp(caller: Caller, app: Application): boolean {
  if (caller.kind === "app")
    return caller.roles.has("Application.ReadWrite.All") || app.ownerIds.includes(caller.principalId);
  return manageAllApps(caller.user) || app.ownerIds.includes(caller.user.id);
}

/** Graph's rule for creating a single-tenant app's service principal as a delegated user. */
export function mayCreateServicePrincipal(
  tenant: Tenant,
  caller: Caller,
  app: Application | undefined,
): boolean {
  if (caller.kind === "app")
    return (
      caller.roles.has("Application.ReadWrite.All") || (!!app && app.ownerIds.includes(caller.principalId))
    );
  if (manageAllApps(caller.user)) return true;
  if (!app || !app.ownerIds.includes(caller.user.id)) return false;
  return (
    hasRole(caller.user, ["Application Developer"]) || tenant.settings.regularUsersMayCreateServicePrincipals
  );
}

/** Graph's timestamp format: seven fractional digits. */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

export function contextUrl(world: World, fragment: string): string {
  return `${world.baseUrl}/graph/v1.0/$metadata#${fragment}`;
}

/** Graph's 404 for an object id (or key) it does not find. */
export function notFound(ctx: Ctx, id: string): void {
  graphError(
    ctx,
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** The request's JSON body, or Graph's 400 for one it cannot read. */
export function readBody(ctx: Ctx): { ok: true; value: unknown } | { ok: false } {
  const parsed = readJson(ctx);
  if (!parsed.ok)
    graphError(
      ctx,
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  return parsed;
}
