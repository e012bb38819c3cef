/**
 * Contract: EA enrollments and Azure RBAC through the real SDKs. @azure/arm-billing 4.1.0 reads the
 * enrollment ($expand), its EA role definitions, permissions and role assignments (the EA PUT, which the
 * SDK lacks, goes through the same client's sendRequest at both documented api-versions);
 * @azure/arm-authorization 9.0.0 creates, reads, lists and deletes role assignments at a management group
 * and a subscription with principalType ServicePrincipal, and reads permissions; the app then signs in
 * with MSAL (client credentials) and reads what it was given.
 */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { BillingManagementClient } from "@azure/arm-billing";
import type { TokenCredential } from "@azure/core-auth";
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { appCredential, msalClient } from "./msal-helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";
import { control, graph, seedFast, startTestEmulator } from "../test/helpers";

const ARM_DEFAULT = ["https://management.azure.com/.default"];
const ENROLLMENT_READER = "24f8edb6-1668-4659-b5e2-40bb5f3a7d7e";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
const COST_READER = "72fafb9e-0641-4937-9268-a91bfd8191a3";
const NO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

let emu: RunningEmulator;
let t: SeedResult;
let app: { appId: string; spId: string; credential: TokenCredential };

/** A user's delegated ARM token from the control API, as a credential. */
async function userCredential(key: string): Promise<TokenCredential> {
  const token = await control(emu).token({ tenantId: t.tenantId, user: t.users[key]!.id, resource: "arm" });
  return { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_000_000 }) };
}

function billing(cred: TokenCredential): BillingManagementClient {
  return new BillingManagementClient(cred, NO_SUBSCRIPTION, {
    endpoint: `${emu.baseUrl}/arm`,
    credentialScopes: ARM_DEFAULT,
  });
}

function authorization(cred: TokenCredential, subscriptionId: string): AuthorizationManagementClient {
  return new AuthorizationManagementClient(cred, subscriptionId, {
    endpoint: `${emu.baseUrl}/arm`,
    credentialScopes: ARM_DEFAULT,
  });
}

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await seedFast(emu, { preset: "contoso" });
  const token = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All"],
  });
  const g = graph(emu, token);
  const made = (await g("POST", "/applications", { displayName: "cost-reader" })).body;
  const sp = (await g("POST", "/servicePrincipals", { appId: made.appId })).body;
  const secret = (await g("POST", `/applications/${made.id}/addPassword`, { passwordCredential: {} })).body
    .secretText as string;
  app = {
    appId: made.appId,
    spId: sp.id,
    credential: appCredential(msalClient(emu, made.appId, secret, t.tenantId)),
  };
});
afterAll(() => emu.close());

