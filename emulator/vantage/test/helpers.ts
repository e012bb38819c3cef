/**
 * Test helpers: a Vantage emulator beside an in-process Azure emulator, a client for its public API that
 * checks every answer against Vantage's OpenAPI document, and an Azure app that really works (created
 * through Graph and ARM as the portal does).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by the document and assertions. */
import { checkAnswer } from "./spec";
import type { RunningEmulator } from "../../src/server";
import {
  arm,
  call,
  graph,
  refreshFor,
  registerPortal,
  seedFast,
  startTestEmulator,
  userGraphTokens,
} from "../../test/helpers";
import {
  startVantageEmulator,
  type RunningVantageEmulator,
  type VantageEmulatorOptions,
} from "../src/server";

export { sleep } from "../../test/helpers";

export const startAzure = () => startTestEmulator();

export function startVantage(
  azure: RunningEmulator | undefined,
  options: Partial<VantageEmulatorOptions> = {},
): Promise<RunningVantageEmulator> {
  return startVantageEmulator({
    port: 0,
    // Without an Azure emulator: a closed port, so nothing ever signs in (integrations stay pending
    // with long delays, or go to error).
    azure: azure
      ? { authorityHost: azure.baseUrl, armBase: `${azure.baseUrl}/arm` }
      : { authorityHost: "https://127.0.0.1:9", armBase: "https://127.0.0.1:9/arm" },
    delays: "test",
    ...options,
  });
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  /** Whether the document lists this status for the operation (see spec.ts). */
  documented: boolean;
}

/** The operation's path template in the document for a concrete path. */
function template(p: string): string {
  const path = p.split("?")[0]!;
  if (path === "/integrations/azure" || path === "/integrations" || path === "/me" || path === "/ping")
    return path;
  if (/^\/integrations\/[^/]+$/.test(path)) return "/integrations/{integration_token}";
  return path;
}

/** Calls the public API and checks the answer against the document before returning it. */
export function api(v: RunningVantageEmulator, token: string | undefined) {
  return async <T = any>(
    method: string,
    p: string,
    json?: unknown,
    init: RequestInit = {},
  ): Promise<Answer<T>> => {
    const r = await call<T>(`${v.url}${p}`, {
      ...init,
      method,
      json,
      headers: {
        ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        ...(init.headers ?? {}),
      },
    });
    const { documented } = checkAnswer(method, template(p), r.status, r.body, r.text);
    return { ...r, documented };
  };
}

export function vControl(v: RunningVantageEmulator) {
  const base = v.controlUrl;
  return {
    post: <T = any>(p: string, json?: unknown) => call<T>(`${base}${p}`, { method: "POST", json }),
    get: <T = any>(p: string) => call<T>(`${base}${p}`),
    del: <T = any>(p: string) => call<T>(`${base}${p}`, { method: "DELETE" }),
    async account(spec: Record<string, unknown> = {}) {
      const r = await call(`${base}/accounts`, { method: "POST", json: spec });
      if (r.status !== 201) throw new Error(`seeding a Vantage account failed: ${r.status} ${r.text}`);
      return r.body as {
        accountId: string;
        tokens: { token: string; scope: string }[];
        workspaces: { token: string; name: string }[];
      };
    },
    async state(): Promise<any> {
      return (await call(`${base}/state`)).body;
    },
    async fault(spec: Record<string, unknown>): Promise<string> {
      const r = await call<{ id: string }>(`${base}/faults`, { method: "POST", json: spec });
      if (r.status !== 201) throw new Error(`fault refused: ${r.status} ${r.text}`);
      return r.body.id;
    },
  };
}

/** A write and a read-only token on a fresh account with two workspaces. */
export async function account(v: RunningVantageEmulator) {
  const a = await vControl(v).account({
    name: "Fabrikam on Vantage",
    tokens: [{ scope: "read write" }, { scope: "read" }],
    workspaces: [{ name: "Production" }, { name: "Sandbox" }],
  });
  return { ...a, write: a.tokens[0]!.token, read: a.tokens[1]!.token };
}

export interface AzureApp {
  tenantId: string;
  appId: string;
  secret: string;
}

const READER = "50000000-aaaa-bbbb-cccc-100000000002";
const V = "api-version=2024-04-01";

/**
 * A tenant with an app, its service principal and a client secret, made through Graph by the tenant's
 * admin, and (unless billingRole is false) Billing account reader on its MCA account through ARM.
 */
export async function azureApp(azure: RunningEmulator, { billingRole = true } = {}): Promise<AzureApp> {
  const portal = await registerPortal(azure);
  const t = await seedFast(azure, { preset: "contoso" });
  const tokens = await userGraphTokens(azure, portal, t.tenantId, t.users.admin!.userPrincipalName);
  const g = graph(azure, tokens.access_token);
  const app = (await g("POST", "/applications", { displayName: "vantage", signInAudience: "AzureADMyOrg" }))
    .body;
  const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body;
  const secret = (
    await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: "vantage" } })
  ).body.secretText as string;
  if (billingRole) {
    const armToken = (
      await refreshFor(
        azure,
        portal,
        t.tenantId,
        tokens.refresh_token,
        "https://management.azure.com/user_impersonation offline_access",
      )
    ).body.access_token as string;
    const mca = t.billingAccounts.mca!.name;
    const r = await arm(azure, armToken)(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}/createBillingRoleAssignment?${V}`,
      {
        principalId: sp.id,
        principalTenantId: t.tenantId,
        roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${mca}/billingRoleDefinitions/${READER}`,
      },
    );
    if (r.status !== 200) throw new Error(`billing role: ${r.status} ${r.text}`);
  }
  return { tenantId: t.tenantId, appId: app.appId as string, secret };
}

/** Polls GET /integrations/{token} until it reports one of the statuses; returns every status seen. */
export async function waitForStatus(
  v: RunningVantageEmulator,
  token: string,
  integration: string,
  until: string[],
  deadlineMs = 20_000,
): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + deadlineMs;
  const get = api(v, token);
  while (Date.now() < deadline) {
    const r = await get("GET", `/integrations/${integration}`);
    if (r.status !== 200) throw new Error(`GET integration: ${r.status} ${r.text}`);
    if (seen.at(-1) !== r.body.status) seen.push(r.body.status);
    if (until.includes(r.body.status)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`integration ${integration} did not reach ${until.join("/")}; saw ${seen.join(" -> ")}`);
}
