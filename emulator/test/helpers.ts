/**
 * Test helpers: start an emulator in-process, seed tenants, and drive the sign-in pages over HTTP the way a
 * browser would (GET /authorize, pick the account, accept consent, follow to the redirect URI).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";

import type { SeedResult, ScenarioSpec } from "../src/scenario";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../src/server";
import { DELAY_PROFILES } from "../src/settings";

/** Must be the folder whose CA is in NODE_EXTRA_CA_CERTS (see emulator/README.md). */
export const TEST_DATA_DIR = path.resolve(process.env.EMULATOR_TEST_DATA_DIR ?? ".data/emulator-test");

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({ port: 0, dataDir: TEST_DATA_DIR, delays: "test", ...options });
  if (!process.env.NODE_EXTRA_CA_CERTS || path.resolve(process.env.NODE_EXTRA_CA_CERTS) !== emu.caPath) {
    await emu.close();
    throw new Error(
      `Run the tests with NODE_EXTRA_CA_CERTS=${emu.caPath} (npx tsx emulator/src/ca-cli.ts --data-dir ${TEST_DATA_DIR}), set before Node starts.`,
    );
  }
  return emu;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export async function call<T = any>(
  url: string,
  init: RequestInit & { json?: unknown; form?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  if (init.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(url, { ...init, headers, body, redirect: "manual" });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* HTML or empty */
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export function control(emu: RunningEmulator) {
  const base = `${emu.baseUrl}/_emulator`;
  return {
    post: <T = any>(p: string, json: unknown) => call<T>(`${base}${p}`, { method: "POST", json }),
    get: <T = any>(p: string) => call<T>(`${base}${p}`),
    del: <T = any>(p: string, json?: unknown) => call<T>(`${base}${p}`, { method: "DELETE", json }),
    async seed(spec: ScenarioSpec): Promise<SeedResult> {
      const r = await call<SeedResult>(`${base}/scenarios`, { method: "POST", json: spec });
      if (r.status !== 201) throw new Error(`seed failed: ${r.status} ${r.text}`);
      return r.body;
    },
    async state(tenantId: string): Promise<any> {
      return (await call(`${base}/tenants/${tenantId}/state`)).body;
    },
    async settings(tenantId: string, patch: unknown): Promise<any> {
      const r = await call(`${base}/tenants/${tenantId}/settings`, { method: "POST", json: patch });
      if (r.status !== 200) throw new Error(`settings failed: ${r.status} ${r.text}`);
      return r.body;
    },
    async token(spec: Record<string, unknown>): Promise<string> {
      const r = await call<{ access_token: string }>(`${base}/tokens`, { method: "POST", json: spec });
      if (r.status !== 200) throw new Error(`token failed: ${r.status} ${r.text}`);
      return r.body.access_token;
    },
  };
}

export const REDIRECT_URI = "http://localhost:3000/api/auth/callback/azure-ad";

export async function registerPortal(
  emu: RunningEmulator,
  extra: Record<string, unknown> = {},
): Promise<{ clientId: string; clientSecret: string }> {
  const r = await control(emu).post("/clients", {
    displayName: "MCA Connect",
    redirectUris: [REDIRECT_URI],
    ...extra,
  });
  if (r.status !== 200) throw new Error(`client registration failed: ${r.text}`);
  return r.body;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function formFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    out[m[1]!] = decodeHtml(m[2]!);
  return out;
}

function decodeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export function formAction(html: string): string {
  const m = /<form method="post" action="([^"]+)"/i.exec(html);
  if (!m) throw new Error(`no form in page: ${html.slice(0, 500)}`);
  return decodeHtml(m[1]!);
}

/** The account button for a user: its value is the user's object id. */
export function userButtonValue(html: string, upn: string): string {
  const re = new RegExp(
    `<button type="submit" name="user" value="([^"]+)"><span class="name">[^<]*</span> <span class="upn">${upn.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</span>`,
    "i",
  );
  const m = re.exec(html);
  if (!m) throw new Error(`no account button for ${upn}`);
  return m[1]!;
}

export interface SignInOptions {
  tenant: string;
  clientId: string;
  redirectUri?: string;
  scope: string;
  upn: string;
  /** What to do on a consent page: accept for me, accept for the organisation, or cancel. */
  consent?: "accept" | "org" | "cancel";
  responseMode?: "query" | "form_post";
  usePkce?: boolean;
  nonce?: string;
  state?: string;
  extra?: Record<string, string>;
}

export interface SignInResult {
  /** Parameters delivered to the redirect URI (query or form_post fields). */
  params: Record<string, string>;
  verifier?: string;
  /** Titles of the pages seen on the way, e.g. ["Pick an account", "Permissions requested"]. */
  pages: string[];
  lastHtml?: string;
}

/** Drives the emulator's sign-in UI with fetch, like a person clicking through it. */
export async function signIn(emu: RunningEmulator, o: SignInOptions): Promise<SignInResult> {
  const p = o.usePkce === false ? undefined : pkce();
  const q = new URLSearchParams({
    client_id: o.clientId,
    response_type: "code",
    redirect_uri: o.redirectUri ?? REDIRECT_URI,
    scope: o.scope,
    state: o.state ?? "st-" + randomBytes(6).toString("hex"),
    response_mode: o.responseMode ?? "query",
    client_info: "1",
    ...(o.nonce ? { nonce: o.nonce } : {}),
    ...(p ? { code_challenge: p.challenge, code_challenge_method: "S256" } : {}),
    ...(o.extra ?? {}),
  });
  const result = await followSignIn(
    emu,
    `${emu.baseUrl}/${o.tenant}/oauth2/v2.0/authorize?${q}`,
    o.upn,
    o.consent,
  );
  return { ...result, verifier: p?.verifier };
}

/**
 * Follows the sign-in pages from an authorize URL (for example one built by MSAL's getAuthCodeUrl, or the
 * browser port's), staying on that URL's origin.
 */
export async function followSignIn(
  _emu: RunningEmulator,
  authorizeUrl: string,
  upn: string,
  consent: "accept" | "org" | "cancel" = "accept",
): Promise<SignInResult> {
  const pages: string[] = [];
  let r = await call(authorizeUrl);
  for (let step = 0; step < 6; step++) {
    if (r.status === 302) {
      const location = new URL(r.headers.get("location")!);
      return { params: Object.fromEntries(location.searchParams), pages };
    }
    if (r.status !== 200) return { params: {}, pages, lastHtml: r.text };
    const title = /<title>([^<]*)<\/title>/.exec(r.text)?.[1] ?? "";
    if (title === "Working...") return { params: formFields(r.text), pages };
    const heading = /<h1>([^<]*)<\/h1>/.exec(r.text)?.[1] ?? title;
    pages.push(heading);
    const fields = formFields(r.text);
    // Form actions are relative: resolve them as a browser would, against the page's own origin.
    const action = new URL(formAction(r.text), authorizeUrl).toString();
    if (heading === "Pick an account") {
      r = await call(action, { method: "POST", form: { ...fields, user: userButtonValue(r.text, upn) } });
    } else if (heading === "Permissions requested") {
      if (consent === "cancel")
        r = await call(action, { method: "POST", form: { ...fields, decision: "cancel" } });
      else
        r = await call(action, {
          method: "POST",
          form: { ...fields, decision: "accept", ...(consent === "org" ? { consentOnBehalf: "true" } : {}) },
        });
    } else {
      return { params: {}, pages, lastHtml: r.text };
    }
  }
  throw new Error("sign-in did not finish");
}

export async function redeem(
  emu: RunningEmulator,
  o: {
    tenant: string;
    clientId: string;
    clientSecret: string;
    code: string;
    verifier?: string;
    scope: string;
    redirectUri?: string;
  },
): Promise<Reply> {
  return call(`${emu.baseUrl}/${o.tenant}/oauth2/v2.0/token`, {
    method: "POST",
    form: {
      grant_type: "authorization_code",
      client_id: o.clientId,
      client_secret: o.clientSecret,
      code: o.code,
      redirect_uri: o.redirectUri ?? REDIRECT_URI,
      scope: o.scope,
      client_info: "1",
      ...(o.verifier ? { code_verifier: o.verifier } : {}),
    },
  });
}

export const PORTAL_SCOPES =
  "openid profile offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Application.ReadWrite.All https://management.azure.com/user_impersonation";
export const GRAPH_SCOPES =
  "openid profile offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Application.ReadWrite.All";

/** Signs a user in through the pages and returns Graph tokens plus the refresh token. */
export async function userGraphTokens(
  emu: RunningEmulator,
  client: { clientId: string; clientSecret: string },
  tenant: string,
  upn: string,
  consent: "accept" | "org" = "org",
) {
  const s = await signIn(emu, { tenant, clientId: client.clientId, scope: PORTAL_SCOPES, upn, consent });
  if (!s.params.code) throw new Error(`no code: ${JSON.stringify(s)}`);
  const r = await redeem(emu, {
    tenant,
    ...client,
    code: s.params.code,
    verifier: s.verifier,
    scope: GRAPH_SCOPES,
  });
  if (r.status !== 200) throw new Error(`redeem failed: ${r.text}`);
  return r.body as {
    access_token: string;
    refresh_token: string;
    id_token: string;
    client_info: string;
    scope: string;
  };
}

export async function refreshFor(
  emu: RunningEmulator,
  client: { clientId: string; clientSecret: string },
  tenant: string,
  refreshToken: string,
  scope: string,
): Promise<Reply> {
  return call(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    form: {
      grant_type: "refresh_token",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      refresh_token: refreshToken,
      scope,
    },
  });
}

