/**
 * The emulator's ARM answers against Microsoft's official examples (azure-rest-api-specs, copied into
 * fixtures/): the same property names and JSON types, recursively, so it cannot drift into a private dialect.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  arm,
  control,
  graph,
  refreshFor,
  registerPortal,
  seedFast,
  startTestEmulator,
  userGraphTokens,
} from "./helpers";
import { shapeDiff } from "./shape-diff";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

const FIXTURES = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  "fixtures",
  "azure-spec-examples",
);

function example(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
}

let emu: RunningEmulator;
let t: SeedResult;
let armToken: string;
let graphToken: string;
let mca: string;
const V = "api-version=2024-04-01";

beforeAll(async () => {
  emu = await startTestEmulator();
  const portal = await registerPortal(emu);
  t = await seedFast(emu, { preset: "contoso", settings: { costPageSize: 3 } });
  mca = t.billingAccounts.mca!.name;
  const tokens = await userGraphTokens(emu, portal, t.tenantId, t.users.admin!.userPrincipalName);
  graphToken = tokens.access_token;
  armToken = (
    await refreshFor(
      emu,
      portal,
      t.tenantId,
      tokens.refresh_token,
      "https://management.azure.com/user_impersonation",
    )
  ).body.access_token;
});
afterAll(() => emu.close());

const acct = () => `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}`;

async function newSp(): Promise<string> {
  const g = graph(emu, graphToken);
  const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
  return (await g("POST", "/servicePrincipals", { appId: app.appId })).body.id;
}

describe("ARM answers have the shapes of Microsoft's examples", () => {
  it("shapeDiff itself notices missing keys, extra keys and wrong types", () => {
    expect(shapeDiff({ a: 1, b: "x" }, { a: 2, b: "y" })).toEqual([]);
    expect(shapeDiff({ a: 1 }, { a: 2, b: "y" })).toEqual(["$.b: missing"]);
    expect(shapeDiff({ a: 1, c: 1 }, { a: 2 })).toEqual(["$.c: not in the example"]);
    expect(shapeDiff({ a: "1" }, { a: 2 })).toEqual(["$.a: string instead of number"]);
    expect(
      shapeDiff(
        [[1, "a"]],
        [
          [2, "b"],
          [3, "c"],
        ],
      ),
    ).toEqual([]);
  });

  it("billing accounts list (BillingAccounts_List 2024-04-01)", async () => {
    const r = await arm(emu, armToken)("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`);
    expect(r.status).toBe(200);
    expect(r.body.value.length).toBeGreaterThanOrEqual(2);
    expect(shapeDiff(r.body, example("billingAccountsList.json").responses["200"].body)).toEqual([]);
  });

  it("billing role definitions list, entry by entry", async () => {
    const r = await arm(emu, armToken)("GET", `${acct()}/billingRoleDefinitions?${V}`);
    const expected = example("billingRoleDefinitionListByBillingAccount.json").responses["200"].body
      .value as any[];
    expect(r.body.value).toHaveLength(4);
    for (const actual of r.body.value) {
      const match = expected.find((e) => e.name === actual.name);
      expect(shapeDiff(actual, match)).toEqual([]);
      expect(actual.properties.roleName).toBe(match.properties.roleName);
      expect(actual.properties.permissions).toEqual(match.properties.permissions);
    }
  });

  it("billing role assignments list", async () => {
    const r = await arm(emu, armToken)("GET", `${acct()}/billingRoleAssignments?${V}`);
    expect(
      shapeDiff(r.body, example("billingRoleAssignmentListByBillingAccount.json").responses["200"].body),
    ).toEqual([]);
  });

  it("createBillingRoleAssignment: 200 body and 202 headers", async () => {
    const ex = example("billingRoleAssignmentCreateByBillingAccount.json");
    const spId = await newSp();
    const body = {
      principalId: spId,
      principalTenantId: t.tenantId,
      roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${mca}/billingRoleDefinitions/50000000-aaaa-bbbb-cccc-100000000002`,
    };
    const ok = await arm(emu, armToken)("POST", `${acct()}/createBillingRoleAssignment?${V}`, body);
    expect(ok.status).toBe(200);
    expect(shapeDiff(ok.body, ex.responses["200"].body)).toEqual([]);

    await control(emu).settings(t.tenantId, { lro: { probability: 1 } });
    const accepted = await arm(emu, armToken)("POST", `${acct()}/createBillingRoleAssignment?${V}`, {
      ...body,
      principalId: await newSp(),
    });
    expect(accepted.status).toBe(202);
    const headers = ex.responses["202"].headers as Record<string, string>;
    for (const name of Object.keys(headers)) expect(accepted.headers.get(name)).toBeTruthy();
    const pathOf = (u: string) =>
      new URL(u).pathname
        .replace(/^\/arm/, "")
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "G")
        .replace(/G:G_\d{4}-\d{2}-\d{2}/, "ACCOUNT");
    expect(pathOf(accepted.headers.get("location")!)).toBe(pathOf(headers.location!));
    expect(new URL(accepted.headers.get("location")!).searchParams.get("api-version")).toBe("2024-04-01");
    expect(Number(accepted.headers.get("retry-after"))).toBeGreaterThanOrEqual(0);
    await control(emu).settings(t.tenantId, { lro: { probability: 0 } });
  });

  it("billing account get (2024-04-01), for a Global Administrator without a billing role", async () => {
    const patti = await control(emu).token({
      tenantId: t.tenantId,
      user: t.users.globalAdmin!.id,
      resource: "arm",
    });
    const r = await arm(emu, patti)("GET", `${acct()}?${V}`);
    expect(r.status).toBe(200);
    const expected = structuredClone(example("billingAccountsGetWithExpand.json").responses["200"].body);
    delete expected.properties.soldTo; // only with expand=SoldTo, which the emulator does not serve
    expect(shapeDiff(r.body, expected)).toEqual([]);
    const all = await arm(emu, patti)(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts?${V}&includeAll=true`,
    );
    expect(shapeDiff(all.body, example("billingAccountsList.json").responses["200"].body)).toEqual([]);
  });

  it("checkAccess", async () => {
    const ex = example("checkAccessByBillingAccount.json");
    const r = await arm(emu, armToken)("POST", `${acct()}/checkAccess?${V}`, ex.parameters.parameters);
    expect(shapeDiff(r.body, ex.responses["200"].body)).toEqual([]);
    expect(r.body).toEqual(
      ex.responses["200"].body.map((x: any) => ({ accessDecision: x.accessDecision, action: x.action })),
    );
  });

  it("Cost Management query at billing-account scope (with nextLink)", async () => {
    const ex = example("BillingAccountQuery.json");
    const body = {
      type: "Usage",
      timeframe: "MonthToDate",
      dataset: { granularity: "Daily", grouping: [{ type: "Dimension", name: "ResourceGroup" }] },
    };
    const r = await arm(emu, armToken)(
      "POST",
      `${acct()}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      body,
    );
    expect(r.status).toBe(200);
    expect(shapeDiff(r.body, ex.responses["200"].body)).toEqual([]);
    expect(r.body.properties.columns).toEqual(ex.responses["200"].body.properties.columns);
    const filtered = await arm(emu, armToken)(
      "POST",
      `${acct()}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      ex.parameters.parameters,
    );
    expect(filtered.status).toBe(200);
  });

  it("Cost Management query with an aliased aggregation: the column takes the source's name", async () => {
    const ex = example("BillingAccountQueryGrouping.json");
    const r = await arm(emu, armToken)(
      "POST",
      `${acct()}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      ex.parameters.parameters,
    );
    expect(r.status).toBe(200);
    const expected = ex.responses["200"].body;
    expect(shapeDiff(r.body, expected)).toEqual([]);
    expect(r.body.properties.columns).toEqual(expected.properties.columns);
  });
});
