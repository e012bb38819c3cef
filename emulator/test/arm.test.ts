/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  arm,
  call,
  clientCredentials,
  control,
  graph,
  refreshFor,
  registerPortal,
  seedFast,
  sleep,
  startTestEmulator,
  userGraphTokens,
} from "./helpers";
import type { ScenarioSpec, SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let portal: { clientId: string; clientSecret: string };

beforeAll(async () => {
  emu = await startTestEmulator();
  portal = await registerPortal(emu);
});
afterAll(() => emu.close());

const V = "api-version=2024-04-01";
const OLD = "api-version=2020-05-01";
const READER = "50000000-aaaa-bbbb-cccc-100000000002";

interface World {
  t: SeedResult;
  mca: string;
  graphToken: string;
  armToken: string;
}

/** A fresh Contoso with the admin signed in through the pages (Graph) and an ARM token from the refresh token. */
async function world(spec: ScenarioSpec = { preset: "contoso" }): Promise<World> {
  const t = await seedFast(emu, spec);
  const tokens = await userGraphTokens(emu, portal, t.tenantId, t.users.admin!.userPrincipalName);
  const r = await refreshFor(
    emu,
    portal,
    t.tenantId,
    tokens.refresh_token,
    "https://management.azure.com/user_impersonation offline_access",
  );
  return {
    t,
    mca: t.billingAccounts.mca!.name,
    graphToken: tokens.access_token,
    armToken: r.body.access_token,
  };
}

function userArm(t: SeedResult, key: string) {
  return control(emu)
    .token({ tenantId: t.tenantId, user: t.users[key]!.id, resource: "arm" })
    .then((token) => arm(emu, token));
}

/** The vantage app and its service principal, created through Graph as the portal does. */
async function appWithSp(w: World): Promise<{ app: any; sp: any; secret: string }> {
  const g = graph(emu, w.graphToken);
  const app = (await g("POST", "/applications", { displayName: "vantage", signInAudience: "AzureADMyOrg" }))
    .body;
  const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body;
  const secret = (
    await g("POST", `/applications/${app.id}/addPassword`, {
      passwordCredential: { displayName: "vantage-secret" },
    })
  ).body.secretText;
  return { app, sp, secret };
}

function createBody(w: World, principalId: string, tenantId = w.t.tenantId) {
  return {
    principalId,
    principalTenantId: tenantId,
    roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${w.mca}/billingRoleDefinitions/${READER}`,
  };
}

describe("ARM envelope", () => {
  it("answers missing, foreign-audience and expired tokens like ARM, with its request headers", async () => {
    const w = await world();
    const none = await arm(emu, undefined)(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts?${V}`,
      undefined,
      { "x-ms-client-request-id": "cli-1" },
    );
    expect(none.status).toBe(401);
    expect(none.body).toEqual({
      error: {
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is missing.",
      },
    });
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer authorization_uri=/);
    expect(none.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers.get("x-ms-correlation-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(none.headers.get("x-ms-client-request-id")).toBe("cli-1");
    const wrongAud = await arm(emu, w.graphToken)("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`);
    expect(wrongAud.body.error.code).toBe("InvalidAuthenticationTokenAudience");
    const expired = await control(emu).token({
      tenantId: w.t.tenantId,
      user: w.t.users.admin!.id,
      resource: "arm",
      lifetimeSeconds: -300,
    });
    const e = await arm(emu, expired)("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`);
    expect(e.status).toBe(401);
    expect(e.body.error.code).toBe("ExpiredAuthenticationToken");
    const legacyAud = await control(emu).token({
      tenantId: w.t.tenantId,
      user: w.t.users.admin!.id,
      resource: "arm",
      audience: "https://management.core.windows.net/",
    });
    expect(
      (await arm(emu, legacyAud)("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`)).status,
    ).toBe(200);
  });

  it("checks api-version", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    expect((await a("GET", "/providers/Microsoft.Billing/billingAccounts")).body.error.code).toBe(
      "MissingApiVersionParameter",
    );
    expect(
      (await a("GET", "/providers/Microsoft.Billing/billingAccounts?api-version=2099-01-01")).body.error.code,
    ).toBe("NoRegisteredProviderFound");
    expect((await a("GET", "/subscriptions?api-version=2099-01-01")).body.error.code).toBe(
      "InvalidApiVersionParameter",
    );
    expect(
      (await a("GET", `/providers/Microsoft.Billing/billingAccounts?api-version=2018-03-01-preview`)).status,
    ).toBe(200);
  });
});

describe("billing accounts", () => {
  it("lists only accounts the caller has a role on, in the api-version's shape, with nextLink paging", async () => {
    const w = await world({ preset: "contoso", settings: { armPageSize: 1 } });
    const a = arm(emu, w.armToken);
    const first = await a("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(first.body.value).toHaveLength(1);
    expect(first.body.nextLink).toMatch(
      new RegExp(
        `^${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts\\?api-version=2024-04-01&%24skiptoken=`,
      ),
    );
    const second = await call(first.body.nextLink, { headers: { authorization: `Bearer ${w.armToken}` } });
    expect(second.body.value).toHaveLength(1);
    expect(second.body.nextLink).toBeUndefined();
    const all = [...first.body.value, ...second.body.value];
    const mca = all.find((x: any) => x.properties.agreementType === "MicrosoftCustomerAgreement");
    expect(mca).toMatchObject({
      name: w.mca,
      type: "Microsoft.Billing/billingAccounts",
      properties: { accountStatus: "Active", primaryBillingTenantId: w.t.tenantId, hasReadAccess: true },
    });
    expect(mca.name).toMatch(/^[0-9a-f-]{36}:[0-9a-f-]{36}_\d{4}-\d{2}-\d{2}$/);
    expect(all.find((x: any) => x.properties.agreementType === "EnterpriseAgreement").name).toMatch(/^\d+$/);

    const old = await a(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}?${OLD}`,
    );
    expect(old.body.properties.primaryBillingTenantId).toBeUndefined();
    expect(old.body.properties.agreementType).toBe("MicrosoftCustomerAgreement");

    const lee = await userArm(w.t, "noBilling");
    expect((await lee("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`)).body.value).toEqual([]);
    const denied = await lee(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}?${V}`,
    );
    expect(denied.status).toBe(403);
    expect((await a("GET", `/providers/Microsoft.Billing/billingAccounts/nope?${V}`)).status).toBe(404);
  });

  it("serves the MCA role definitions", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    const defs = await a(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/billingRoleDefinitions?${V}`,
    );
    expect(defs.body.value.map((d: any) => [d.name, d.properties.roleName])).toEqual([
      ["50000000-aaaa-bbbb-cccc-100000000000", "Billing account owner"],
      ["50000000-aaaa-bbbb-cccc-100000000001", "Billing account contributor"],
      [READER, "Billing account reader"],
      ["50000000-aaaa-bbbb-cccc-100000000003", "Basic Purchaser"],
    ]);
    const one = await a(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/billingRoleDefinitions/${READER}?${OLD}`,
    );
    expect(one.body.id).toBe(
      `/providers/Microsoft.Billing/billingAccounts/${w.mca}/billingRoleDefinitions/${READER}`,
    );
  });
});

describe("createBillingRoleAssignment", () => {
  it("assigns Billing account reader to a new SP exactly once, and the SP can then read the account and costs", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    const { app, sp, secret } = await appWithSp(w);
    const url = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/createBillingRoleAssignment?${V}`;
    const created = await a("POST", url, createBody(w, sp.id));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: `${READER}_${sp.id}`,
      type: "Microsoft.Billing/billingAccounts/billingRoleAssignments",
      properties: {
        principalId: sp.id,
        principalType: "ServicePrincipal",
        roleDefinitionId: createBody(w, sp.id).roleDefinitionId,
        createdByPrincipalId: w.t.users.admin!.id,
      },
    });
    const again = await a("POST", url, createBody(w, sp.id));
    expect(again.status).toBe(200);
    expect(again.body.name).toBe(created.body.name);
    const list = await a(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/billingRoleAssignments?${V}`,
    );
    expect(list.body.value.filter((x: any) => x.properties.principalId === sp.id)).toHaveLength(1);
    const state = await control(emu).state(w.t.tenantId);
    expect(state.created.billingRoleAssignments).toBe(1);
    expect(state.requestCounts["arm POST /billingAccounts/{name}/createBillingRoleAssignment"]).toBe(2);

    const token = await clientCredentials(emu, w.t.tenantId, app.appId, secret);
    const asApp = arm(emu, token.body.access_token);
    const acct = await asApp(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}?${V}`,
    );
    expect(acct.status).toBe(200);
    const cost = await asApp(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      {
        type: "ActualCost",
        timeframe: "MonthToDate",
        dataset: { granularity: "Daily", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
      },
    );
    expect(cost.status).toBe(200);
    expect(cost.body.properties.rows.length).toBeGreaterThan(0);
    const access = await asApp(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/checkAccess?${V}`,
      {
        actions: [
          "Microsoft.Billing/billingAccounts/read",
          "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action",
        ],
      },
    );
    expect(access.body).toEqual([
      { accessDecision: "Allowed", action: "Microsoft.Billing/billingAccounts/read" },
      {
        accessDecision: "NotAllowed",
        action: "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action",
      },
    ]);
    const deleted = await a(
      "DELETE",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/billingRoleAssignments/${created.body.name}?${V}`,
    );
    expect(deleted.status).toBe(200);
    expect(
      (await asApp("GET", `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}?${V}`))
        .status,
    ).toBe(403);
  });

  it("refuses callers who are not billing account owners, naming the role", async () => {
    const w = await world();
    const { sp } = await appWithSp(w);
    const alex = await userArm(w.t, "appAdmin");
    const r = await alex(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/createBillingRoleAssignment?${V}`,
      createBody(w, sp.id),
    );
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("AuthorizationFailed");
    expect(r.body.error.message).toContain("Billing account owner");
    // Megan owns the account without any directory role: she may assign.
    const megan = await userArm(w.t, "billingOwner");
    expect(
      (
        await megan(
          "POST",
          `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/createBillingRoleAssignment?${V}`,
          createBody(w, sp.id),
        )
      ).status,
    ).toBe(200);
  });

  it("lets an elevated Global Administrator of the primary tenant assign", async () => {
    const w = await world();
    const { sp } = await appWithSp(w);
    const t2 = await seedFast(emu, {
      name: "Fabrikam",
      users: [
        { key: "ga", displayName: "Gary Admin", roles: ["Global Administrator"], billingElevated: true },
      ],
      billingAccounts: [{ key: "mca", displayName: "Fabrikam", roleAssignments: [] }],
    });
    const ga = await userArm(t2, "ga");
    const list = await ga("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`);
    expect(list.body.value.map((x: any) => x.name)).toEqual([t2.billingAccounts.mca!.name]);
    const foreign = await ga(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(t2.billingAccounts.mca!.name)}/createBillingRoleAssignment?${V}`,
      {
        principalId: sp.id,
        principalTenantId: w.t.tenantId,
        roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${t2.billingAccounts.mca!.name}/billingRoleDefinitions/${READER}`,
      },
    );
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe("InvalidPrincipalTenant");
  });

  it("cannot see a principal before billing replication, nor an application object id", async () => {
    const w = await world({
      preset: "contoso",
      settings: { delays: { billingPrincipalReplicationMs: 600 } },
    });
    const a = arm(emu, w.armToken);
    const { app, sp } = await appWithSp(w);
    const url = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/createBillingRoleAssignment?${V}`;
    const early = await a("POST", url, createBody(w, sp.id));
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe("PrincipalNotFound");
    expect(early.body.error.message).toContain("replication");
    expect((await a("POST", url, createBody(w, app.id))).body.error.code).toBe("PrincipalNotFound");
    await control(emu).settings(w.t.tenantId, {
      billingPrincipalNotFound: { status: 404, code: "NotFound" },
    });
    expect((await a("POST", url, createBody(w, app.appId))).status).toBe(404);
    await sleep(650);
    expect((await a("POST", url, createBody(w, sp.id))).status).toBe(200);
  });

  it("answers 202 + Location and completes on polling when the scenario says so", async () => {
    const w = await world({
      preset: "contoso",
      settings: { lro: { probability: 1, polls: 2, retryAfterSeconds: 1 } },
    });
    const a = arm(emu, w.armToken);
    const { sp } = await appWithSp(w);
    const r = await a(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/createBillingRoleAssignment?${V}`,
      createBody(w, sp.id),
    );
    expect(r.status).toBe(202);
    expect(r.headers.get("retry-after")).toBe("1");
    const location = r.headers.get("location")!;
    expect(location).toMatch(
      new RegExp(
        `^${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts/.+/operationResults/createBillingRoleAssignment_[0-9a-f-]{36}\\?api-version=2024-04-01$`,
      ),
    );
    const listed = async () =>
      (
        await a(
          "GET",
          `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/billingRoleAssignments?${V}`,
        )
      ).body.value.filter((x: any) => x.properties.principalId === sp.id);
    expect(await listed()).toHaveLength(0);
    const poll = () => call(location, { headers: { authorization: `Bearer ${w.armToken}` } });
    expect((await poll()).status).toBe(202);
    expect((await poll()).status).toBe(202);
    const done = await poll();
    expect(done.status).toBe(200);
    expect(done.body.properties.principalId).toBe(sp.id);
    expect(await listed()).toHaveLength(1);
    expect((await poll()).status).toBe(200);
  });

  it("refuses PUT on MCA accounts and the flat body at the preview api-version", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    const { sp } = await appWithSp(w);
    const base = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}`;
    const put = await a("PUT", `${base}/billingRoleAssignments/${READER}_${sp.id}?${V}`, {
      properties: createBody(w, sp.id),
    });
    expect(put.status).toBe(400);
    expect(put.body.error.message).toContain("Enterprise Agreement");
    expect(
      (
        await a("PUT", `${base}/billingRoleAssignments/x?api-version=2019-10-01-preview`, {
          properties: createBody(w, sp.id),
        })
      ).status,
    ).toBe(422);
    const flat = await a(
      "POST",
      `${base}/createBillingRoleAssignment?api-version=2019-10-01-preview`,
      createBody(w, sp.id),
    );
    expect(flat.status).toBe(400);
    const wrapped = await a("POST", `${base}/createBillingRoleAssignment?api-version=2019-10-01-preview`, {
      properties: createBody(w, sp.id),
    });
    expect(wrapped.status).toBe(200);
    expect(
      (await a("POST", `${base}/createBillingRoleAssignment?${OLD}`, createBody(w, sp.id))).body.error.code,
    ).toBe("NoRegisteredProviderFound");
  });

  it("delays the new role's effect on reads by billingRolePropagationMs", async () => {
    const w = await world({ preset: "contoso", settings: { delays: { billingRolePropagationMs: 700 } } });
    const { app, sp, secret } = await appWithSp(w);
    await arm(emu, w.armToken)(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}/createBillingRoleAssignment?${V}`,
      createBody(w, sp.id),
    );
    const asApp = arm(emu, (await clientCredentials(emu, w.t.tenantId, app.appId, secret)).body.access_token);
    expect(
      (await asApp("GET", `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}?${V}`))
        .status,
    ).toBe(403);
    await sleep(750);
    expect(
      (await asApp("GET", `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}?${V}`))
        .status,
    ).toBe(200);
  });
});

