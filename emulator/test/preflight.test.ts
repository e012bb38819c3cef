/**
 * The reads a permission preflight makes, each with the permission real Azure requires: the tenant's
 * authorization policy, the user's directory roles (memberOf / transitiveMemberOf, the token's wids), the
 * default app management policy, who holds which billing role (resolveBillingRoleAssignments), whether
 * the user may assign there (checkAccess), and Azure RBAC permissions at a scope.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { arm, control, decodeJwt, graph, seedFast, startTestEmulator } from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let t: SeedResult;
beforeAll(async () => {
  emu = await startTestEmulator();
  t = await seedFast(emu, { preset: "contoso" });
});
afterAll(() => emu.close());

const GA = "62e90394-69f5-4237-9190-012177145e10";
const V = "api-version=2024-04-01";

async function graphAs(key: string, scopes: string[]) {
  const token = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users[key]!.id,
    resource: "graph",
    scopes,
  });
  return { g: graph(emu, token), token };
}

async function armAs(key: string) {
  return arm(
    emu,
    await control(emu).token({ tenantId: t.tenantId, user: t.users[key]!.id, resource: "arm" }),
  );
}

describe("preflight reads", () => {
  it("reads directory roles: wids in the token, memberOf with the limited-information rule", async () => {
    const { g, token } = await graphAs("admin", ["User.Read"]);
    expect(decodeJwt(token).claims.wids).toContain(GA);
    const cast = "/me/transitiveMemberOf/microsoft.graph.directoryRole?$select=roleTemplateId,displayName";
    expect((await g("GET", cast)).status).toBe(400);
    const limited = await g("GET", cast, undefined, { ConsistencyLevel: "eventual" });
    expect(limited.status).toBe(200);
    expect(Object.keys(limited.body.value[0]).sort()).toEqual(["@odata.type", "id"]);
    const full = await (
      await graphAs("admin", ["Directory.Read.All"])
    ).g("GET", cast, undefined, { ConsistencyLevel: "eventual" });
    expect(full.body.value.map((r: any) => r.roleTemplateId)).toEqual([GA]);
    const megan = await (await graphAs("billingOwner", ["Directory.Read.All"])).g("GET", "/me/memberOf");
    expect(megan.body.value).toEqual([]);
    expect(
      (await (await graphAs("admin", ["Application.ReadWrite.All"])).g("GET", "/me/memberOf")).status,
    ).toBe(403);
  });

  it("reads the authorization policy with Policy.Read.All", async () => {
    const denied = await (await graphAs("admin", ["User.Read"])).g("GET", "/policies/authorizationPolicy");
    expect(denied.status).toBe(403);
    const ok = await (await graphAs("admin", ["Policy.Read.All"])).g("GET", "/policies/authorizationPolicy");
    expect(ok.body.defaultUserRolePermissions.allowedToCreateApps).toBe(false);
  });

  it("reads the default app management policy only as a Global Reader or Global Administrator", async () => {
    await control(emu).post(`/tenants/${t.tenantId}/settings`, {
      appManagementPolicy: { passwordMaxLifetime: "P90D" },
    });
    const adele = await (
      await graphAs("admin", ["Policy.Read.All"])
    ).g("GET", "/policies/defaultAppManagementPolicy");
    expect(adele.status).toBe(200);
    expect(adele.body).toMatchObject({
      id: "00000000-0000-0000-0000-000000000000",
      isEnabled: true,
      applicationRestrictions: {
        passwordCredentials: [
          {
            restrictionType: "passwordLifetime",
            maxLifetime: "P90D",
            restrictForAppsCreatedAfterDateTime: null,
          },
        ],
      },
    });
    const alex = await (
      await graphAs("appAdmin", ["Policy.Read.All"])
    ).g("GET", "/policies/defaultAppManagementPolicy");
    expect(alex.status).toBe(403);
    expect(alex.body.error.code).toBe("Authorization_RequestDenied");
    const noScope = await (
      await graphAs("admin", ["User.Read"])
    ).g("GET", "/policies/defaultAppManagementPolicy");
    expect(noScope.status).toBe(403);
  });

  it("names who holds the billing roles, and says who may assign", async () => {
    const mca = `/providers/Microsoft.Billing/billingAccounts/${t.billingAccounts.mca!.name}`;
    const alex = await armAs("appAdmin");
    const resolved = await alex(
      "POST",
      `${mca}/resolveBillingRoleAssignments?resolveScopeDisplayNames=false&${V}`,
    );
    expect(resolved.status).toBe(200);
    const owner = resolved.body.value.find((a: any) => a.properties.principalId === t.users.billingOwner!.id);
    expect(owner.properties.roleDefinitionId).toMatch(/^providers\/Microsoft\.Billing\/billingAccounts\//);
    expect(owner.properties.principalDisplayName).toBeUndefined();
    await control(emu).settings(t.tenantId, { billingPrincipalDisplayNames: "present" });
    const named = await alex("POST", `${mca}/resolveBillingRoleAssignments?${V}`);
    expect(
      named.body.value.find((a: any) => a.properties.principalId === t.users.billingOwner!.id).properties
        .principalDisplayName,
    ).toBe("Megan Bowen");
    const action = "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action";
    expect(
      (await alex("POST", `${mca}/checkAccess?${V}`, { actions: [action] })).body[0].accessDecision,
    ).toBe("NotAllowed");
    const megan = await armAs("billingOwner");
    expect(
      (await megan("POST", `${mca}/checkAccess?${V}`, { actions: [action] })).body[0].accessDecision,
    ).toBe("Allowed");
    // Lee holds no billing role: nothing to resolve.
    expect(
      (await (await armAs("noBilling"))("POST", `${mca}/resolveBillingRoleAssignments?${V}`)).status,
    ).toBe(403);

    const ea = `/providers/Microsoft.Billing/billingAccounts/${t.billingAccounts.ea!.name}`;
    const onEa = await (await armAs("admin"))("POST", `${ea}/resolveBillingRoleAssignments?${V}`);
    const admin = onEa.body.value.find((a: any) => a.properties.principalId === t.users.eaAdmin!.id);
    expect(admin.properties.roleDefinitionId).toMatch(/9f1983cb-2574-400c-87e9-34cf8e2280db$/);
    expect(admin.properties.principalDisplayName).toBe("Isaiah Langer");
  });

  it("answers Azure RBAC permissions at a subscription for each demo user", async () => {
    const prod = `/subscriptions/${t.subscriptions.production!.subscriptionId}`;
    const url = `${prod}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`;
    for (const [key, actions] of [
      ["admin", [["*"]]],
      ["subscriptionOwner", [["*"]]],
      ["appAdmin", []],
      ["eaAdmin", []],
    ] as const) {
      const r = await (await armAs(key))("GET", url);
      expect(r.status).toBe(200);
      expect(r.body.value.map((p: any) => p.actions)).toEqual(actions);
    }
  });
});