export function decodeJwt(token: string): { header: any; claims: any } {
  const [h, p] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString()),
    claims: JSON.parse(Buffer.from(p!, "base64url").toString()),
  };
}

export function graph(emu: RunningEmulator, token: string | undefined) {
  return <T = any>(method: string, p: string, json?: unknown, headers: Record<string, string> = {}) =>
    call<T>(`${emu.baseUrl}/graph/v1.0${p}`, {
      method,
      json,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
}

export function arm(emu: RunningEmulator, token: string | undefined) {
  return <T = any>(method: string, p: string, json?: unknown, headers: Record<string, string> = {}) =>
    call<T>(`${emu.baseUrl}/arm${p}`, {
      method,
      json,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    });
}

export async function clientCredentials(
  emu: RunningEmulator,
  tenant: string,
  clientId: string,
  secret: string,
  scope = "https://management.azure.com/.default",
): Promise<Reply> {
  return call(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    form: { grant_type: "client_credentials", client_id: clientId, client_secret: secret, scope },
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seeds a tenant with no replication or activation delays unless asked. */
export async function seedFast(
  emu: RunningEmulator,
  spec: ScenarioSpec = { preset: "contoso" },
): Promise<SeedResult> {
  return control(emu).seed({
    ...spec,
    settings: {
      ...(spec.settings ?? {}),
      delays: { ...DELAY_PROFILES.none, ...(spec.settings?.delays ?? {}) },
    },
  });
}
