/**
 * The interactive part of Entra v2: /authorize, silent sign-in (prompt=none), the account picker's answer
 * (POST /{tenant}/login) and logout. Consent is in consent.ts, what they share in flow.ts.
 */

import { readForm, redirect, sendHtml, type Ctx } from "../http";
import { randomString } from "../ids";
import { now, sweep, type AuthFlow, type World } from "../world";
import { continueWithUser, missingKeys } from "./consent";
import { errorPage } from "./errors";
import {
  FLOW_TTL_MS,
  SSO_COOKIE,
  appNotFoundText,
  browserSession,
  clientAllowedIn,
  cookieAttributes,
  issueCode,
  loadFlow,
  params,
  resolveTenantSegment,
  sendErrorToClient,
  sessionSatisfies,
  showPicker,
  startSession,
  tenantNotFoundText,
} from "./flow";
import { redirectUriAllowed, resolveClient } from "./minting";
import { signedOutPage } from "./pages";
import { RESOURCES, isKnownPermission, parseScopes } from "./scopes";

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
  const rawMaxAge = p.get("max_age");
  if (rawMaxAge !== null && !/^\d{1,10}$/.test(rawMaxAge)) {
    return sendErrorToClient(
      ctx,
      target,
      "invalid_request",
      90100,
      "max_age parameter is empty or not valid: it must be a whole number of seconds.",
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
    maxAge: rawMaxAge === null ? undefined : Number(rawMaxAge),
    loginHint: p.get("login_hint") ?? undefined,
    clientInfo: p.get("client_info") === "1",
    expiresAt: now(world) + FLOW_TTL_MS,
  };
  world.flows.set(flow.id, flow);
  if (flow.prompt === "none") return silent(world, ctx, flow);
  // Single sign-on: asked for no prompt, the hinted account's recent enough session answers with no page.
  const current = browserSession(world, ctx);
  if (
    !flow.prompt &&
    current &&
    flow.loginHint?.toLowerCase() === current.user.userPrincipalName.toLowerCase() &&
    (!flow.tenantId || current.user.tenantId === flow.tenantId) &&
    sessionSatisfies(world, flow, current.session)
  ) {
    ctx.tenantId = current.user.tenantId;
    flow.userId = current.user.id;
    flow.authTime = current.session.authTime;
    return continueWithUser(world, ctx, flow, current.user);
  }
  showPicker(world, ctx, flow);
}

/**
 * prompt=none: only the browser's session for a matching user can answer, and only when it is recent
 * enough for max_age (else login_required, as for no session: the client must show a sign-in page).
 */
function silent(world: World, ctx: Ctx, flow: AuthFlow): void {
  const current = browserSession(world, ctx);
  const user =
    current &&
    (!flow.tenantId || current.user.tenantId === flow.tenantId) &&
    (!flow.loginHint || current.user.userPrincipalName.toLowerCase() === flow.loginHint.toLowerCase())
      ? current.user
      : undefined;
  if (!user || !current) {
    return sendErrorToClient(
      ctx,
      flow,
      "login_required",
      50058,
      "A silent sign-in request was sent but no user is signed in.",
    );
  }
  if (flow.maxAge !== undefined && !sessionSatisfies(world, flow, current.session)) {
    return sendErrorToClient(
      ctx,
      flow,
      "login_required",
      50058,
      `A silent sign-in request was sent but the user's sign-in is older than the max_age of ${flow.maxAge} seconds the application asked for; the user must sign in again.`,
    );
  }
  flow.userId = user.id;
  flow.authTime = current.session.authTime;
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
  // Picking the account the browser is signed in with is single sign-on, unless the flow asks for a new
  // authentication (prompt=login, max_age); any other pick is one (the emulator asks no password).
  const current = browserSession(world, ctx);
  const session =
    current?.user.id === user.id && sessionSatisfies(world, flow, current.session)
      ? current.session
      : startSession(world, ctx, user);
  flow.authTime = session.authTime;
  continueWithUser(world, ctx, flow, user);
}

/** GET|POST /{tenant}/oauth2/v2.0/logout */
export function handleLogout(world: World, ctx: Ctx): void {
  ctx.route = "GET /oauth2/v2.0/logout";
  const p = params(ctx);
  const current = browserSession(world, ctx);
  if (current) world.sessions.delete(current.session.id);
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