describe("checkAccess and billingPermissions", () => {
  it("reports what an owner may do, with GUID action ids in billingPermissions", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    const base = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}`;
    const access = await a("POST", `${base}/checkAccess?${V}`, {
      actions: [
        "Microsoft.Billing/billingAccounts/read",
        "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action",
        "Microsoft.Subscription/subscriptions/write",
      ],
    });
    expect(access.body.map((x: any) => x.accessDecision)).toEqual(["Allowed", "Allowed", "NotAllowed"]);
    const perms = await a("GET", `${base}/billingPermissions?${V}`);
    expect(perms.body.value[0].actions).toContain("50000000-aaaa-bbbb-cccc-200000000000");
    expect(perms.body.value[0].notActions).toEqual([]);
    expect((await a("POST", `${base}/checkAccess?${OLD}`, { actions: [] })).status).toBe(400);
  });
});

describe("Cost Management query", () => {
  const query = (w: World, body: unknown, version = "2025-03-01", name?: string) =>
    arm(emu, w.armToken)(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(name ?? w.mca)}/providers/Microsoft.CostManagement/query?api-version=${version}`,
      body,
    );

  it("returns month-to-date daily rows with the cost column and currency", async () => {
    const w = await world();
    const r = await query(w, {
      type: "ActualCost",
      timeframe: "MonthToDate",
      dataset: { granularity: "Daily", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
    });
    expect(r.status).toBe(200);
    expect(r.body.type).toBe("microsoft.costmanagement/Query");
    // Named after the source column, not the alias (as Microsoft's BillingAccountQueryGrouping example).
    expect(r.body.properties.columns).toEqual([
      { name: "Cost", type: "Number" },
      { name: "UsageDate", type: "Number" },
      { name: "Currency", type: "String" },
    ]);
    const today = new Date();
    expect(r.body.properties.rows).toHaveLength(today.getUTCDate());
    const [cost, date, currency] = r.body.properties.rows[0];
    expect(typeof cost).toBe("number");
    expect(cost).toBeGreaterThan(100);
    expect(date).toBe(
      Number(`${today.getUTCFullYear()}${String(today.getUTCMonth() + 1).padStart(2, "0")}01`),
    );
    expect(currency).toBe("USD");

    const total = await query(
      w,
      {
        type: "Usage",
        timeframe: "MonthToDate",
        dataset: { granularity: "None", aggregation: { totalCost: { name: "PreTaxCost", function: "Sum" } } },
      },
      "2023-03-01",
    );
    expect(total.body.properties.rows).toHaveLength(1);
    const sum = r.body.properties.rows.reduce((s: number, row: number[]) => s + row[0]!, 0);
    expect(total.body.properties.rows[0][0]).toBeCloseTo(sum, 4);

    const grouped = await query(
      w,
      {
        type: "Usage",
        timeframe: "TheLastMonth",
        dataset: { granularity: "None", grouping: [{ type: "Dimension", name: "ResourceGroup" }] },
      },
      "2024-08-01",
    );
    expect(grouped.body.properties.columns.map((c: any) => c.name)).toEqual([
      "PreTaxCost",
      "ResourceGroup",
      "Currency",
    ]);
    expect(grouped.body.properties.rows.length).toBeGreaterThan(1);

    expect((await query(w, { type: "Nope", timeframe: "MonthToDate" })).status).toBe(400);
    expect((await query(w, { type: "Usage", timeframe: "MonthToDate" }, "2010-01-01")).status).toBe(400);
  });

  it("answers nothing spent with no rows, or 204 when switched", async () => {
    const w = await world({
      preset: "contoso",
      billingAccounts: [
        {
          key: "mca",
          displayName: "Empty",
          roleAssignments: [{ user: "admin", role: "owner" }],
          costs: { dailyAverage: 0 },
        },
      ],
    });
    const body = { type: "ActualCost", timeframe: "MonthToDate", dataset: { granularity: "Daily" } };
    const empty = await query(w, body);
    expect(empty.status).toBe(200);
    expect(empty.body.properties.rows).toEqual([]);
    await control(emu).settings(w.t.tenantId, { emptyCostResponse: "204" });
    const none = await query(w, body);
    expect(none.status).toBe(204);
    expect(none.text).toBe("");
  });

  it("throttles with Cost Management's headers, by fault or by rate setting", async () => {
    const w = await world({ preset: "contoso", settings: { costQueryLimitPerMinuteDelegated: 1 } });
    const body = { type: "ActualCost", timeframe: "MonthToDate", dataset: { granularity: "None" } };
    expect((await query(w, body)).status).toBe(200);
    const limited = await query(w, body);
    expect(limited.status).toBe(429);
    expect(
      Number(limited.headers.get("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after")),
    ).toBeGreaterThan(0);
    // By default no Retry-After: whether Cost Management sends it too is not documented.
    expect(limited.headers.get("retry-after")).toBeNull();
    await control(emu).settings(w.t.tenantId, { costQueryLimitPerMinuteDelegated: 0 });
    await control(emu).post("/faults", {
      path: "Microsoft.CostManagement/query",
      tenantId: w.t.tenantId,
      status: 429,
      retryAfter: 7,
    });
    const faulted = await query(w, body);
    expect(faulted.status).toBe(429);
    expect(faulted.headers.get("x-ms-ratelimit-microsoft.costmanagement-entity-retry-after")).toBe("7");
    expect(faulted.headers.get("retry-after")).toBeNull();
    expect((await query(w, body)).status).toBe(200);
  });

  it("names its wait in the headers the tenant's switch chooses", async () => {
    const body = { type: "ActualCost", timeframe: "MonthToDate", dataset: { granularity: "None" } };
    const cases = [
      ["retry-after", ["retry-after", "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"]],
      ["consumption", ["x-ms-ratelimit-microsoft.consumption-retry-after"]],
    ] as const;
    for (const [choice, present] of cases) {
      const w = await world({
        preset: "contoso",
        settings: { costQueryLimitPerMinuteDelegated: 1, costThrottleHeaders: choice },
      });
      await query(w, body);
      const limited = await query(w, body);
      expect(limited.status).toBe(429);
      for (const name of present) expect(Number(limited.headers.get(name))).toBeGreaterThan(0);
      if (choice === "consumption")
        expect(limited.headers.get("x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after")).toBeNull();
    }
  });

  it("throttles app tokens at a few queries per scope per window by default, failed queries included", async () => {
    const w = await world({ preset: "contoso", settings: { costThrottleWindowSeconds: 2 } });
    const { app, sp, secret } = await appWithSp(w);
    void app;
    const a = arm(emu, w.armToken);
    const base = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}`;
    // The app has no billing role yet: its queries are refused, and still count.
    const token = (await clientCredentials(emu, w.t.tenantId, app.appId, secret)).body.access_token;
    const asApp = arm(emu, token);
    const body = { type: "ActualCost", timeframe: "MonthToDate", dataset: { granularity: "None" } };
    const url = `${base}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await asApp("POST", url, body)).status);
    expect(statuses).toEqual([403, 403, 403, 403, 429]);
    // Delegated queries on the same scope are not limited by default.
    expect((await a("POST", url, body)).status).toBe(200);
    await sleep(2100);
    await a("POST", `${base}/createBillingRoleAssignment?${V}`, createBody(w, sp.id));
    expect((await asApp("POST", url, body)).status).toBe(200);
  });

  it("honours a new billing role in Cost Management later than in Billing when told to", async () => {
    const w = await world({
      preset: "contoso",
      settings: { delays: { billingRolePropagationMs: 0, costRolePropagationMs: 700 } },
    });
    const { app, sp, secret } = await appWithSp(w);
    const base = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(w.mca)}`;
    await arm(emu, w.armToken)("POST", `${base}/createBillingRoleAssignment?${V}`, createBody(w, sp.id));
    const token = (await clientCredentials(emu, w.t.tenantId, app.appId, secret)).body.access_token;
    const asApp = arm(emu, token);
    const body = { type: "ActualCost", timeframe: "MonthToDate", dataset: { granularity: "None" } };
    const url = `${base}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`;
    expect((await asApp("GET", `${base}?${V}`)).status).toBe(200);
    expect((await asApp("POST", url, body)).status).toBe(403);
    await sleep(750);
    expect((await asApp("POST", url, body)).status).toBe(200);
  });
});

describe("subscriptions, tenants and Azure RBAC", () => {
  it("lists subscriptions and tenants the caller can see", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    const subs = await a("GET", "/subscriptions?api-version=2022-12-01");
    expect(subs.body.value).toHaveLength(1);
    expect(subs.body.value[0]).toMatchObject({
      displayName: "Contoso Production",
      tenantId: w.t.tenantId,
      state: "Enabled",
    });
    expect(subs.body.count).toEqual({ type: "Total", value: 1 });
    const tenants = await a("GET", "/tenants?api-version=2022-12-01");
    expect(tenants.body.value[0]).toMatchObject({
      tenantId: w.t.tenantId,
      displayName: "Contoso",
      defaultDomain: w.t.domain,
    });
    const alex = await userArm(w.t, "appAdmin");
    expect((await alex("GET", "/subscriptions?api-version=2020-01-01")).body.value).toEqual([]);
  });

  it("lists, creates and deletes role assignments at subscription scope", async () => {
    const w = await world();
    const a = arm(emu, w.armToken);
    const { sp } = await appWithSp(w);
    const scope = `/subscriptions/${w.t.subscriptions.production!.subscriptionId}`;
    const list = await a(
      "GET",
      `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
    );
    expect(list.body.value[0].properties).toMatchObject({
      principalId: w.t.users.admin!.id,
      roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
    });
    const defs = await a(
      "GET",
      `${scope}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("roleName eq 'Cost Management Reader'")}`,
    );
    const roleId = defs.body.value[0].id;
    const name = "0b6e6e3b-1f6a-4c8e-9a57-3f1a1b2c3d4e";
    const put = await a(
      "PUT",
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
      { properties: { roleDefinitionId: roleId, principalId: sp.id, principalType: "ServicePrincipal" } },
    );
    expect(put.status).toBe(201);
    const dup = await a(
      "PUT",
      `${scope}/providers/Microsoft.Authorization/roleAssignments/0b6e6e3b-1f6a-4c8e-9a57-3f1a1b2c3d4f?api-version=2022-04-01`,
      { properties: { roleDefinitionId: roleId, principalId: sp.id } },
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("RoleAssignmentExists");
    const mine = await a(
      "GET",
      `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${sp.id}'`)}`,
    );
    expect(mine.body.value).toHaveLength(1);
    const alex = await userArm(w.t, "appAdmin");
    expect(
      (
        await alex(
          "PUT",
          `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
          { properties: { roleDefinitionId: roleId, principalId: sp.id } },
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await a(
          "DELETE",
          `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await a(
          "GET",
          `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`,
        )
      ).status,
    ).toBe(404);
  });
});
