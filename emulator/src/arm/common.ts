/** ARM's envelope: headers, error bodies, token checks, api-version checks and nextLink paging. */
import { ARM_AUDIENCES, authenticate, type AuthFailure, type Caller } from "../auth";
import { header, readJson, send, type Ctx } from "../http";
import { guid } from "../ids";
import type { ErrorShapes } from "../settings";
import { now, type World } from "../world";

export function armHeaders(ctx: Ctx): void {
  ctx.extraHeaders["x-ms-request-id"] = ctx.requestId;
  ctx.extraHeaders["x-ms-correlation-request-id"] = header(ctx, "x-ms-correlation-request-id") ?? guid();
  ctx.extraHeaders["x-ms-routing-request-id"] =
    `EMULATOR:${new Date().toISOString().replace(/[-:.]/g, "").slice(0, 15)}Z:${ctx.requestId}`;
  const clientRequestId = header(ctx, "x-ms-client-request-id");
  if (clientRequestId) ctx.extraHeaders["x-ms-client-request-id"] = clientRequestId;
  ctx.extraHeaders["Cache-Control"] = "no-cache";
  ctx.extraHeaders["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  ctx.extraHeaders["X-Content-Type-Options"] = "nosniff";
}

/** ASP.NET names the request field a validation error is about. */
function validationField(code: string, message: string): string {
  if (/principal/i.test(code) || /^principal|principalid|principal '/i.test(message))
    return "properties.PrincipalId";
  if (/roledefinition/i.test(code + message)) return "properties.RoleDefinitionId";
  return code;
}

/** An error body in the shape the route's resource provider uses (see ErrorShape in settings.ts). */
export function errorBody(ctx: Ctx, status: number, code: string, message: string): unknown {
  switch (ctx.errorShape) {
    case "flat":
      return { code, message };
    case "aspnet": {
      const traceId = `00-${ctx.requestId.replace(/-/g, "")}-${ctx.requestId.slice(0, 16).replace(/-/g, "0")}-00`;
      if (status === 400)
        return {
          type: "https://tools.ietf.org/html/rfc7231#section-6.5.1",
          title: "One or more validation errors occurred.",
          status,
          traceId,
          errors: { [validationField(code, message)]: [message] },
        };
      return { type: "about:blank", title: code, status, detail: message, traceId };
    }
    default:
      return { error: { code, message } };
  }
}

export function armError(
  ctx: Ctx,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(ctx, status, errorBody(ctx, status, code, message), "application/json; charset=utf-8", headers);
}

export function armJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(ctx, status, body, "application/json; charset=utf-8", headers);
}

/** ARM's "M/D/YYYY h:mm:ss AM" timestamps in ExpiredAuthenticationToken messages. */
function armTime(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

function failure(world: World, f: AuthFailure): { code: string; message: string } {
  switch (f.reason) {
    case "missing":
      return {
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is missing.",
      };
    case "format":
      return {
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      };
    case "signature":
      return { code: "InvalidAuthenticationToken", message: "The access token is invalid." };
    case "expired":
      return {
        code: "ExpiredAuthenticationToken",
        message: `The access token expiry UTC time '${armTime(f.exp * 1000)}' is earlier than current UTC time '${armTime(now(world))}'.`,
      };
    case "audience":
      return {
        code: "InvalidAuthenticationTokenAudience",
        message: `The access token has been obtained for wrong audience or resource '${f.aud}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
      };
    case "tenant":
      return {
        code: "InvalidAuthenticationTokenTenant",
        message: `The access token is from the wrong issuer '${f.iss}'. It must match the tenant associated with this resource. Please use the authority (URL) '${world.baseUrl}/common' to get the token.`,
      };
    case "claims":
      return {
        code: "InvalidAuthenticationToken",
        message:
          "The received access token is not valid: at least one of the claims 'puid' or 'altsecid' or 'oid' should be present. If you are accessing as application please make sure service principal is properly created in the tenant.",
      };
  }
}

export function armAuthenticate(world: World, ctx: Ctx): Caller | undefined {
  const result = authenticate(world, ctx, ARM_AUDIENCES);
  if (result.ok) {
    const caller = result.caller;
    // Delegated ARM tokens carry user_impersonation; a token for other ARM scopes cannot act as the user.
    if (caller.kind === "user" && ![...caller.scopes].some((s) => s.toLowerCase() === "user_impersonation")) {
      armError(
        ctx,
        401,
        "InvalidAuthenticationToken",
        "The access token does not have the required 'user_impersonation' scope for Azure Resource Manager.",
        {
          "WWW-Authenticate": `Bearer authorization_uri="${world.baseUrl}/${caller.tenant.id}", error="invalid_token", error_description="The access token is missing the user_impersonation scope."`,
        },
      );
      return undefined;
    }
    return caller;
  }
  const { code, message } = failure(world, result.failure);
  armError(ctx, 401, code, message, {
    "WWW-Authenticate": `Bearer authorization_uri="${world.baseUrl}/common", error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
  return undefined;
}

export const API_VERSIONS = {
  core: [
    "2014-04-01",
    "2015-01-01",
    "2016-06-01",
    "2018-06-01",
    "2019-06-01",
    "2019-11-01",
    "2020-01-01",
    "2021-01-01",
    "2022-12-01",
  ],
  billing: [
    "2018-03-01-preview",
    "2018-11-01-preview",
    "2019-10-01-preview",
    "2020-05-01",
    "2020-09-01-preview",
    "2020-11-01-preview",
    "2021-10-01",
    "2024-04-01",
  ],
  createBillingRoleAssignment: ["2019-10-01-preview", "2024-04-01"],
  checkAccess: ["2024-04-01"],
  costManagement: [
    "2019-11-01",
    "2021-10-01",
    "2022-10-01",
    "2023-03-01",
    "2023-04-01-preview",
    "2023-08-01",
    "2023-09-01",
    "2023-11-01",
    "2024-08-01",
    "2025-03-01",
  ],
  roleAssignments: [
    "2015-07-01",
    "2018-01-01-preview",
    "2018-09-01-preview",
    "2020-04-01-preview",
    "2020-10-01-preview",
    "2022-04-01",
  ],
  roleDefinitions: ["2015-07-01", "2018-01-01-preview", "2022-04-01", "2022-05-01-preview"],
} as const;

/** Returns the api-version or answers ARM's 400 itself. */
export function apiVersion(
  ctx: Ctx,
  supported: readonly string[],
  kind: { namespace?: string; type: string },
): string | undefined {
  const v = ctx.url.searchParams.get("api-version");
  if (!v) {
    armError(
      ctx,
      400,
      "MissingApiVersionParameter",
      "The api-version query parameter (?api-version=) is required for all requests.",
    );
    return undefined;
  }
  if (supported.includes(v)) return v;
  if (!kind.namespace) {
    armError(
      ctx,
      400,
      "InvalidApiVersionParameter",
      `The api-version '${v}' is invalid. The supported versions are '${supported.join(",")}'. Please refer to https://aka.ms/arm-api-versions`,
    );
  } else {
    armError(
      ctx,
      400,
      "NoRegisteredProviderFound",
      `No registered resource provider found for location 'global' and API version '${v}' for type '${kind.type}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are ''.`,
    );
  }
  return undefined;
}

/**
 * The start of every ARM handler: names the route (request logs, state counts) and checks the
 * api-version, answering ARM's 400 itself. Returns the api-version, or undefined when it answered.
 */
export function armRoute(
  ctx: Ctx,
  route: string,
  supported: readonly string[],
  kind: { namespace?: string; type: string },
): string | undefined {
  ctx.route = route;
  // An unknown api-version is ARM's own answer, in ARM's envelope, whatever the provider's shape.
  const shape = ctx.errorShape;
  ctx.errorShape = undefined;
  const version = apiVersion(ctx, supported, kind);
  ctx.errorShape = shape;
  return version;
}

/** The route family's error shape in the caller's tenant settings (see ErrorShapes). */
export function applyErrorShape(world: World, ctx: Ctx, family: keyof ErrorShapes): void {
  const tenant = ctx.tenantId ? world.store.tenants.get(ctx.tenantId) : undefined;
  ctx.errorShape = tenant?.settings.errorShapes[family] ?? "arm";
}

/** ARM's refusal of an action at a scope (AuthorizationFailed by default; status and code switchable). */
export function authorizationFailed(
  ctx: Ctx,
  caller: Caller,
  action: string,
  scope: string,
  options: { status?: number; code?: string; extra?: string; send?: typeof armError } = {},
): void {
  (options.send ?? armError)(
    ctx,
    options.status ?? 403,
    options.code ?? "AuthorizationFailed",
    `${callerDescription(caller)} does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.${options.extra ?? ""}`,
  );
}

export function readArmBody(ctx: Ctx): { ok: true; value: unknown } | { ok: false } {
  const parsed = readJson(ctx);
  if (!parsed.ok)
    armError(
      ctx,
      400,
      "InvalidRequestContent",
      "The request content was invalid and could not be deserialized: 'Unexpected character encountered while parsing value.'",
    );
  return parsed;
}

/** One page of an ARM list; nextLink repeats the request URL with a $skiptoken (absolute, with api-version). */
export function armPage<T>(
  world: World,
  ctx: Ctx,
  items: T[],
  pageSize: number,
): { value: T[]; nextLink?: string } {
  const token = ctx.url.searchParams.get("$skiptoken");
  const skip = token
    ? Math.max(0, Number.parseInt(Buffer.from(token, "base64url").toString("utf8"), 10) || 0)
    : 0;
  const topParam = Number(ctx.url.searchParams.get("$top"));
  const size = Number.isInteger(topParam) && topParam > 0 ? Math.min(topParam, pageSize) : pageSize;
  const value = items.slice(skip, skip + size);
  if (skip + size >= items.length) return { value };
  const next = new URL(`${world.baseUrl}${ctx.url.pathname}${ctx.url.search}`);
  next.searchParams.set("$skiptoken", Buffer.from(String(skip + size)).toString("base64url"));
  return { value, nextLink: next.toString() };
}

export function callerDescription(caller: Caller): string {
  return caller.kind === "user"
    ? `The client '${caller.user.userPrincipalName}' with object id '${caller.principalId}'`
    : `The client '${caller.appId}' with object id '${caller.principalId}'`;
}
