/**
 * Microsoft.Billing does not answer every error in ARM's envelope: public reports show a flat
 * {code, message} and ASP.NET's validation body {errors: {field: [...]}, title, status}. The emulator can
 * answer each route family in each shape; front-door errors (token, api-version) stay ARM's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { arm, control, graph, seedFast, startTestEmulator } from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const V = "api-version=2024-04-01";
const READER = "50000000-aaaa-bbbb-cccc-100000000002";

async function as(t: SeedResult, key: string) {
  const token = await control(emu).token({ tenantId: t.tenantId, user: t.users[key]!.id, resource: "arm" });
  return arm(emu, token);
}

async function newSp(t: SeedResult): Promise<string> {
  const token = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All"],
  });
  const g = graph(emu, token);
  const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
  return (await g("POST", "/servicePrincipals", { appId: app.appId })).body.id;
}

function account(t: SeedResult) {
  return `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(t.billingAccounts.mca!.name)}`;
}

function createBody(t: SeedResult, principalId: string) {
  return {
    principalId,
    principalTenantId: t.tenantId,
    roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${t.billingAccounts.mca!.name}/billingRoleDefinitions/${READER}`,
  };
}

describe("Microsoft.Billing error bodies", () => {
  it("answers ARM's envelope by default", async () => {
    const t = await seedFast(emu);
    const alex = await as(t, "appAdmin");
    const r = await alex(
      "POST",
      `${account(t)}/createBillingRoleAssignment?${V}`,
      createBody(t, t.users.appAdmin!.id),
    );
    expect(r.status).toBe(403);
    expect(Object.keys(r.body)).toEqual(["error"]);
    expect(r.body.error.code).toBe("AuthorizationFailed");
  });

  it("answers flat {code, message} on the routes switched to it", async () => {
    const t = await seedFast(emu, {
      preset: "contoso",
      settings: { errorShapes: { createBillingRoleAssignment: "flat", billingAccounts: "flat" } },
    });
    const alex = await as(t, "appAdmin");
    const r = await alex(
      "POST",
      `${account(t)}/createBillingRoleAssignment?${V}`,
      createBody(t, t.users.appAdmin!.id),
    );
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      code: "AuthorizationFailed",
      message: expect.stringContaining("does not have authorization"),
    });
    expect(r.headers.get("x-ms-request-id")).toBeTruthy();
    const missing = await alex("GET", `/providers/Microsoft.Billing/billingAccounts/nope?${V}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("BillingAccountNotFound");
    // Front-door answers keep ARM's envelope.
    const version = await alex("GET", `${account(t)}?api-version=2099-01-01`);
    expect(version.body.error.code).toBe("NoRegisteredProviderFound");
    // Routes not switched keep it too.
    const roles = await alex("DELETE", `${account(t)}/billingRoleAssignments/x?${V}`);
    expect(roles.status).toBe(403);
    expect(roles.body.error.code).toBe("AuthorizationFailed");
  });

  it("answers ASP.NET's validation body, naming the field, on the routes switched to it", async () => {
    const t = await seedFast(emu, {
      preset: "contoso",
      settings: {
        errorShapes: { createBillingRoleAssignment: "aspnet" },
        delays: { billingPrincipalReplicationMs: 60_000 },
      },
    });
    const adele = await as(t, "admin");
    const sp = await newSp(t);
    const r = await adele("POST", `${account(t)}/createBillingRoleAssignment?${V}`, createBody(t, sp));
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      title: "One or more validation errors occurred.",
      status: 400,
      traceId: expect.any(String),
      errors: { "properties.PrincipalId": [expect.stringContaining(sp)] },
    });
    expect(r.body.error).toBeUndefined();
    // A refusal that is not a validation error: ASP.NET's problem details.
    const alex = await as(t, "appAdmin");
    const denied = await alex("POST", `${account(t)}/createBillingRoleAssignment?${V}`, createBody(t, sp));
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      title: "AuthorizationFailed",
      status: 403,
      detail: expect.any(String),
    });
  });

  it("answers Cost Management's errors flat when switched", async () => {
    const t = await seedFast(emu, { preset: "contoso", settings: { errorShapes: { costQuery: "flat" } } });
    const lee = await as(t, "noBilling");
    const r = await lee(
      "POST",
      `${account(t)}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      {
        type: "ActualCost",
        timeframe: "MonthToDate",
        dataset: { granularity: "None" },
      },
    );
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("AuthorizationFailed");
  });

  it("refuses an unknown shape or route family", async () => {
    const t = await seedFast(emu);
    const bad = await control(emu).post(`/tenants/${t.tenantId}/settings`, {
      errorShapes: { createBillingRoleAssignment: "xml" },
    });
    expect(bad.status).toBe(400);
    const route = await control(emu).post(`/tenants/${t.tenantId}/settings`, {
      errorShapes: { nope: "flat" },
    });
    expect(route.status).toBe(400);
  });
});
