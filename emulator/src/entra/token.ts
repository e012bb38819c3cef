/**
 * POST /{tenant}/oauth2/v2.0/token: the endpoint's common checks (method, tenant, grant_type, client),
 * then one module per grant: grants/authorization-code.ts, grants/refresh-token.ts,
 * grants/client-credentials.ts and password-grant.ts (resource owner password credentials).
 */
import { readForm, type Ctx } from "../http";
import { sweep, type World } from "../world";
import { credentials } from "./client-auth";
import { tokenError } from "./errors";
import { appNotFoundText, resolveTenantSegment, tenantNotFoundText } from "./flow";
import { authorizationCodeGrant } from "./grants/authorization-code";
import { clientCredentialsGrant } from "./grants/client-credentials";
import { refreshTokenGrant } from "./grants/refresh-token";
import { resolveClient } from "./minting";
import { passwordGrant } from "./password-grant";

export function handleToken(world: World, ctx: Ctx, segment: string): void {
  ctx.route = "POST /oauth2/v2.0/token";
  sweep(world);
  if (ctx.method !== "POST")
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900561,
      "The endpoint only accepts POST requests. Received a GET request.",
    );
  const form = readForm(ctx);
  const tenantRes = resolveTenantSegment(world, segment);
  if (tenantRes.kind === "unknown" || tenantRes.kind === "consumers")
    return tokenError(world, ctx, "invalid_tenant", 90002, tenantNotFoundText(segment));
  const urlTenant = tenantRes.kind === "specific" ? tenantRes.tenant : undefined;
  if (urlTenant) ctx.tenantId = urlTenant.id;
  const grantType = form.get("grant_type");
  if (!grantType)
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  const { clientId, secret } = credentials(ctx, form);
  if (!clientId)
    return tokenError(
      world,
      ctx,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  const client = resolveClient(world, clientId);
  const wantClientInfo = form.get("client_info") === "1";

  if (grantType === "client_credentials")
    return clientCredentialsGrant(world, ctx, { urlTenant, segment, clientId, client, secret, form });

  if (!client)
    return tokenError(
      world,
      ctx,
      "unauthorized_client",
      700016,
      appNotFoundText(clientId, urlTenant?.displayName ?? segment),
    );

  if (grantType === "password")
    return passwordGrant(world, ctx, { urlTenant, segment, client, secret, form, wantClientInfo });

  const grantOpts = { urlTenant, client, secret, form, wantClientInfo };
  if (grantType === "authorization_code") return authorizationCodeGrant(world, ctx, grantOpts);
  if (grantType === "refresh_token") return refreshTokenGrant(world, ctx, grantOpts);

  return tokenError(
    world,
    ctx,
    "unsupported_grant_type",
    70003,
    `The app requested an unsupported grant type '${grantType}'.`,
  );
}
