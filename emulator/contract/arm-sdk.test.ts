/**
 * Contract: the ARM SDKs the portal uses (@azure/arm-billing 4.1.0, @azure/arm-authorization 9.0.0, and
 * @azure/core-client's sendRequest for calls the SDK lacks) against the emulator, with MSAL-backed
 * credentials, endpoint + credentialScopes, SDK paging, and the createBillingRoleAssignment 200 / 202 paths.
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { BillingManagementClient } from "@azure/arm-billing";
import type { TokenCredential } from "@azure/core-auth";
import { ServiceClient } from "@azure/core-client";
import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { AccountInfo, ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appCredential, delegatedCredential, msalClient, signInWithMsal } from "./msal-helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";
import { DELAY_PROFILES } from "../src/settings";
import { control, registerPortal, sleep, startTestEmulator } from "../test/helpers";

const ARM_DEFAULT = ["https://management.azure.com/.default"];
const READER = "50000000-aaaa-bbbb-cccc-100000000002";
const NO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

let emu: RunningEmulator;
let t: SeedResult;
let cca: ConfidentialClientApplication;
let account: AccountInfo;
let credential: TokenCredential;
let mca: string;

function billingClient(cred: TokenCredential): BillingManagementClient {
  return new BillingManagementClient(cred, NO_SUBSCRIPTION, {
    endpoint: `${emu.baseUrl}/arm`,
    credentialScopes: ARM_DEFAULT,
  });
}

async function graphClient(): Promise<ServiceClient> {
  const client = new ServiceClient({ endpoint: `${emu.baseUrl}/graph` });
  client.pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({ credential, scopes: ["https://graph.microsoft.com/.default"] }),
  );
  return client;
}

/** A pipeline response with its JSON body; the body's shape is checked by assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type JsonResponse = PipelineResponse & { json: any };

async function send(
  client: ServiceClient,
  method: "GET" | "POST" | "PATCH",
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const request = createPipelineRequest({
    url,
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: createHttpHeaders({ "Content-Type": "application/json", ...headers }),
  });
  const response = await client.sendRequest(request);
  return Object.assign(response, { json: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined });
}

/** Creates the vantage app, its SP and a secret through Graph with core-client, as the portal's engine does. */
async function createVantage(uniqueName: string): Promise<{ appId: string; spId: string; secret: string }> {
  const g = await graphClient();
  const app = await send(
    g,
    "PATCH",
    `${emu.baseUrl}/graph/v1.0/applications(uniqueName='${uniqueName}')`,
    { displayName: "vantage", signInAudience: "AzureADMyOrg" },
    { Prefer: "create-if-missing" },
  );
  expect(app.status).toBe(201);
  const sp = await send(
    g,
    "PATCH",
    `${emu.baseUrl}/graph/v1.0/servicePrincipals(appId='${app.json.appId}')`,
    {},
    { Prefer: "create-if-missing" },
  );
  expect(sp.status).toBe(201);
  const pw = await send(g, "POST", `${emu.baseUrl}/graph/v1.0/applications/${app.json.id}/addPassword`, {
    passwordCredential: { displayName: "vantage-secret" },
  });
  return { appId: app.json.appId, spId: sp.json.id, secret: pw.json.secretText };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  const portal = await registerPortal(emu);
  t = await control(emu).seed({
    preset: "contoso",
    settings: {
      armPageSize: 1,
      delays: DELAY_PROFILES.none,
    },
  });
  mca = t.billingAccounts.mca!.name;
  cca = msalClient(emu, portal.clientId, portal.clientSecret, t.tenantId);
  account = await signInWithMsal(emu, cca, t.users.admin!.userPrincipalName);
  credential = delegatedCredential(cca, account);
});
afterAll(() => emu.close());

