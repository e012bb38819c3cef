/**
 * The interactive part of Entra v2: /authorize, the account picker (POST /{tenant}/login), the consent
 * page (POST /{tenant}/Consent/Set), tenant-wide admin consent (/adminconsent) and logout.
 */
import { createHash } from "node:crypto";

import { parseCookies, readForm, redirect, sendHtml, type Ctx } from "../http";
import { randomString } from "../ids";
import type { Tenant, User } from "../store";
import { now, sweep, type AuthFlow, type World } from "../world";
import { describeWithTrace, errorPage } from "./errors";
import {
  accountPicker,
  consentPage,
  formPostPage,
  needAdminApprovalPage,
  signedOutPage,
  type PermissionLine,
} from "./pages";
import { RESOURCES, describe, isKnownPermission, parseScopes, splitKey } from "./scopes";
import {
  clientInfo,
  grantedKeys,
  isAdminForConsent,
  isOidcKey,
  redirectUriAllowed,
  requestedKeys,
  resolveClient,
  type ResolvedClient,
} from "./tokens";

const FLOW_TTL_MS = 30 * 60_000;
const CODE_TTL_MS = 10 * 60_000;
const SSO_COOKIE = "emu_sso";

/**
 * The session cookie's attributes. Over the plain-HTTP browser port a Secure cookie would be refused, and
 * SameSite=None needs Secure; Lax still travels with the top-level navigations that /authorize gets.
 */
function cookieAttributes(ctx: Ctx): string {
  return ctx.plainHttp ? "Path=/; HttpOnly; SameSite=Lax" : "Path=/; Secure; HttpOnly; SameSite=None";
}

export type TenantResolution =
  | { kind: "specific"; tenant: Tenant }
  | { kind: "multi"; segment: "organizations" | "common" }
  | { kind: "unknown" }
  | { kind: "consumers" };

export function resolveTenantSegment(world: World, segment: string): TenantResolution {
  const lower = segment.toLowerCase();
  if (lower === "organizations" || lower === "common") return { kind: "multi", segment: lower };
  if (lower === "consumers" || lower === "9188040d-6c67-4c5b-b112-36a304b66dad") return { kind: "consumers" };
  const tenant = world.store.tenantByIdOrDomain(lower);
  return tenant ? { kind: "specific", tenant } : { kind: "unknown" };
}

