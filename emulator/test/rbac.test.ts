/**
 * Azure RBAC at management-group and subscription scopes: the groups and subscriptions a caller sees,
 * inherited roles, the caller's permissions at a scope, role assignments PUT by a deterministic name with
 * principalType ServicePrincipal (Owner / User Access Administrator only, RoleAssignmentExists,
 * PrincipalNotFound while replicating), and what the app then reads (subscriptions, a cost query).
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

const AUTH = "api-version=2022-04-01";
const MG = "api-version=2023-04-01";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const COST_READER = "72fafb9e-0641-4937-9268-a91bfd8191a3";
const NAME = "5d2c7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f";
const QUERY = {
  type: "ActualCost",
  timeframe: "MonthToDate",
  dataset: { granularity: "None", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
};

function as(t: SeedResult, key: string) {
  return control(emu)
    .token({ tenantId: t.tenantId, user: t.users[key]!.id, resource: "arm" })
    .then((token) => arm(emu, token));
}

async function rbacWorld(spec: ScenarioSpec = { preset: "contoso" }, waitForApp = 0) {
  const t = await seedFast(emu, spec);
  const token = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All"],
  });
  const g = graph(emu, token);
  const app = (await g("POST", "/applications", { displayName: "cost-reader" })).body;
  if (waitForApp) await sleep(waitForApp);
  const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body;
  const mg = Object.values(t.managementGroups)[0]!;
  const asApp = async () => {
    const secret = (await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: {} })).body
      .secretText;
    const r = await clientCredentials(emu, t.tenantId, app.appId, secret);
    return arm(emu, r.body.access_token);
  };
  const body = (scope: string, role: string, principalType = true) => ({
    properties: {
      roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId: sp.id,
      ...(principalType ? { principalType: "ServicePrincipal" } : {}),
    },
  });
  return { t, sp, mg, asApp, body };
}

describe("management groups and subscriptions", () => {
  it("lists what the caller holds a role at, inherited through the hierarchy", async () => {
    const { t, mg } = await rbacWorld();
    const diego = await as(t, "subscriptionOwner");
    const groups = await diego("GET", `/providers/Microsoft.Management/managementGroups?${MG}`);
    expect(groups.status).toBe(200);
    expect(groups.body.value).toEqual([
      {
        id: mg.id,
        type: "Microsoft.Management/managementGroups",
        name: mg.name,
        properties: { tenantId: t.tenantId, displayName: "Contoso" },
      },
    ]);
    const one = await diego("GET", `${mg.id}?${MG}&$expand=children`);
    expect(one.body.properties.details.parent.name).toBe(t.tenantId);
    expect(one.body.properties.children.map((c: any) => c.displayName).sort()).toEqual([
      "Contoso Development",
      "Contoso Production",
    ]);
    const subs = await diego("GET", "/subscriptions?api-version=2022-12-01");
    expect(subs.body.value.map((s: any) => s.displayName).sort()).toEqual([
      "Contoso Development",
      "Contoso Production",
    ]);
    const adele = await as(t, "admin");
    expect((await adele("GET", `/providers/Microsoft.Management/managementGroups?${MG}`)).body.value).toEqual(
      [],
    );
    expect((await adele("GET", `${mg.id}?${MG}`)).status).toBe(403);
    expect((await adele("GET", "/subscriptions?api-version=2022-12-01")).body.value).toHaveLength(1);
  });

  it("answers the caller's permissions at a scope", async () => {
    const { t, mg } = await rbacWorld();
    const sub = `/subscriptions/${t.subscriptions.development!.subscriptionId}`;
    const diego = await as(t, "subscriptionOwner");
    const perms = await diego("GET", `${sub}/providers/Microsoft.Authorization/permissions?${AUTH}`);
    expect(perms.body.value).toEqual([
      { actions: ["*"], notActions: [], dataActions: [], notDataActions: [] },
    ]);
    const atMg = await diego("GET", `${mg.id}/providers/Microsoft.Authorization/permissions?${AUTH}`);
    expect(atMg.body.value[0].actions).toEqual(["*"]);
    const alex = await as(t, "appAdmin");
    expect(
      (await alex("GET", `${sub}/providers/Microsoft.Authorization/permissions?${AUTH}`)).body.value,
    ).toEqual([]);
  });
});

describe("role assignments for the app", () => {
  it("assigns Reader at the management group; the app lists both subscriptions", async () => {
    const { t, sp, mg, asApp, body } = await rbacWorld();
    const diego = await as(t, "subscriptionOwner");
    const url = `${mg.id}/providers/Microsoft.Authorization/roleAssignments/${NAME}?${AUTH}`;
    const put = await diego("PUT", url, body(mg.id, READER));
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      id: `${mg.id}/providers/Microsoft.Authorization/roleAssignments/${NAME}`,
      name: NAME,
      properties: {
        principalId: sp.id,
        principalType: "ServicePrincipal",
        scope: mg.id,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      },
    });
    // The same PUT again (a retry) is accepted; the same principal, role and scope under another name is not.
    expect((await diego("PUT", url, body(mg.id, READER))).status).toBe(201);
    const other = url.replace(NAME, "6e3d8f90-ab1c-4d2e-9f30-4b5c6d7e8f90");
    const dup = await diego("PUT", other, body(mg.id, READER));
    expect(dup.status).toBe(409);
    expect(dup.body.error).toEqual({
      code: "RoleAssignmentExists",
      message: "The role assignment already exists.",
    });
    expect((await control(emu).state(t.tenantId)).created.rbacRoleAssignments).toBe(1);

    const app = await asApp();
    const subs = await app("GET", "/subscriptions?api-version=2022-12-01");
    expect(subs.body.value).toHaveLength(2);
    // Reader alone does not run cost queries (the default dialect); Cost Management Reader does.
    const dev = `/subscriptions/${t.subscriptions.development!.subscriptionId}`;
    const cost = `${dev}/providers/Microsoft.CostManagement/query?api-version=2023-11-01`;
    expect((await app("POST", cost, QUERY)).status).toBe(403);
    await control(emu).settings(t.tenantId, { readerCostQuery: "allowed" });
    expect((await app("POST", cost, QUERY)).status).toBe(200);
    await control(emu).settings(t.tenantId, { readerCostQuery: "refused" });
    const costUrl = `${dev}/providers/Microsoft.Authorization/roleAssignments/7f4e9a01-bc2d-4e3f-a041-5c6d7e8f9a01?${AUTH}`;
    expect((await diego("PUT", costUrl, body(dev, COST_READER))).status).toBe(201);
    const rows = await app("POST", cost, QUERY);
    expect(rows.status).toBe(200);
    expect(rows.body.properties.rows[0][0]).toBeGreaterThan(0);

    expect((await diego("GET", url)).body.name).toBe(NAME);
    const listed = await diego(
      "GET",
      `${mg.id}/providers/Microsoft.Authorization/roleAssignments?${AUTH}&$filter=${encodeURIComponent(`principalId eq '${sp.id}'`)}`,
    );
    expect(listed.body.value.map((a: any) => a.name).sort()).toEqual(
      [NAME, "7f4e9a01-bc2d-4e3f-a041-5c6d7e8f9a01"].sort(),
    );
    expect((await diego("DELETE", url)).status).toBe(200);
    expect((await diego("DELETE", url)).status).toBe(204);
    const after = await (await asApp())("GET", "/subscriptions?api-version=2022-12-01");
    expect(after.body.value.map((s: any) => s.displayName)).toEqual(["Contoso Development"]);
  });

  it("refuses callers without roleAssignments/write, and takes User Access Administrators", async () => {
    const { t, mg, body } = await rbacWorld({
      preset: "contoso",
      subscriptions: [
        {
          key: "production",
          displayName: "Contoso Production",
          roleAssignments: [{ user: "admin", role: "Owner" }],
        },
        {
          key: "development",
          displayName: "Contoso Development",
          roleAssignments: [
            { user: "appAdmin", role: "Contributor" },
            { user: "billingOwner", role: "User Access Administrator" },
          ],
        },
      ],
    });
    const dev = `/subscriptions/${t.subscriptions.development!.subscriptionId}`;
    const url = `${dev}/providers/Microsoft.Authorization/roleAssignments/${NAME}?${AUTH}`;
    const alex = await (await as(t, "appAdmin"))("PUT", url, body(dev, READER));
    expect(alex.status).toBe(403);
    expect(alex.body.error.code).toBe("AuthorizationFailed");
    expect(alex.body.error.message).toContain("Microsoft.Authorization/roleAssignments/write");
    // Adele owns production only, not the group or development.
    expect((await (await as(t, "admin"))("PUT", url, body(dev, READER))).status).toBe(403);
    expect((await (await as(t, "admin"))("PUT", url.replace(dev, mg.id), body(mg.id, READER))).status).toBe(
      403,
    );
    expect((await (await as(t, "billingOwner"))("PUT", url, body(dev, READER))).status).toBe(201);
  });

  it("answers PrincipalNotFound while the service principal replicates", async () => {
    const { t, mg, body } = await rbacWorld(
      { preset: "contoso", settings: { delays: { appReplicationMs: 1500 } } },
      1700,
    );
    const diego = await as(t, "subscriptionOwner");
    const url = `${mg.id}/providers/Microsoft.Authorization/roleAssignments/${NAME}?${AUTH}`;
    const untyped = await diego("PUT", url, body(mg.id, READER, false));
    expect(untyped.status).toBe(400);
    expect(untyped.body.error.code).toBe("PrincipalNotFound");
    expect(untyped.body.error.message).toContain("principalType");
    // The dialect where principalType does not help.
    await control(emu).settings(t.tenantId, { rbacReplicationWithPrincipalType: "principal-not-found" });
    expect((await diego("PUT", url, body(mg.id, READER))).status).toBe(400);
    await control(emu).settings(t.tenantId, { rbacReplicationWithPrincipalType: "accepted" });
    expect((await diego("PUT", url, body(mg.id, READER))).status).toBe(201);
  });
});
