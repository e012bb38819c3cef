/** Entra ID routes at the root: /{tenant}/v2.0/.well-known/openid-configuration, /oauth2/v2.0/*, keys. */
import { send, sendHtml, type Ctx } from "../http";
import { jwks } from "../keys";
import type { World } from "../world";
import { handleAuthorize, handleLogin, handleLogout } from "./authorize";
import { handleAdminConsent, handleConsentSet } from "./consent";
import { tokenError } from "./errors";
import { resolveTenantSegment, tenantNotFoundText } from "./flow";
import { errorCodePage } from "./pages";
import { userRealm } from "./password-grant";
import { handleToken } from "./token";

function discovery(world: World, ctx: Ctx, segment: string): void {
  ctx.route = "GET /v2.0/.well-known/openid-configuration";
  const res = resolveTenantSegment(world, segment);
  if (res.kind === "unknown" || res.kind === "consumers")
    return tokenError(world, ctx, "invalid_tenant", 90002, tenantNotFoundText(segment));
  const base = world.baseUrl;
  // With a browser port, only the pages a person's browser visits (authorize, logout) are advertised on
  // its plain-HTTP origin; the issuer, token endpoint, keys and the rest stay on the HTTPS base URL.
  const browserBase = world.browserUrl ?? base;
  // Entra publishes endpoints under the segment the client used, and for multi-tenant segments an issuer
  // with the literal {tenantid} placeholder that clients substitute from the token's tid.
  const pathTenant = res.kind === "specific" ? res.tenant.id : res.segment;
  const issuerTenant = res.kind === "specific" ? res.tenant.id : "{tenantid}";
  if (res.kind === "specific") ctx.tenantId = res.tenant.id;
  send(
    ctx,
    200,
    {
      token_endpoint: `${base}/${pathTenant}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/${pathTenant}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/graph/oidc/userinfo`,
      authorization_endpoint: `${browserBase}/${pathTenant}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${pathTenant}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${browserBase}/${pathTenant}/oauth2/v2.0/logout`,
      claims_supported: [
        "sub",
        "iss",
        "cloud_instance_name",
        "cloud_instance_host_name",
        "cloud_graph_host_name",
        "msgraph_host",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "acr",
        "nonce",
        "preferred_username",
        "name",
        "tid",
        "ver",
        "at_hash",
        "c_hash",
        "email",
      ],
      kerberos_endpoint: `${base}/${pathTenant}/kerberos`,
      tenant_region_scope: res.kind === "specific" ? "NA" : null,
      cloud_instance_name: world.host,
      cloud_graph_host_name: world.host,
      msgraph_host: `${world.host}/graph`,
      rbac_url: `${base}/arm`,
    },
    "application/json; charset=utf-8",
    { "Access-Control-Allow-Origin": "*", "Cache-Control": "max-age=86400, private" },
  );
}

/** Instance discovery, for clients that do not list the emulator in knownAuthorities. */
function instanceDiscovery(world: World, ctx: Ctx): void {
  ctx.route = "GET /common/discovery/instance";
  const authorize =
    ctx.url.searchParams.get("authorization_endpoint") ?? `${world.baseUrl}/common/oauth2/v2.0/authorize`;
  let tenant = "common";
  try {
    tenant = new URL(authorize).pathname.split("/")[1] ?? "common";
  } catch {
    /* keep common */
  }
  send(ctx, 200, {
    tenant_discovery_endpoint: `${world.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: world.host, preferred_cache: world.host, aliases: [world.host] }],
  });
}

/** First path segments that belong to other services, never a tenant. */
const NOT_TENANTS = new Set(["graph", "arm", "_emulator", "error", "favicon.ico"]);

/**
 * The routes a person's browser visits during sign-in, sign-out and admin consent: the only ones the
 * plain-HTTP browser port serves. Keep in step with the page routes in handleEntra below.
 */
export function isBrowserRoute(method: string, segments: string[]): boolean {
  const [segment, ...rest] = segments;
  if (!segment) return false;
  if (segment === "favicon.ico" && rest.length === 0) return method === "GET";
  if (NOT_TENANTS.has(segment.toLowerCase())) return false;
  switch (rest.join("/").toLowerCase()) {
    case "oauth2/v2.0/authorize":
    case "oauth2/v2.0/logout":
    case "oauth2/logout":
    case "adminconsent":
    case "v2.0/adminconsent":
      return method === "GET" || method === "POST";
    case "login":
    case "consent/set":
      return method === "POST";
    default:
      return false;
  }
}

/** Returns false when the path is not an Entra route. */
export function handleEntra(world: World, ctx: Ctx): boolean {
  const s = ctx.segments;
  const [segment] = s;
  if (!segment) return false;
  if (segment === "error" && s.length === 1) {
    sendHtml(ctx, 200, errorCodePage(ctx.url.searchParams.get("code") ?? ""));
    return true;
  }
  if (segment === "common" && s[1] === "discovery" && s[2] === "instance") {
    instanceDiscovery(world, ctx);
    return true;
  }
  if (segment === "common" && s[1] === "userrealm" && s[2] && s.length === 3 && ctx.method === "GET") {
    userRealm(world, ctx, s[2]);
    return true;
  }
  const rest = s.slice(1).join("/").toLowerCase();
  switch (rest) {
    case "v2.0/.well-known/openid-configuration":
    case ".well-known/openid-configuration":
      discovery(world, ctx, segment);
      return true;
    case "discovery/v2.0/keys":
    case "discovery/keys": {
      ctx.route = "GET /discovery/v2.0/keys";
      const res = resolveTenantSegment(world, segment);
      if (res.kind === "unknown") {
        tokenError(world, ctx, "invalid_tenant", 90002, tenantNotFoundText(segment));
        return true;
      }
      send(
        ctx,
        200,
        jwks(world.keys, `${world.baseUrl}/{tenantid}/v2.0`),
        "application/json; charset=utf-8",
        { "Access-Control-Allow-Origin": "*" },
      );
      return true;
    }
    case "oauth2/v2.0/authorize":
      handleAuthorize(world, ctx, segment);
      return true;
    case "oauth2/v2.0/token":
      handleToken(world, ctx, segment);
      return true;
    case "oauth2/v2.0/logout":
    case "oauth2/logout":
      handleLogout(world, ctx);
      return true;
    case "login":
      if (ctx.method !== "POST") return false;
      handleLogin(world, ctx);
      return true;
    case "consent/set":
      if (ctx.method !== "POST") return false;
      handleConsentSet(world, ctx);
      return true;
    case "adminconsent":
    case "v2.0/adminconsent":
      handleAdminConsent(world, ctx, segment);
      return true;
    default:
      return false;
  }
}
