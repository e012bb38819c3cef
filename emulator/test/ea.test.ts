/**
 * Enterprise Agreement enrollments: the $expand view, departments and enrollment accounts, EA role
 * definitions, and EnrollmentReader given to a new app's service principal by PUT at the enrollment
 * scope (both api-versions, the Enterprise Administrator check, replication, idempotent retries), then
 * read as the app (billing read and a Cost Management query).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { arm, clientCredentials, control, graph, seedFast, sleep, startTestEmulator } from "./helpers";
import type { ScenarioSpec, SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const V = "api-version=2024-04-01";
const PREVIEW = "api-version=2019-10-01-preview";
const READER = "24f8edb6-1668-4659-b5e2-40bb5f3a7d7e";
const EA_ADMIN = "9f1983cb-2574-400c-87e9-34cf8e2280db";
const ASSIGNMENT = "7b1c3a52-3d4e-4f60-9a71-8b92c3d4e5f6";

function as(t: SeedResult, key: string) {
  return control(emu)
    .token({ tenantId: t.tenantId, user: t.users[key]!.id, resource: "arm" })
    .then((token) => arm(emu, token));
}

/** A Contoso tenant and a new app with its service principal and a secret, made by Adele through Graph. */
export async function eaWorld(spec: ScenarioSpec = { preset: "contoso" }) {
  const t = await seedFast(emu, spec);
  const token = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All"],
  });
  const g = graph(emu, token);
  const app = (await g("POST", "/applications", { displayName: "cost-reader" })).body;
  const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body;
  const secret = (await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: {} })).body
    .secretText as string;
  const ea = t.billingAccounts.ea!.name;
  const base = `/providers/Microsoft.Billing/billingAccounts/${ea}`;
  const body = {
    properties: {
      principalId: sp.id,
      principalTenantId: t.tenantId,
      roleDefinitionId: `${base}/billingRoleDefinitions/${READER}`,
    },
  };
  const asApp = async () => {
    const r = await clientCredentials(emu, t.tenantId, app.appId, secret);
    return arm(emu, r.body.access_token);
  };
  return { t, app, sp, ea, base, body, asApp };
}

