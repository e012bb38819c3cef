/**
 * Global Administrators and billing accounts, as Microsoft documents them: every Global Administrator
 * has read access to all MCA and MPA billing accounts of their tenant and may manage their role
 * assignments (nothing else), but the list shows such accounts only with includeAll=true (2024-04-01;
 * includeAllOrgs=true at 2020-05-01). Not for Enterprise Agreement or MOSP accounts.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
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
const LIST = "/providers/Microsoft.Billing/billingAccounts";

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

const names = (r: { body: any }) => (r.body.value as any[]).map((a) => a.name);

describe("Global Administrators and MCA billing accounts", () => {
  it("the contoso preset has a Global Administrator without a billing role", async () => {
    const t = await seedFast(emu);
    expect(t.users.globalAdmin).toMatchObject({
      displayName: "Patti Fernandez",
      roles: ["Global Administrator"],
    });
    const state = await control(emu).state(t.tenantId);
    const patti = t.users.globalAdmin!.id;
    expect(
      state.billingAccounts
        .flatMap((a: any) => a.roleAssignments)
        .filter((x: any) => x.principalId === patti),
    ).toEqual([]);
  });

  it("lists the tenant's MCA accounts only with includeAll (includeAllOrgs at 2020-05-01)", async () => {
    const t = await seedFast(emu);
    const patti = await as(t, "globalAdmin");
    const mca = t.billingAccounts.mca!.name;
    expect(names(await patti("GET", `${LIST}?${V}`))).toEqual([]);
    const all = await patti("GET", `${LIST}?${V}&includeAll=true`);
    expect(all.status).toBe(200);
    expect(names(all)).toEqual([mca]); // not the EA enrollment
    expect(all.body.value[0].properties.hasReadAccess).toBe(true);
    expect(names(await patti("GET", `${LIST}?api-version=2020-05-01`))).toEqual([]);
    expect(names(await patti("GET", `${LIST}?api-version=2020-05-01&includeAllOrgs=true`))).toEqual([mca]);
    // The other version's name is not this version's flag.
    expect(names(await patti("GET", `${LIST}?${V}&includeAllOrgs=true`))).toEqual([]);
    expect(names(await patti("GET", `${LIST}?api-version=2020-05-01&includeAll=true`))).toEqual([]);
    // A user with a direct role sees the same account either way, once.
    const megan = await as(t, "billingOwner");
    expect(names(await megan("GET", `${LIST}?${V}&includeAll=true`))).toEqual([mca]);
    // An administrator without that directory role sees nothing even when asking for all.
    const lee = await as(t, "noBilling");
    expect(names(await lee("GET", `${LIST}?${V}&includeAll=true`))).toEqual([]);
  });

  it("reads the account, its roles and costs, and assigns and removes billing roles", async () => {
    const t = await seedFast(emu);
    const patti = await as(t, "globalAdmin");
    const base = `${LIST}/${encodeURIComponent(t.billingAccounts.mca!.name)}`;
    expect((await patti("GET", `${base}?${V}`)).status).toBe(200);
    expect((await patti("GET", `${base}/billingRoleDefinitions?${V}`)).status).toBe(200);
    expect((await patti("GET", `${base}/billingRoleAssignments?api-version=2020-05-01`)).status).toBe(200);
    const cost = await patti(
      "POST",
      `${base}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      { type: "ActualCost", timeframe: "MonthToDate", dataset: { granularity: "None" } },
    );
    expect(cost.status).toBe(200);
    const sp = await newSp(t);
    const created = await patti("POST", `${base}/createBillingRoleAssignment?${V}`, {
      principalId: sp,
      principalTenantId: t.tenantId,
      roleDefinitionId: `${LIST}/${t.billingAccounts.mca!.name}/billingRoleDefinitions/${READER}`,
    });
    expect(created.status).toBe(200);
    expect(created.body.properties.createdByPrincipalId).toBe(t.users.globalAdmin!.id);
    expect((await patti("DELETE", `${base}/billingRoleAssignments/${created.body.name}?${V}`)).status).toBe(
      200,
    );
  });

  it("has no write access beyond role assignments", async () => {
    const t = await seedFast(emu);
    const patti = await as(t, "globalAdmin");
    const base = `${LIST}/${encodeURIComponent(t.billingAccounts.mca!.name)}`;
    const actions = [
      "Microsoft.Billing/billingAccounts/read",
      "Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action",
      "Microsoft.Billing/billingAccounts/billingRoleAssignments/write",
      "Microsoft.Billing/billingAccounts/write",
      "Microsoft.Billing/billingAccounts/billingProfiles/write",
    ];
    const r = await patti("POST", `${base}/checkAccess?${V}`, { actions });
    expect(r.body.map((x: any) => x.accessDecision)).toEqual([
      "Allowed",
      "Allowed",
      "Allowed",
      "NotAllowed",
      "NotAllowed",
    ]);
  });

  it("gives nothing on Enterprise Agreement accounts, nor on another tenant's accounts", async () => {
    const t = await seedFast(emu);
    const patti = await as(t, "globalAdmin");
    const ea = await patti("GET", `${LIST}/${t.billingAccounts.ea!.name}?${V}`);
    expect(ea.status).toBe(403);
    const other = await seedFast(emu, {
      name: "Fabrikam",
      users: [{ key: "ga", displayName: "Gus Admin", roles: ["Global Administrator"] }],
      billingAccounts: [{ key: "mca", displayName: "Fabrikam" }],
    });
    const gus = await as(other, "ga");
    expect(names(await gus("GET", `${LIST}?${V}&includeAll=true`))).toEqual([
      other.billingAccounts.mca!.name,
    ]);
    const foreign = await gus("GET", `${LIST}/${encodeURIComponent(t.billingAccounts.mca!.name)}?${V}`);
    expect(foreign.status).toBe(403);
  });

  it("lists for a Global Reader or Billing Administrator too, without read access (UNVERIFIED)", async () => {
    const t = await seedFast(emu, {
      name: "Tailspin",
      users: [
        { key: "reader", displayName: "Gail Reader", roles: ["Global Reader"] },
        { key: "billing", displayName: "Bill Admin", roles: ["Billing Administrator"] },
      ],
      billingAccounts: [{ key: "mca", displayName: "Tailspin" }],
    });
    for (const key of ["reader", "billing"]) {
      const user = await as(t, key);
      const all = await user("GET", `${LIST}?${V}&includeAll=true`);
      expect(names(all)).toEqual([t.billingAccounts.mca!.name]);
      expect(all.body.value[0].properties.hasReadAccess).toBe(false);
      expect(
        (await user("GET", `${LIST}/${encodeURIComponent(t.billingAccounts.mca!.name)}?${V}`)).status,
      ).toBe(403);
    }
  });
});
