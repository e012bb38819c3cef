/**
 * What the interactive Entra endpoints share: resolving the tenant segment, the sign-in flow kept between
 * pages, answering the client (query, fragment or form_post), the account picker, and issuing the code.
 */
import { createHash } from "node:crypto";

import { parseCookies, readForm, redirect, sendHtml, type Ctx } from "../http";
import { randomString } from "../ids";
import type { Tenant, User } from "../store";
import { now, type AuthFlow, type SsoSession, type World } from "../world";
import { describeWithTrace, errorPage } from "./errors";
import { clientInfo, resolveClient, type ResolvedClient } from "./minting";
import { accountPicker, formPostPage } from "./pages";

export const FLOW_TTL_MS = 30 * 60_000;
export const CODE_TTL_MS = 10 * 60_000;
export const SSO_COOKIE = "emu_sso";

/**
 * The session cookie's attributes. Over the plain-HTTP browser port a Secure cookie would be refused, and
 * SameSite=None needs Secure; Lax still travels with the top-level navigations that /authorize gets.
 */
export function cookieAttributes(ctx: Ctx): string {
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
export function params(ctx: Ctx): URLSearchParams {
  const p = new URLSearchParams(ctx.url.search);
  if (ctx.method === "POST") for (const [k, v] of readForm(ctx)) if (!p.has(k)) p.set(k, v);
  return p;
}

export function sendToClient(
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

export function sendErrorToClient(
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

export function clientAllowedIn(client: ResolvedClient, tenantId: string): boolean {
  return client.kind === "registered" || client.multiTenant || client.app.tenantId === tenantId;
}

export function pickerGroups(world: World, flow: AuthFlow): { tenant: Tenant; users: User[] }[] {
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

export function showPicker(world: World, ctx: Ctx, flow: AuthFlow): void {
  sendHtml(
    ctx,
    200,
    accountPicker({
      action: `/${flow.tenantSegment}/login`,
      flowId: flow.id,
      clientName: flow.clientName,
      groups: pickerGroups(world, flow),
      signInAgain: flow.prompt === "login" || flow.maxAge !== undefined,
    }),
  );
}

/** The browser's sign-in session (its SSO cookie), with its user, when the emulator still knows it. */
export function browserSession(world: World, ctx: Ctx): { session: SsoSession; user: User } | undefined {
  const session = world.sessions.get(parseCookies(ctx)[SSO_COOKIE] ?? "");
  const user = session ? world.store.users.get(session.userId) : undefined;
  return session && user ? { session, user } : undefined;
}

/**
 * Whether the flow lets a session stand in for a new authentication: not with prompt=login, and not
 * when it is older than max_age (max_age=0 never), as OpenID Connect asks of Entra.
 */
export function sessionSatisfies(world: World, flow: AuthFlow, session: SsoSession): boolean {
  if (flow.prompt === "login") return false;
  if (flow.maxAge === undefined) return true;
  return Math.floor(now(world) / 1000) - session.authTime < flow.maxAge;
}

/** A new authentication of `user` now: the browser's session from here on (one account per browser). */
export function startSession(world: World, ctx: Ctx, user: User): SsoSession {
  const previous = parseCookies(ctx)[SSO_COOKIE];
  if (previous) world.sessions.delete(previous);
  const session: SsoSession = {
    id: randomString(32),
    userId: user.id,
    authTime: Math.floor(now(world) / 1000),
  };
  world.sessions.set(session.id, session);
  ctx.extraHeaders["Set-Cookie"] = `${SSO_COOKIE}=${session.id}; ${cookieAttributes(ctx)}`;
  return session;
}

export function loadFlow(world: World, ctx: Ctx): AuthFlow | undefined {
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

export function issueCode(world: World, ctx: Ctx, flow: AuthFlow, user: User): void {
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
    authTime: flow.authTime ?? Math.floor(now(world) / 1000),
  });
  const values: Record<string, string> = { code };
  if (flow.clientInfo) values.client_info = clientInfo(user);
  values.session_state = createHash("sha256")
    .update(`${user.id}|${flow.clientId}`)
    .digest("hex")
    .slice(0, 32);
  sendToClient(ctx, flow, values);
}