describe("EA enrollments", () => {
  it("lists the enrollment with its details, departments and enrollment accounts", async () => {
    const { t, ea, base } = await eaWorld();
    const isaiah = await as(t, "eaAdmin");
    const list = await isaiah(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts?${V}&$expand=enrollmentDetails,departments,enrollmentAccounts`,
    );
    expect(list.status).toBe(200);
    const e = list.body.value.find((x: any) => x.name === ea);
    expect(e.properties).toMatchObject({ agreementType: "EnterpriseAgreement", accountType: "Enterprise" });
    expect(e.properties.enrollmentDetails).toMatchObject({ channel: "EaDirect", currency: "USD" });
    expect(e.properties.departments.map((d: any) => d.properties.departmentName)).toEqual([
      "Engineering",
      "Finance",
    ]);
    expect(e.properties.enrollmentAccounts[0].type).toBe("Microsoft.Billing/enrollmentAccounts");
    const plain = await isaiah("GET", `${base}?${V}`);
    expect(plain.body.properties.departments).toBeUndefined();
    const departments = await isaiah("GET", `${base}/departments?${V}`);
    expect(departments.body.value).toHaveLength(2);
    const one = await isaiah("GET", `${base}/departments/${departments.body.value[0].name}?${V}`);
    expect(one.body.properties.costCenter).toBe("CC-100");
    expect((await isaiah("GET", `${base}/enrollmentAccounts?${V}`)).body.value).toHaveLength(1);
    expect((await isaiah("GET", `${base}/departments/nope?${V}`)).status).toBe(404);
    const mca = `/providers/Microsoft.Billing/billingAccounts/${t.billingAccounts.mca!.name}`;
    expect((await (await as(t, "admin"))("GET", `${mca}/departments?${V}`)).status).toBe(400);
    // Diego holds no enrollment role.
    expect((await (await as(t, "subscriptionOwner"))("GET", `${base}?${V}`)).status).toBe(403);
  });

  it("lists the EA role definitions and their named permissions", async () => {
    const { t, base } = await eaWorld();
    const isaiah = await as(t, "eaAdmin");
    const defs = await isaiah("GET", `${base}/billingRoleDefinitions?${V}`);
    expect(defs.body.value.map((d: any) => d.name)).toEqual([
      EA_ADMIN,
      READER,
      "da6647fb-7651-49ee-be91-c43c4877f0c4",
    ]);
    const perms = await isaiah("GET", `${base}/billingPermissions?${V}`);
    expect(perms.body.value[0].actions).toContain(
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/write",
    );
    const adele = await (await as(t, "admin"))("GET", `${base}/billingPermissions?${V}`);
    expect(adele.body.value[0].actions).not.toContain(
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/write",
    );
  });

  for (const version of [V, PREVIEW]) {
    it(`gives the app EnrollmentReader by PUT at ${version}, idempotently, then the app reads`, async () => {
      const { t, sp, ea, base, body, asApp } = await eaWorld();
      const isaiah = await as(t, "eaAdmin");
      const url = `${base}/billingRoleAssignments/${ASSIGNMENT}?${version}`;
      const put = await isaiah("PUT", url, body);
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        id: `${base}/billingRoleAssignments/${ASSIGNMENT}`,
        name: ASSIGNMENT,
        type: "Microsoft.Billing/billingAccounts/billingRoleAssignments",
        properties: { principalId: sp.id, roleDefinitionId: body.properties.roleDefinitionId },
      });
      const again = await isaiah("PUT", url, body);
      expect(again.status).toBe(200);
      expect(again.body.properties.createdOn).toBe(put.body.properties.createdOn);
      const state = await control(emu).state(t.tenantId);
      expect(state.created.billingRoleAssignments).toBe(1);
      const got = await isaiah("GET", url);
      expect(got.body.name).toBe(ASSIGNMENT);
      const listed = await isaiah("GET", `${base}/billingRoleAssignments?${version}`);
      expect(listed.body.value.some((a: any) => a.name === ASSIGNMENT)).toBe(true);

      const app = await asApp();
      const read = await app("GET", `${base}?${V}`);
      expect(read.status).toBe(200);
      expect(read.body.properties.agreementType).toBe("EnterpriseAgreement");
      const accounts = await app("GET", `/providers/Microsoft.Billing/billingAccounts?${V}`);
      expect(accounts.body.value.map((a: any) => a.name)).toEqual([ea]);
      const cost = await app(
        "POST",
        `${base}/providers/Microsoft.CostManagement/query?api-version=2023-11-01`,
        {
          type: "ActualCost",
          timeframe: "MonthToDate",
          dataset: { granularity: "None", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
        },
      );
      expect(cost.status).toBe(200);
      expect(cost.body.properties.rows[0][0]).toBeGreaterThan(0);
      // The app may read but not assign.
      expect((await app("PUT", url, body)).status).toBe(403);

      const del = await isaiah("DELETE", url);
      expect(del.status).toBe(200);
      expect((await isaiah("DELETE", url)).status).toBe(204);
      expect((await isaiah("GET", url)).status).toBe(404);
    });
  }

  it("answers the 2024-04-01 example's shape, and the flat body only when the dialect says so", async () => {
    const { t, base, body } = await eaWorld();
    const isaiah = await as(t, "eaAdmin");
    const url = `${base}/billingRoleAssignments/${ASSIGNMENT}?${V}`;
    const flat = await isaiah("PUT", url, body.properties);
    expect(flat.status).toBe(400);
    await control(emu).settings(t.tenantId, { eaFlatAssignmentBody: "accepted" });
    const ok = await isaiah("PUT", url, body.properties);
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body.properties).sort()).toEqual(
      [
        "createdByPrincipalId",
        "createdByPrincipalTenantId",
        "createdOn",
        "principalId",
        "principalTenantId",
        "roleDefinitionId",
        "scope",
      ].sort(),
    );
    // The preview version never takes the flat body.
    expect((await isaiah("PUT", url.replace(V, PREVIEW), body.properties)).status).toBe(400);
  });

  it("refuses callers who are not Enterprise Administrators, naming the role", async () => {
    const { t, base, body } = await eaWorld();
    const url = `${base}/billingRoleAssignments/${ASSIGNMENT}?${PREVIEW}`;
    // Adele reads the enrollment (EnrollmentReader) but may not assign.
    const adele = await (await as(t, "admin"))("PUT", url, body);
    expect(adele.status).toBe(403);
    expect(adele.body.error.code).toBe("AuthorizationFailed");
    expect(adele.body.error.message).toContain("Enterprise Administrator");
    // Patti (Global Administrator, no enrollment role): GAs have no automatic EA access.
    expect((await (await as(t, "globalAdmin"))("PUT", url, body)).status).toBe(403);
    const check = await (
      await as(t, "admin")
    )("POST", `${base}/checkAccess?${V}`, {
      actions: ["Microsoft.Billing/billingAccounts/billingRoleAssignments/write"],
    });
    expect(check.body[0].accessDecision).toBe("NotAllowed");
    const isaiahCheck = await (
      await as(t, "eaAdmin")
    )("POST", `${base}/checkAccess?${V}`, {
      actions: ["Microsoft.Billing/billingAccounts/billingRoleAssignments/write"],
    });
    expect(isaiahCheck.body[0].accessDecision).toBe("Allowed");
  });

  it("answers principal not found while the service principal replicates, then succeeds", async () => {
    const { t, base, body } = await eaWorld({
      preset: "contoso",
      settings: { delays: { billingPrincipalReplicationMs: 600 } },
    });
    const isaiah = await as(t, "eaAdmin");
    const url = `${base}/billingRoleAssignments/${ASSIGNMENT}?${PREVIEW}`;
    const early = await isaiah("PUT", url, body);
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe("PrincipalNotFound");
    await sleep(700);
    expect((await isaiah("PUT", url, body)).status).toBe(200);
    const state = await control(emu).state(t.tenantId);
    expect(state.created.billingRoleAssignments).toBe(1);
  });

  it("treats the same principal and role under another name as the dialect says", async () => {
    const { t, base, body } = await eaWorld();
    const isaiah = await as(t, "eaAdmin");
    const first = await isaiah("PUT", `${base}/billingRoleAssignments/${ASSIGNMENT}?${V}`, body);
    expect(first.status).toBe(200);
    const other = "0f0f0f0f-1111-4222-8333-444455556666";
    const twin = await isaiah("PUT", `${base}/billingRoleAssignments/${other}?${V}`, body);
    expect(twin.status).toBe(200);
    expect(twin.body.name).toBe(ASSIGNMENT);
    await control(emu).settings(t.tenantId, { duplicateBillingAssignment: "conflict" });
    const conflict = await isaiah("PUT", `${base}/billingRoleAssignments/${other}?${V}`, body);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe("RoleAssignmentAlreadyExists");
    // The Enterprise Administrator role is for users only.
    const admin = {
      properties: {
        ...body.properties,
        roleDefinitionId: `${base}/billingRoleDefinitions/${EA_ADMIN}`,
      },
    };
    expect((await isaiah("PUT", `${base}/billingRoleAssignments/${other}?${V}`, admin)).status).toBe(400);
    // createBillingRoleAssignment stays MCA-only.
    const post = await isaiah("POST", `${base}/createBillingRoleAssignment?${V}`, body.properties);
    expect(post.status).toBe(400);
    expect(post.body.error.code).toBe("InvalidBillingAccountType");
  });

  it("refuses the app's cost query before the role is assigned", async () => {
    const { base, asApp } = await eaWorld();
    const app = await asApp();
    expect((await app("GET", `${base}?${V}`)).status).toBe(403);
    const cost = await app(
      "POST",
      `${base}/providers/Microsoft.CostManagement/query?api-version=2023-11-01`,
      {
        type: "ActualCost",
        timeframe: "MonthToDate",
        dataset: { granularity: "None", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
      },
    );
    expect(cost.status).toBe(403);
  });
});