describe("@azure/arm-billing 4.1.0 on an EA enrollment", () => {
  it("reads the enrollment with $expand, its role definitions and permissions", async () => {
    const client = billing(await userCredential("eaAdmin"));
    const ea = t.billingAccounts.ea!.name;
    const one = await client.billingAccounts.get(ea, {
      expand: "enrollmentDetails,departments,enrollmentAccounts",
    });
    expect(one).toMatchObject({ name: ea, agreementType: "EnterpriseAgreement", accountType: "Enterprise" });
    expect(one.enrollmentDetails?.channel).toBe("EaDirect");
    expect(one.enrollmentDetails?.startDate).toBeInstanceOf(Date);
    expect(one.departments?.map((d) => d.departmentName)).toEqual(["Engineering", "Finance"]);
    expect(one.enrollmentAccounts?.[0]?.accountName).toBe("isaiah@contoso.onmicrosoft.com");
    const defs = [];
    for await (const d of client.billingRoleDefinitions.listByBillingAccount(ea)) defs.push(d);
    expect(defs.map((d) => d.roleName)).toContain("EnrollmentReader");
    const perms = [];
    for await (const p of client.billingPermissions.listByBillingAccount(ea)) perms.push(p);
    expect(perms[0]?.actions).toContain("Microsoft.Billing/billingAccounts/billingRoleAssignments/write");
  });

  for (const version of ["2019-10-01-preview", "2024-04-01"]) {
    it(`gives the app EnrollmentReader by PUT at ${version}; the app reads the enrollment`, async () => {
      const client = billing(await userCredential("eaAdmin"));
      const ea = t.billingAccounts.ea!.name;
      const name =
        version === "2024-04-01"
          ? "1d5c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
          : "2e6d3c4b-5f60-4b7c-9d8e-0f1a2b3c4d5e";
      const url = `${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts/${ea}/billingRoleAssignments/${name}?api-version=${version}`;
      const request = createPipelineRequest({
        url,
        method: "PUT",
        body: JSON.stringify({
          properties: {
            principalId: app.spId,
            principalTenantId: t.tenantId,
            roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${ea}/billingRoleDefinitions/${ENROLLMENT_READER}`,
          },
        }),
        headers: createHttpHeaders({ "Content-Type": "application/json" }),
      });
      const response = await client.sendRequest(request);
      expect(response.status).toBe(200);
      const got = await client.billingRoleAssignments.getByBillingAccount(ea, name);
      expect(got.principalId).toBe(app.spId);
      const asApp = billing(app.credential);
      const seen = [];
      for await (const a of asApp.billingAccounts.list()) seen.push(a.name);
      expect(seen).toEqual([ea]);
      const deleted = await client.billingRoleAssignments.deleteByBillingAccount(ea, name);
      // The SDK deletes at its own 2020-05-01, which answers the removed assignment.
      expect(deleted.name).toBe(name);
    });
  }
});

describe("@azure/arm-authorization 9.0.0 at a management group and a subscription", () => {
  it("creates, reads and deletes the app's Reader and Cost Management Reader assignments", async () => {
    const diego = await userCredential("subscriptionOwner");
    const prod = t.subscriptions.production!.subscriptionId;
    const client = authorization(diego, prod);
    const mg = Object.values(t.managementGroups)[0]!.id;
    const mgName = "3f7e4d5c-6071-4c8d-ae9f-102b3c4d5e6f";
    const created = await client.roleAssignments.create(mg, mgName, {
      roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: app.spId,
      principalType: "ServicePrincipal",
    });
    expect(created).toMatchObject({ name: mgName, scope: mg, principalType: "ServicePrincipal" });
    // The same call again (a retry) succeeds; another name for the same role and principal does not.
    await client.roleAssignments.create(mg, mgName, {
      roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      principalId: app.spId,
      principalType: "ServicePrincipal",
    });
    await expect(
      client.roleAssignments.create(mg, "4a8f5e6d-7182-4d9e-bf0a-213c4d5e6f70", {
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
        principalId: app.spId,
        principalType: "ServicePrincipal",
      }),
    ).rejects.toMatchObject({ statusCode: 409, code: "RoleAssignmentExists" });
    const subName = "5b9060ae-8293-4eaf-80b1-324d5e6f7081";
    await client.roleAssignments.create(`/subscriptions/${prod}`, subName, {
      roleDefinitionId: `/subscriptions/${prod}/providers/Microsoft.Authorization/roleDefinitions/${COST_READER}`,
      principalId: app.spId,
      principalType: "ServicePrincipal",
    });
    expect((await client.roleAssignments.get(mg, mgName)).principalId).toBe(app.spId);
    const listed = [];
    for await (const a of client.roleAssignments.listForScope(mg, { filter: `principalId eq '${app.spId}'` }))
      listed.push(a.name);
    // Without atScope() the list also names assignments below the group (the subscription's).
    expect(listed.sort()).toEqual([mgName, subName].sort());
    const perms = [];
    for await (const p of client.permissions.listForResourceGroup("rg-web")) perms.push(p);
    expect(perms.map((p) => p.actions)).toEqual([["*"]]);

    // As the app: both subscriptions through the group, its permissions at production.
    const asApp = authorization(app.credential, prod);
    const appPerms = [];
    for await (const p of asApp.permissions.listForResourceGroup("rg-web"))
      appPerms.push(...(p.actions ?? []));
    expect(appPerms).toContain("*/read");
    expect(appPerms).toContain("Microsoft.CostManagement/*/read");
    const subs = await asApp.sendRequest(
      createPipelineRequest({
        url: `${emu.baseUrl}/arm/subscriptions?api-version=2022-12-01`,
        method: "GET",
      }),
    );
    expect(
      JSON.parse(subs.bodyAsText ?? "{}")
        .value.map((s: { displayName: string }) => s.displayName)
        .sort(),
    ).toEqual(["Contoso Development", "Contoso Production"]);

    await client.roleAssignments.delete(mg, mgName);
    await client.roleAssignments.delete(`/subscriptions/${prod}`, subName);
    await expect(client.roleAssignments.get(mg, mgName)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("refuses a caller without roleAssignments/write as a RestError", async () => {
    const alex = authorization(await userCredential("appAdmin"), t.subscriptions.production!.subscriptionId);
    await expect(
      alex.roleAssignments.create(
        `/subscriptions/${t.subscriptions.production!.subscriptionId}`,
        "6ca171bf-93a4-4fb0-91c2-435e6f708192",
        {
          roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
          principalId: app.spId,
          principalType: "ServicePrincipal",
        },
      ),
    ).rejects.toMatchObject({ statusCode: 403, code: "AuthorizationFailed" });
  });
});
