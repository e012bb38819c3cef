/**
 * The control API under /_emulator: seed scenarios, register the portal's client app, grant consent,
 * inject faults, read a tenant's state (to assert exactly-once), change settings, expire tokens.
 */
import { settleOperations } from "./arm/billing";
import { ClientError, grantConsent, registerClient } from "./clients";
import { hashPassword } from "./entra/password-grant";
import { audienceFor, splitKey } from "./entra/scopes";
import { issueAppAccessToken, issueUserAccessToken } from "./entra/minting";
import { FaultError, type Faults } from "./faults";
import { isObject, readJson, send, type Ctx } from "./http";
import { listIssued } from "./issued";
import { seedTenantBatch } from "./load-tenants";
import { ScenarioError, seedScenario, type ScenarioSpec } from "./scenario";
import { applySettings, type AppManagementPolicy, type TenantSettingsPatch } from "./settings";
import { DIRECTORY_ROLES, type DirectoryRole, type Tenant } from "./store";
import { now, type World } from "./world";

export interface ControlContext {
  world: World;
  faults: Faults;
  caPath: string;
  spkiSha256: string;
  seeded?: unknown;
}

function bad(ctx: Ctx, status: number, message: string): void {
  send(ctx, status, { error: { message } });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function tenantOr404(c: ControlContext, ctx: Ctx, id: string): Tenant | undefined {
  const tenant = c.world.store.tenantByIdOrDomain(id);
  if (!tenant) bad(ctx, 404, `Unknown tenant '${id}'`);
  return tenant;
}

export function tenantState(world: World, tenant: Tenant): Record<string, unknown> {
  settleOperations(world);
  const store = world.store;
  const users = store.usersOf(tenant.id);
  const counts: Record<string, number> = {};
  const log = store.requestLog.get(tenant.id) ?? [];
  for (const r of log) counts[`${r.service} ${r.route}`] = (counts[`${r.service} ${r.route}`] ?? 0) + 1;
  const principalIds = new Set([...users.map((u) => u.id), ...store.spsOf(tenant.id).map((s) => s.id)]);
  const accounts = [...store.billingAccounts.values()].filter(
    (a) =>
      a.primaryBillingTenantId === tenant.id ||
      store.assignmentsOf(a.name).some((x) => principalIds.has(x.principalId)),
  );
  return {
    tenant: {
      id: tenant.id,
      displayName: tenant.displayName,
      domain: tenant.domain,
      customDomains: tenant.customDomains ?? [],
      allowedToCreateApps: tenant.allowedToCreateApps,
      appManagementPolicy: tenant.appManagementPolicy,
      settings: tenant.settings,
      tokensExpiredAt: tenant.tokensExpiredAt ?? null,
    },
    users: users.map((u) => ({
      id: u.id,
      key: u.key,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      roles: u.roles,
      billingElevated: u.billingElevated,
    })),
    applications: store.appsOf(tenant.id).map((a) => ({
      id: a.id,
      appId: a.appId,
      displayName: a.displayName,
      uniqueName: a.uniqueName,
      signInAudience: a.signInAudience,
      createdDateTime: a.createdDateTime,
      replicatedAt: iso(a.replicatedAt),
      ownerIds: a.ownerIds,
      // Never the secret value: tests assert on metadata only.
      passwordCredentials: a.passwordCredentials.map((c) => ({
        keyId: c.keyId,
        displayName: c.displayName,
        hint: c.hint,
        startDateTime: c.startDateTime,
        endDateTime: c.endDateTime,
        activeAt: iso(c.activeAt),
      })),
    })),
    servicePrincipals: store.spsOf(tenant.id).map((s) => ({
      id: s.id,
      appId: s.appId,
      displayName: s.displayName,
      createdDateTime: s.createdDateTime,
      replicatedAt: iso(s.replicatedAt),
      billingVisibleAt: iso(s.billingVisibleAt),
    })),
    billingAccounts: accounts.map((a) => ({
      name: a.name,
      displayName: a.displayName,
      agreementType: a.agreementType,
      accountStatus: a.accountStatus,
      primaryBillingTenantId: a.primaryBillingTenantId,
      costRows: a.costs.length,
      roleAssignments: store.assignmentsOf(a.name).map((x) => ({
        name: x.name,
        principalId: x.principalId,
        principalTenantId: x.principalTenantId,
        principalType: x.principalType,
        roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${a.name}/billingRoleDefinitions/${x.roleDefinitionName}`,
        createdOn: x.createdOn,
        createdByPrincipalId: x.createdByPrincipalId,
        effectiveAt: iso(x.effectiveAt),
      })),
      pendingOperations: [...store.operations.values()]
        .filter((o) => o.billingAccountName === a.name && !o.done)
        .map((o) => ({
          id: o.id,
          principalId: o.assignment.principalId,
          pollsLeft: o.pollsLeft,
          readyAt: iso(o.readyAt),
        })),
    })),
    subscriptions: [...store.subscriptions.values()].filter((s) => s.tenantId === tenant.id),
    rbacRoleAssignments: store.rbac.filter((r) => r.tenantId === tenant.id),
    consents: [...store.consents.values()]
      .filter((g) => g.tenantId === tenant.id)
      .map((g) => ({
        clientId: g.clientId,
        admin: [...g.admin].map(keyToScope),
        users: Object.fromEntries([...g.users.entries()].map(([u, s]) => [u, [...s].map(keyToScope)])),
      })),
    created: {
      applications: 0,
      servicePrincipals: 0,
      passwordCredentials: 0,
      billingRoleAssignments: 0,
      rbacRoleAssignments: 0,
      ...(store.created.get(tenant.id) ?? {}),
    },
    requestCounts: counts,
    requests: log.slice(-200),
  };
}

function keyToScope(key: string): string {
  const { resource, name } = splitKey(key);
  return `${resource === "graph" ? "https://graph.microsoft.com" : "https://management.azure.com"}/${name}`;
}

function body(ctx: Ctx): Record<string, unknown> | undefined {
  const parsed = readJson(ctx);
  if (!parsed.ok || (parsed.value !== undefined && !isObject(parsed.value))) {
    bad(ctx, 400, "Body must be a JSON object");
    return undefined;
  }
  return (parsed.value as Record<string, unknown> | undefined) ?? {};
}

function mintToken(c: ControlContext, ctx: Ctx, b: Record<string, unknown>): void {
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

export function handleControl(c: ControlContext, ctx: Ctx): void {
  const world = c.world;
  const [, ...rest] = ctx.segments;
  const m = ctx.method;
  const path = rest.join("/");
  try {
    if (path === "" && m === "GET") {
      return send(ctx, 200, {
        baseUrl: world.baseUrl,
        browserUrl: world.browserUrl ?? null,
        caPath: c.caPath,
        spkiSha256: c.spkiSha256,
        seeded: c.seeded ?? null,
        endpoints: {
          authority: `${world.baseUrl}/{tenant}`,
          knownAuthorities: [world.host],
          graph: `${world.baseUrl}/graph`,
          arm: `${world.baseUrl}/arm`,
          graphAudience: "https://graph.microsoft.com",
          armScope: "https://management.azure.com/.default",
        },
      });
    }
    if (path === "health" && m === "GET") return send(ctx, 200, { ok: true });
    if (path === "scenarios" && m === "POST") {
      const b = body(ctx);
      if (!b) return;
      return send(ctx, 201, seedScenario(world, b as ScenarioSpec));
    }
    if (path === "scenarios/batch" && m === "POST") {
      const b = body(ctx);
      if (!b) return;
      return send(ctx, 201, { value: seedTenantBatch(world, b) });
    }
    if (path === "issued-credentials" && m === "GET") {
      const tenant = ctx.url.searchParams.get("tenant") ?? undefined;
      return send(ctx, 200, { value: listIssued(world, tenant) });
    }
    if (path === "tenants" && m === "GET") {
      return send(ctx, 200, {
        value: world.store
          .tenantsInOrder()
          .map((t) => ({ id: t.id, displayName: t.displayName, domain: t.domain })),
      });
    }
    if (rest[0] === "tenants" && rest[1]) {
      const tenant = tenantOr404(c, ctx, rest[1]);
      if (!tenant) return;
      const action = rest.slice(2).join("/");
      if (action === "" && m === "DELETE") {
        world.store.removeTenant(tenant.id);
        return send(ctx, 204, "");
      }
      if (action === "state" && m === "GET") return send(ctx, 200, tenantState(world, tenant));
      if (action === "settings" && m === "POST") {
        const b = body(ctx);
        if (!b) return;
        const { authorizationPolicy, appManagementPolicy, ...settings } = b;
        const next = applySettings(tenant.settings, settings as TenantSettingsPatch);
        if (isObject(authorizationPolicy) && typeof authorizationPolicy.allowedToCreateApps === "boolean")
          tenant.allowedToCreateApps = authorizationPolicy.allowedToCreateApps;
        if (isObject(appManagementPolicy))
          tenant.appManagementPolicy = {
            ...tenant.appManagementPolicy,
            ...(appManagementPolicy as Partial<AppManagementPolicy>),
          };
        tenant.settings = next;
        return send(ctx, 200, {
          settings: tenant.settings,
          authorizationPolicy: { allowedToCreateApps: tenant.allowedToCreateApps },
          appManagementPolicy: tenant.appManagementPolicy,
        });
      }
      if (action === "expire-tokens" && m === "POST") {
        tenant.tokensExpiredAt = Math.floor(now(world) / 1000);
        return send(ctx, 200, { tokensExpiredAt: tenant.tokensExpiredAt });
      }
      // Ages the user's browser sign-in sessions, as if they had signed in that much earlier: single
      // sign-on then carries the older auth_time, and max_age can find it too old.
      if (rest[2] === "users" && rest[3] && rest[4] === "sessions" && rest.length === 5 && m === "POST") {
        const user = world.store.users.get(rest[3].toLowerCase()) ?? world.store.userByUpn(rest[3]);
        if (!user || user.tenantId !== tenant.id) return bad(ctx, 404, `Unknown user '${rest[3]}'`);
        const b = body(ctx);
        if (!b) return;
        if (
          typeof b.olderBySeconds !== "number" ||
          !Number.isInteger(b.olderBySeconds) ||
          b.olderBySeconds < 0
        )
          return bad(ctx, 400, "olderBySeconds must be a whole number of seconds, 0 or more");
        const sessions = [...world.sessions.values()].filter((s) => s.userId === user.id);
        for (const session of sessions) session.authTime -= b.olderBySeconds;
        return send(ctx, 200, {
          value: sessions.map((s) => ({ authTime: new Date(s.authTime * 1000).toISOString() })),
        });
      }
      if (rest[2] === "users" && rest[3] && rest.length === 4 && m === "POST") {
        const user = world.store.users.get(rest[3].toLowerCase()) ?? world.store.userByUpn(rest[3]);
        if (!user || user.tenantId !== tenant.id) return bad(ctx, 404, `Unknown user '${rest[3]}'`);
        const b = body(ctx);
        if (!b) return;
        if (b.roles !== undefined) {
          if (!Array.isArray(b.roles) || b.roles.some((r) => !(r in DIRECTORY_ROLES)))
            return bad(ctx, 400, `roles must be a list of: ${Object.keys(DIRECTORY_ROLES).join(", ")}`);
          user.roles = b.roles as DirectoryRole[];
        }
        if (typeof b.billingElevated === "boolean") user.billingElevated = b.billingElevated;
        if (typeof b.password === "string") user.passwordHash = b.password ? hashPassword(b.password) : null;
        return send(ctx, 200, { id: user.id, roles: user.roles, billingElevated: user.billingElevated });
      }
    }
    if (path === "clients" && m === "POST") {
      const b = body(ctx);
      if (!b) return;
      const client = registerClient(world, b);
      return send(ctx, 200, {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        displayName: client.displayName,
        redirectUris: client.redirectUris,
        permissions: client.permissions,
      });
    }
    if (path === "consents" && (m === "POST" || m === "DELETE")) {
      const b = body(ctx);
      if (!b) return;
      if (typeof b.tenantId !== "string" || typeof b.clientId !== "string")
        return bad(ctx, 400, "tenantId and clientId are required");
      if (m === "DELETE") {
        const tenant = tenantOr404(c, ctx, b.tenantId);
        if (!tenant) return;
        world.store.consents.delete(`${tenant.id}|${b.clientId.toLowerCase()}`);
        return send(ctx, 204, "");
      }
      grantConsent(
        world,
        b.tenantId,
        b.clientId,
        Array.isArray(b.scopes) ? (b.scopes as string[]) : undefined,
        typeof b.user === "string" ? b.user : undefined,
      );
      return send(ctx, 204, "");
    }
    if (path === "faults") {
      if (m === "GET") return send(ctx, 200, { value: c.faults.all() });
      if (m === "DELETE") return send(ctx, 200, { removed: c.faults.clear() });
      if (m === "POST") {
        const b = body(ctx);
        if (!b) return;
        const specs = Array.isArray(b.faults) ? (b.faults as unknown[]) : [b];
        const added = specs.map((s) => c.faults.add(s as never));
        const view = added.map(({ regex: _r, ...f }) => f);
        return send(ctx, 201, Array.isArray(b.faults) ? { value: view } : view[0]);
      }
    }
    if (rest[0] === "faults" && rest[1] && m === "DELETE") {
      return c.faults.remove(rest[1]) ? send(ctx, 204, "") : bad(ctx, 404, `Unknown fault '${rest[1]}'`);
    }
    if (path === "tokens" && m === "POST") {
      const b = body(ctx);
      if (!b) return;
      return mintToken(c, ctx, b);
    }
    if (path === "clock" && m === "POST") {
      const b = body(ctx);
      if (!b) return;
      if (typeof b.advanceMs === "number") world.clockOffsetMs += b.advanceMs;
      if (b.reset === true) world.clockOffsetMs = 0;
      return send(ctx, 200, { offsetMs: world.clockOffsetMs, now: new Date(now(world)).toISOString() });
    }
    bad(ctx, 404, `No control route ${m} /_emulator/${path}`);
  } catch (err) {
    if (
      err instanceof ScenarioError ||
      err instanceof ClientError ||
      err instanceof FaultError ||
      (err instanceof Error && /setting|profile|must be/i.test(err.message))
    ) {
      return bad(ctx, 400, err.message);
    }
    throw err;
  }
}
