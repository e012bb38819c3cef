/**
 * grant_type=client_credentials: an app token for an app created through Graph (once it and its service
 * principal have replicated) or a registered client consented in the tenant; one `/.default` scope.
 */
import { windowOver } from "../../delay-window";
import { send, type Ctx } from "../../http";
import type { Tenant } from "../../store";
import { now, type World } from "../../world";
import { authenticateClient } from "../client-auth";
import { tokenError } from "../errors";
import { appNotFoundText } from "../flow";
import { issueAppAccessToken, type ResolvedClient } from "../minting";
import { audienceFor, localGraphIdentifiers, parseScopes, type ParsedScope } from "../scopes";

interface ClientCredentialsOptions {
  urlTenant?: Tenant;
  segment: string;
  clientId: string;
  client?: ResolvedClient;
  secret?: string;
  form: URLSearchParams;
}

function grantedKeysForTenant(world: World, tenantId: string, clientId: string): number {
  const grant = world.store.consent(tenantId, clientId);
  return grant.admin.size + [...grant.users.values()].reduce((n, s) => n + s.size, 0);
}

/** The refusal for a flow without a tenant in its URL. */
function noTenant(world: World, ctx: Ctx, client: ResolvedClient | undefined): void {
  if (client?.kind === "graph" && !client.multiTenant) {
    return tokenError(
      world,
      ctx,
      "invalid_request",
      50194,
      `Application '${client.clientId}'(${client.displayName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    );
  }
  return tokenError(
    world,
    ctx,
    "invalid_request",
    90014,
    "The tenant must be specified in the request URL for the client credentials flow. Use a tenant-specific endpoint.",
  );
}

/** The one `<resource>/.default` scope, or undefined once refused. */
function defaultScope(world: World, ctx: Ctx, tenant: Tenant, scopeParam: string): ParsedScope | undefined {
  const parsed = parseScopes(scopeParam, localGraphIdentifiers(world.host));
  if (!parsed.ok) {
    tokenError(
      world,
      ctx,
      "invalid_resource",
      500011,
      `The resource principal named ${parsed.unknownResource} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
    return undefined;
  }
  const resourceScopes = parsed.scopes.filter((s) => s.resource);
  if (resourceScopes.length !== 1 || parsed.scopes.length !== 1) {
    tokenError(
      world,
      ctx,
      "invalid_scope",
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scopeParam} is not valid.`,
    );
    return undefined;
  }
  const scope = resourceScopes[0]!;
  if (scope.name !== ".default") {
    tokenError(
      world,
      ctx,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scopeParam} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
    return undefined;
  }
  return scope;
}

export function clientCredentialsGrant(world: World, ctx: Ctx, opts: ClientCredentialsOptions): void {
  const { urlTenant, client } = opts;
  const t = now(world);
  ctx.route = "POST /oauth2/v2.0/token (client_credentials)";
  if (!urlTenant) return noTenant(world, ctx, client);
  const notFound = () =>
    tokenError(
      world,
      ctx,
      "unauthorized_client",
      700016,
      appNotFoundText(opts.clientId, urlTenant.displayName),
    );
  if (!client) return notFound();
  // A public client has no credential to prove who it is, so it cannot act on its own.
  if (client.kind === "firstParty" && !opts.secret)
    return tokenError(
      world,
      ctx,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  if (client.kind === "graph") {
    const app = client.app;
    // Until the new app replicates to Entra's token service, it does not exist there.
    if ((app.tenantId !== urlTenant.id && !client.multiTenant) || !windowOver(app, "replicatedAt", t))
      return notFound();
  }
  const refusal = authenticateClient(world, client, opts.secret);
  if (refusal) return tokenError(world, ctx, refusal.error, refusal.code, refusal.description);
  const scope = defaultScope(world, ctx, urlTenant, opts.form.get("scope") ?? "");
  if (!scope) return;
  const sp = world.store.spByAppId(urlTenant.id, client.clientId);
  if (client.kind === "graph") {
    if (!sp)
      return tokenError(
        world,
        ctx,
        "invalid_client",
        7000229,
        `The client application ${client.clientId} is missing service principal in the tenant ${urlTenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
        400,
      );
    if (!windowOver(sp, "replicatedAt", t)) return notFound();
  } else if (grantedKeysForTenant(world, urlTenant.id, client.clientId) === 0) {
    return notFound();
  }
  ctx.tenantId = urlTenant.id;
  const principal = sp ?? { id: client.clientId, displayName: client.displayName };
  const at = issueAppAccessToken(world, {
    tenant: urlTenant,
    sp: principal,
    clientId: client.clientId,
    audience: audienceFor(scope.resource!, scope.resourceIdentifier),
    roles: [],
  });
  send(
    ctx,
    200,
    { token_type: "Bearer", expires_in: at.expiresIn, ext_expires_in: at.expiresIn, access_token: at.token },
    "application/json; charset=utf-8",
    { "Cache-Control": "no-store, no-cache", Pragma: "no-cache" },
  );
}