export function tenantNotFoundText(segment: string): string {
  return `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;
}

export function appNotFoundText(clientId: string, tenantName: string): string {
  return `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`;
}

/** Query and (for POST) form parameters: OAuth lets clients send an authorization request either way. */
function params(ctx: Ctx): URLSearchParams {
  const p = new URLSearchParams(ctx.url.search);
  if (ctx.method === "POST") for (const [k, v] of readForm(ctx)) if (!p.has(k)) p.set(k, v);
  return p;
}

function sendToClient(
  ctx: Ctx,
  flow: Pick<AuthFlow, "redirectUri" | "responseMode" | "state">,
  values: Record<string, string>,
): void {
  const fields: Record<string, string> = { ...values };
  if (flow.state !== undefined) fields.state = flow.state;
  if (flow.responseMode === "form_post") {
    sendHtml(ctx, 200, formPostPage(flow.redirectUri, fields));
    return;
  }
  const target = new URL(flow.redirectUri);
  if (flow.responseMode === "fragment") {
    target.hash = new URLSearchParams(fields).toString();
  } else {
    for (const [k, v] of Object.entries(fields)) target.searchParams.set(k, v);
  }
  redirect(ctx, target.toString());
}

function sendErrorToClient(
  ctx: Ctx,
  flow: Pick<AuthFlow, "redirectUri" | "responseMode" | "state">,
  error: string,
  code: number,
  description: string,
  extra: Record<string, string> = {},
): void {
  const { text } = describeWithTrace(ctx, `AADSTS${code}: ${description}`);
  sendToClient(ctx, flow, {
    error,
    error_description: text,
    ...extra,
    error_uri: `${ctx.url.origin}/error?code=${code}`,
  });
}

function clientAllowedIn(client: ResolvedClient, tenantId: string): boolean {
  return client.kind === "registered" || client.multiTenant || client.app.tenantId === tenantId;
}

/** GET or POST /{tenant}/oauth2/v2.0/authorize */
export function handleAuthorize(world: World, ctx: Ctx, segment: string): void {
  sweep(world);
  ctx.route = "GET /oauth2/v2.0/authorize";
  const p = params(ctx);
  const tenantRes = resolveTenantSegment(world, segment);
  if (tenantRes.kind === "unknown") return errorPage(ctx, 90002, tenantNotFoundText(segment));
  if (tenantRes.kind === "consumers")
    return errorPage(
      ctx,
      9002331,
      "Application is configured for use by Microsoft Account users only. Personal Microsoft accounts are not available in the emulator.",
    );
  const clientId = p.get("client_id");
  if (!clientId)
    return errorPage(ctx, 900144, "The request body must contain the following parameter: 'client_id'.");
  if (tenantRes.kind === "specific") ctx.tenantId = tenantRes.tenant.id;
  const tenantName = tenantRes.kind === "specific" ? tenantRes.tenant.displayName : segment;
  const client = resolveClient(world, clientId);
  if (!client || (tenantRes.kind === "specific" && !clientAllowedIn(client, tenantRes.tenant.id))) {
    return errorPage(ctx, 700016, appNotFoundText(clientId, tenantName));
  }
  if (tenantRes.kind === "multi" && !client.multiTenant) {
    return errorPage(
      ctx,
      50194,
      `Application '${client.clientId}'(${client.displayName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    );
  }
  const redirectUri = p.get("redirect_uri");
  if (!redirectUri)
    return errorPage(ctx, 900144, "The request body must contain the following parameter: 'redirect_uri'.");
  if (!redirectUriAllowed(client, redirectUri)) {
    return errorPage(
      ctx,
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }
  const rawMode = p.get("response_mode") ?? "query";
  const responseMode: AuthFlow["responseMode"] =
    rawMode === "form_post" ? "form_post" : rawMode === "fragment" ? "fragment" : "query";
  const target = { redirectUri, responseMode, state: p.get("state") ?? undefined };
  const responseType = p.get("response_type");
  if (responseType !== "code") {
    return sendErrorToClient(
      ctx,
      target,
      "unsupported_response_type",
      700054,
      `response_type '${responseType ?? ""}' is not enabled for the application.`,
    );
  }
  const scope = p.get("scope") ?? "";
  if (!scope.trim())
    return sendErrorToClient(
      ctx,
      target,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  const parsed = parseScopes(scope);
  if (!parsed.ok) {
    return sendErrorToClient(
      ctx,
      target,
      "invalid_resource",
      500011,
      `The resource principal named ${parsed.unknownResource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  for (const s of parsed.scopes) {
    if (s.resource && s.name !== ".default" && !isKnownPermission(s.resource, s.name)) {
      return sendErrorToClient(
        ctx,
        target,
        "invalid_client",
        650053,
        `The application '${client.displayName}' asked for scope '${s.name}' that doesn't exist on the resource '${RESOURCES[s.resource].appId}'. Contact the app vendor.`,
      );
    }
  }
  const codeChallenge = p.get("code_challenge") ?? undefined;
  const method = p.get("code_challenge_method") ?? (codeChallenge ? "plain" : undefined);
  if (codeChallenge && method !== "S256" && method !== "plain") {
    return sendErrorToClient(
      ctx,
      target,
      "invalid_request",
      501491,
      `Invalid code_challenge_method '${method}'. Supported methods are S256 and plain.`,
    );
  }
  if (codeChallenge && !/^[A-Za-z0-9\-._~]{43,128}$/.test(codeChallenge)) {
    return sendErrorToClient(
      ctx,
      target,
      "invalid_request",
      501491,
      "Invalid size of Code_Challenge parameter.",
    );
  }
  const flow: AuthFlow = {
    id: randomString(32),
    kind: "authorize",
    tenantSegment: segment,
    tenantId: tenantRes.kind === "specific" ? tenantRes.tenant.id : undefined,
    clientId: client.clientId,
    clientName: client.displayName,
    redirectUri,
    scope,
    state: target.state,
    nonce: p.get("nonce") ?? undefined,
    responseMode,
    codeChallenge,
    codeChallengeMethod: method,
    prompt: p.get("prompt") ?? undefined,
    loginHint: p.get("login_hint") ?? undefined,
    clientInfo: p.get("client_info") === "1",
    expiresAt: now(world) + FLOW_TTL_MS,
  };
  world.flows.set(flow.id, flow);
  if (flow.prompt === "none") return silent(world, ctx, flow);
  showPicker(world, ctx, flow);
}

/** prompt=none: only an existing emulator session for exactly one matching user can answer. */
function silent(world: World, ctx: Ctx, flow: AuthFlow): void {
  const ids = (parseCookies(ctx)[SSO_COOKIE] ?? "").split(",").filter(Boolean);
  const users = ids
    .map((id) => world.store.users.get(id))
    .filter((u): u is User => !!u && (!flow.tenantId || u.tenantId === flow.tenantId))
    .filter((u) => !flow.loginHint || u.userPrincipalName.toLowerCase() === flow.loginHint.toLowerCase());
  const [user] = users;
  if (!user || users.length > 1) {
    return sendErrorToClient(
      ctx,
      flow,
      users.length > 1 ? "interaction_required" : "login_required",
      50058,
      "A silent sign-in request was sent but no user is signed in.",
    );
  }
  flow.userId = user.id;
  const missing = missingKeys(world, flow, user);
  if (missing.length > 0) {
    return sendErrorToClient(
      ctx,
      flow,
      "consent_required",
      65001,
      `The user or administrator has not consented to use the application with ID '${flow.clientId}' named '${flow.clientName}'. Send an interactive authorization request for this user and resource.`,
    );
  }
  issueCode(world, ctx, flow, user);
}

function pickerGroups(world: World, flow: AuthFlow): { tenant: Tenant; users: User[] }[] {
  const tenants = flow.tenantId ? [world.store.tenants.get(flow.tenantId)!] : world.store.tenantsInOrder();
  const client = resolveClient(world, flow.clientId);
  const hint = flow.loginHint?.toLowerCase();
  const groups = tenants
    .filter((t) => !client || clientAllowedIn(client, t.id))
    .map((tenant) => {
      const users = world.store.usersOf(tenant.id);
      // The hinted account first, then the scenario's own order (its first user is the demo's main actor).
      users.sort(
        (a, b) =>
          Number(b.userPrincipalName.toLowerCase() === hint) -
          Number(a.userPrincipalName.toLowerCase() === hint),
      );
      return { tenant, users };
    });
  groups.sort(
    (a, b) =>
      Number(b.users.some((u) => u.userPrincipalName.toLowerCase() === hint)) -
      Number(a.users.some((u) => u.userPrincipalName.toLowerCase() === hint)),
  );
  return groups;
}

function showPicker(world: World, ctx: Ctx, flow: AuthFlow): void {
  sendHtml(
    ctx,
    200,
    accountPicker({
      action: `/${flow.tenantSegment}/login`,
      flowId: flow.id,
      clientName: flow.clientName,
      groups: pickerGroups(world, flow),
    }),
  );
}

function loadFlow(world: World, ctx: Ctx): AuthFlow | undefined {
  const id = readForm(ctx).get("flow") ?? "";
  const flow = world.flows.get(id);
  if (!flow || flow.expiresAt < now(world)) {
    errorPage(
      ctx,
      50058,
      "The sign-in session has expired or is unknown. Start the sign-in again from the application.",
    );
    return undefined;
  }
  return flow;
}

function neededKeys(world: World, flow: AuthFlow): string[] {
  const client = resolveClient(world, flow.clientId);
  if (!client) return [];
  if (flow.kind === "adminconsent") {
    const parsed = parseScopes(flow.scope);
    return parsed.ok && flow.scope.trim()
      ? requestedKeys(client, parsed.scopes)
      : requestedKeys(client, [
          { raw: ".default", resource: "graph", name: ".default" },
          { raw: ".default", resource: "arm", name: ".default" },
        ]);
  }
  const parsed = parseScopes(flow.scope);
  return parsed.ok ? requestedKeys(client, parsed.scopes) : [];
}

function missingKeys(world: World, flow: AuthFlow, user: User): string[] {
  const granted = grantedKeys(world, user.tenantId, flow.clientId, user.id);
  return neededKeys(world, flow).filter((k) => !granted.has(k));
}

function permissionLines(keys: string[]): PermissionLine[] {
  return keys.map((k) => {
    const { resource, name } = splitKey(k);
    const d = describe(resource, name);
    return {
      description: d.description,
      scope: name,
      resourceName: RESOURCES[resource].displayName,
      adminOnly: d.adminOnly,
    };
  });
}

/** POST /{tenant}/login: the account picker's answer. */
export function handleLogin(world: World, ctx: Ctx): void {
  ctx.route = "POST /login";
  const flow = loadFlow(world, ctx);
  if (!flow) return;
  const user = world.store.users.get(readForm(ctx).get("user") ?? "");
  const client = resolveClient(world, flow.clientId);
  if (
    !user ||
    (flow.tenantId && user.tenantId !== flow.tenantId) ||
    !client ||
    !clientAllowedIn(client, user.tenantId)
  ) {
    const tenant = flow.tenantId ? world.store.tenants.get(flow.tenantId) : undefined;
    return errorPage(
      ctx,
      50020,
      `User account '${user?.userPrincipalName ?? "unknown"}' from identity provider does not exist in tenant '${tenant?.displayName ?? flow.tenantSegment}' and cannot access the application '${flow.clientId}'(${flow.clientName}) in that tenant.`,
    );
  }
  ctx.tenantId = user.tenantId;
  flow.userId = user.id;
  ctx.extraHeaders["Set-Cookie"] = `${SSO_COOKIE}=${encodeURIComponent(user.id)}; ${cookieAttributes(ctx)}`;
  continueWithUser(world, ctx, flow, user);
}

function continueWithUser(world: World, ctx: Ctx, flow: AuthFlow, user: User): void {
  const tenant = world.store.tenants.get(user.tenantId)!;
  const admin = isAdminForConsent(user);
  const consentAction = `/${flow.tenantSegment}/Consent/Set`;
  if (flow.kind === "adminconsent" || flow.prompt === "admin_consent") {
    if (!admin)
      return sendHtml(
        ctx,
        200,
        needAdminApprovalPage({
          action: consentAction,
          flowId: flow.id,
          clientName: flow.clientName,
          user,
          tenant,
        }),
      );
    return sendHtml(
      ctx,
      200,
      consentPage({
        action: consentAction,
        flowId: flow.id,
        clientName: flow.clientName,
        user,
        tenant,
        permissions: permissionLines(neededKeys(world, flow)),
        offerOrgConsent: true,
        orgConsentOnly: true,
      }),
    );
  }
  const missing = missingKeys(world, flow, user);
  const shown = flow.prompt === "consent" ? neededKeys(world, flow) : missing;
  if (shown.length === 0) return issueCode(world, ctx, flow, user);
  const needsAdmin = missing.some(
    (k) => !isOidcKey(k) && describe(splitKey(k).resource, splitKey(k).name).adminOnly,
  );
  if (needsAdmin && !admin)
    return sendHtml(
      ctx,
      200,
      needAdminApprovalPage({
        action: consentAction,
        flowId: flow.id,
        clientName: flow.clientName,
        user,
        tenant,
      }),
    );
  sendHtml(
    ctx,
    200,
    consentPage({
      action: consentAction,
      flowId: flow.id,
      clientName: flow.clientName,
      user,
      tenant,
      permissions: permissionLines(shown),
      offerOrgConsent: admin,
      orgConsentOnly: false,
    }),
  );
}

/** POST /{tenant}/Consent/Set: Accept, Cancel, or "sign in with another account". */
export function handleConsentSet(world: World, ctx: Ctx): void {
  ctx.route = "POST /Consent/Set";
  const flow = loadFlow(world, ctx);
  if (!flow) return;
  const form = readForm(ctx);
  const user = flow.userId ? world.store.users.get(flow.userId) : undefined;
  if (!user)
    return errorPage(ctx, 50058, "No account was picked for this sign-in. Start again from the application.");
  ctx.tenantId = user.tenantId;
  const decision = form.get("decision");
  if (decision === "other-account") {
    flow.userId = undefined;
    return showPicker(world, ctx, flow);
  }
  if (decision !== "accept") {
    world.flows.delete(flow.id);
    return sendErrorToClient(
      ctx,
      flow,
      "access_denied",
      65004,
      "User declined to consent to access the app.",
      { error_subcode: "cancel" },
    );
  }
  const admin = isAdminForConsent(user);
  const needed = neededKeys(world, flow);
  const missing = missingKeys(world, flow, user);
  const needsAdmin = missing.some(
    (k) => !isOidcKey(k) && describe(splitKey(k).resource, splitKey(k).name).adminOnly,
  );
  if ((needsAdmin || flow.kind === "adminconsent") && !admin)
    return errorPage(ctx, 90094, "The grant requires admin permission.");
  const grant = world.store.consent(user.tenantId, flow.clientId);
  const orgWide = flow.kind === "adminconsent" || (admin && form.get("consentOnBehalf") === "true");
  if (orgWide) for (const k of needed) grant.admin.add(k);
  else {
    const mine = grant.users.get(user.id) ?? new Set<string>();
    for (const k of needed) mine.add(k);
    grant.users.set(user.id, mine);
  }
  if (flow.kind === "adminconsent") {
    world.flows.delete(flow.id);
    return sendToClient(ctx, flow, {
      admin_consent: "True",
      tenant: user.tenantId,
      scope: needed.map((k) => splitKey(k).name).join(" "),
    });
  }
  issueCode(world, ctx, flow, user);
}

function issueCode(world: World, ctx: Ctx, flow: AuthFlow, user: User): void {
  world.flows.delete(flow.id);
  const code = `1.${randomString(24)}.${randomString(120)}`;
  world.codes.set(code, {
    code,
    clientId: flow.clientId,
    redirectUri: flow.redirectUri,
    userId: user.id,
    tenantId: user.tenantId,
    scope: flow.scope,
    nonce: flow.nonce,
    codeChallenge: flow.codeChallenge,
    codeChallengeMethod: flow.codeChallengeMethod,
    expiresAt: now(world) + CODE_TTL_MS,
    redeemed: false,
    authTime: Math.floor(now(world) / 1000),
  });
  const values: Record<string, string> = { code };
  if (flow.clientInfo) values.client_info = clientInfo(user);
  values.session_state = createHash("sha256")
    .update(`${user.id}|${flow.clientId}`)
    .digest("hex")
    .slice(0, 32);
  sendToClient(ctx, flow, values);
}

/** GET /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent */
export function handleAdminConsent(world: World, ctx: Ctx, segment: string): void {
  sweep(world);
  ctx.route = "GET /adminconsent";
  const p = params(ctx);
  const tenantRes = resolveTenantSegment(world, segment);
  if (tenantRes.kind === "unknown" || tenantRes.kind === "consumers")
    return errorPage(ctx, 90002, tenantNotFoundText(segment));
  const clientId = p.get("client_id");
  if (!clientId)
    return errorPage(ctx, 900144, "The request body must contain the following parameter: 'client_id'.");
  const client = resolveClient(world, clientId);
  const tenantName = tenantRes.kind === "specific" ? tenantRes.tenant.displayName : segment;
  if (!client) return errorPage(ctx, 700016, appNotFoundText(clientId, tenantName));
  const redirectUri = p.get("redirect_uri") ?? client.redirectUris[0];
  if (!redirectUri || !redirectUriAllowed(client, redirectUri)) {
    return errorPage(
      ctx,
      50011,
      `The redirect URI '${redirectUri ?? ""}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }
  const flow: AuthFlow = {
    id: randomString(32),
    kind: "adminconsent",
    tenantSegment: segment,
    tenantId: tenantRes.kind === "specific" ? tenantRes.tenant.id : undefined,
    clientId: client.clientId,
    clientName: client.displayName,
    redirectUri,
    scope: p.get("scope") ?? "",
    state: p.get("state") ?? undefined,
    responseMode: "query",
    clientInfo: false,
    expiresAt: now(world) + FLOW_TTL_MS,
  };
  world.flows.set(flow.id, flow);
  showPicker(world, ctx, flow);
}

/** GET|POST /{tenant}/oauth2/v2.0/logout */
export function handleLogout(world: World, ctx: Ctx): void {
  ctx.route = "GET /oauth2/v2.0/logout";
  const p = params(ctx);
  ctx.extraHeaders["Set-Cookie"] = `${SSO_COOKIE}=; ${cookieAttributes(ctx)}; Max-Age=0`;
  const target = p.get("post_logout_redirect_uri");
  if (target) {
    // Entra redirects only to an address registered for some app; match by origin to allow per-page targets.
    const registered = [...world.store.clients.values()].flatMap((c) => c.redirectUris);
    let origin = "";
    try {
      origin = new URL(target).origin;
    } catch {
      /* not a URL: fall through to the signed-out page */
    }
    if (origin && registered.some((r) => r === target || new URL(r).origin === origin)) {
      const url = new URL(target);
      const state = p.get("state");
      if (state) url.searchParams.set("state", state);
      return redirect(ctx, url.toString());
    }
  }
  sendHtml(ctx, 200, signedOutPage());
}