describe("@azure/arm-billing 4.1.0", () => {
  it("lists billing accounts across nextLink pages and gets one", async () => {
    const client = billingClient(credential);
    const accounts = [];
    for await (const a of client.billingAccounts.list()) accounts.push(a);
    expect(accounts.map((a) => a.agreementType).sort()).toEqual([
      "EnterpriseAgreement",
      "MicrosoftCustomerAgreement",
    ]);
    const one = await client.billingAccounts.get(mca);
    expect(one).toMatchObject({
      name: mca,
      displayName: "Contoso Ltd",
      agreementType: "MicrosoftCustomerAgreement",
      accountStatus: "Active",
      hasReadAccess: true,
    });
  });

  it("lists role definitions, role assignments and permissions", async () => {
    const client = billingClient(credential);
    const defs = [];
    for await (const d of client.billingRoleDefinitions.listByBillingAccount(mca)) defs.push(d);
    expect(defs.find((d) => d.roleName === "Billing account reader")?.name).toBe(READER);
    const assignments = [];
    for await (const a of client.billingRoleAssignments.listByBillingAccount(mca)) assignments.push(a);
    expect(assignments.map((a) => a.principalId)).toEqual(
      expect.arrayContaining([t.users.admin!.id, t.users.billingOwner!.id]),
    );
    const perms = [];
    for await (const p of client.billingPermissions.listByBillingAccount(mca)) perms.push(p);
    expect(perms[0]?.actions?.length).toBeGreaterThan(10);
  });

  it("creates the reader assignment through sendRequest at 2024-04-01 (200), and the app then reads with its own token", async () => {
    const { appId, spId, secret } = await createVantage("mca-connect-sdk-200");
    const client = billingClient(credential);
    const url = `${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}/createBillingRoleAssignment?api-version=2024-04-01`;
    const r = await send(client, "POST", url, {
      principalId: spId,
      principalTenantId: t.tenantId,
      roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${mca}/billingRoleDefinitions/${READER}`,
    });
    expect(r.status).toBe(200);
    expect(r.json.properties.principalId).toBe(spId);
    expect(r.headers.get("x-ms-request-id")).toBeTruthy();
    const found = await client.billingRoleAssignments.getByBillingAccount(mca, r.json.name);
    expect(found.principalId).toBe(spId);

    const appClient = billingClient(appCredential(msalClient(emu, appId, secret, t.tenantId)));
    const seen = await appClient.billingAccounts.get(mca);
    expect(seen.name).toBe(mca);
    const costs = await send(
      appClient,
      "POST",
      `${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      {
        type: "ActualCost",
        timeframe: "MonthToDate",
        dataset: { granularity: "Daily", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
      },
    );
    expect(costs.status).toBe(200);
    expect(costs.json.properties.columns.at(-1)).toEqual({ name: "Currency", type: "String" });

    await client.billingRoleAssignments.deleteByBillingAccount(mca, r.json.name);
    await expect(client.billingRoleAssignments.getByBillingAccount(mca, r.json.name)).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it("follows the 202 + Location path by polling with sendRequest", async () => {
    await control(emu).settings(t.tenantId, { lro: { probability: 1, polls: 1, retryAfterSeconds: 1 } });
    const { spId } = await createVantage("mca-connect-sdk-202");
    const client = billingClient(credential);
    const url = `${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}/createBillingRoleAssignment?api-version=2024-04-01`;
    const first = await send(client, "POST", url, {
      principalId: spId,
      principalTenantId: t.tenantId,
      roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${mca}/billingRoleDefinitions/${READER}`,
    });
    expect(first.status).toBe(202);
    let location = first.headers.get("location")!;
    let retryAfter = Number(first.headers.get("retry-after"));
    let final: JsonResponse | undefined;
    for (let i = 0; i < 5 && !final; i++) {
      await sleep(retryAfter * 1000);
      const poll = await send(client, "GET", location);
      if (poll.status === 200) final = poll;
      else {
        expect(poll.status).toBe(202);
        location = poll.headers.get("location") ?? location;
        retryAfter = Number(poll.headers.get("retry-after") ?? "1");
      }
    }
    expect(final?.json.properties).toMatchObject({ principalId: spId, principalType: "ServicePrincipal" });
    await control(emu).settings(t.tenantId, { lro: { probability: 0 } });
  });

  it("surfaces ARM errors as RestErrors with the ARM code", async () => {
    const client = billingClient({
      getToken: async () => ({ token: "not-a-jwt", expiresOnTimestamp: Date.now() + 3_600_000 }),
    });
    await expect(client.billingAccounts.get(mca)).rejects.toMatchObject({
      statusCode: 401,
      code: "AuthenticationFailed",
    });
  });
});

describe("@azure/arm-authorization 9.0.0", () => {
  it("lists role assignments and role definitions for a subscription scope", async () => {
    const sub = t.subscriptions.production!.subscriptionId;
    const client = new AuthorizationManagementClient(credential, sub, {
      endpoint: `${emu.baseUrl}/arm`,
      credentialScopes: ARM_DEFAULT,
    });
    const assignments = [];
    for await (const a of client.roleAssignments.listForScope(`/subscriptions/${sub}`)) assignments.push(a);
    expect(assignments.map((a) => a.principalId)).toContain(t.users.admin!.id);
    const forSub = [];
    for await (const a of client.roleAssignments.listForSubscription()) forSub.push(a);
    expect(forSub.length).toBe(assignments.length);
    const defs = [];
    for await (const d of client.roleDefinitions.list(`/subscriptions/${sub}`, {
      filter: "roleName eq 'Cost Management Reader'",
    }))
      defs.push(d);
    expect(defs.map((d) => d.roleName)).toEqual(["Cost Management Reader"]);
  });
});

describe("@azure/core-client for Graph", () => {
  it("retries a 429 with Retry-After by itself", async () => {
    await control(emu).post("/faults", {
      method: "GET",
      path: "^/graph/v1\\.0/organization$",
      tenantId: t.tenantId,
      status: 429,
      retryAfter: 1,
      count: 1,
    });
    const g = await graphClient();
    const started = Date.now();
    const r = await send(g, "GET", `${emu.baseUrl}/graph/v1.0/organization`);
    expect(r.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(r.json.value[0].id).toBe(t.tenantId);
  });
});
