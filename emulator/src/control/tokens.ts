/** POST /_emulator/tokens: an access token minted directly, for a user or an app's service principal. */
import { issueAppAccessToken, issueUserAccessToken } from "../entra/minting";
import { audienceFor } from "../entra/scopes";
import { send, type Ctx } from "../http";
import { bad, type ControlContext } from "./common";

export function mintToken(c: ControlContext, ctx: Ctx, b: Record<string, unknown>): void {
  const world = c.world;
  const tenant = typeof b.tenantId === "string" ? world.store.tenantByIdOrDomain(b.tenantId) : undefined;
  if (!tenant) return bad(ctx, 400, "tenantId (an existing tenant) is required");
  const resourceName = b.resource === "arm" ? "arm" : b.resource === "graph" ? "graph" : undefined;
  if (!resourceName) return bad(ctx, 400, "resource must be 'graph' or 'arm'");
  const audience = typeof b.audience === "string" ? b.audience : audienceFor(resourceName, undefined);
  const lifetime = typeof b.lifetimeSeconds === "number" ? b.lifetimeSeconds : undefined;
  const withLifetime =
    lifetime !== undefined
      ? { ...tenant, settings: { ...tenant.settings, tokenLifetimeSeconds: lifetime } }
      : tenant;
  if (typeof b.user === "string") {
    const user = world.store.users.get(b.user.toLowerCase()) ?? world.store.userByUpn(b.user);
    if (!user || user.tenantId !== tenant.id)
      return bad(ctx, 400, `Unknown user '${b.user}' in tenant ${tenant.id}`);
    const scopes = Array.isArray(b.scopes)
      ? (b.scopes as string[])
      : resourceName === "arm"
        ? ["user_impersonation"]
        : ["User.Read"];
    const at = issueUserAccessToken(world, {
      tenant: withLifetime,
      user,
      clientId: typeof b.clientId === "string" ? b.clientId : "00000000-0000-0000-0000-0000000c1e47",
      resource: resourceName,
      audience,
      scopes,
    });
    return send(ctx, 200, { access_token: at.token, expires_in: at.expiresIn, token_type: "Bearer" });
  }
  if (typeof b.appId === "string") {
    const sp = world.store.spByAppId(tenant.id, b.appId);
    if (!sp) return bad(ctx, 400, `No service principal for appId '${b.appId}' in tenant ${tenant.id}`);
    const roles = Array.isArray(b.roles) ? (b.roles as string[]) : [];
    const at = issueAppAccessToken(world, { tenant: withLifetime, sp, clientId: sp.appId, audience, roles });
    return send(ctx, 200, { access_token: at.token, expires_in: at.expiresIn, token_type: "Bearer" });
  }
  bad(ctx, 400, "user (id or UPN) or appId is required");
}
