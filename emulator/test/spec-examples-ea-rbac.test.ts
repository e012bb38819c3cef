/**
 * The EA and Azure RBAC answers against Microsoft's examples (fixtures/azure-spec-examples): the
 * enrollment's $expand view (billingAccountsListWithExpandForEnrollmentDetails), the EA role assignment
 * PUT (billingRoleAssignmentCreateOrUpdateByBillingAccount, 2024-04-01) and a role assignment created at
 * a subscription (RoleAssignments_CreateForSubscription, 2022-04-01; compared as a subset, since the live
 * service also sends condition, createdOn and the like, which the example omits).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { arm, control, graph, seedFast, startTestEmulator } from "./helpers";
import { shapeDiff, shapeSubsetDiff } from "./shape-diff";
import type { RunningEmulator } from "../src/server";

const FIXTURES = path.join(
  path.dirname(new URL(import.meta.url).pathname),
  "fixtures",
  "azure-spec-examples",
);
const example = (name: string): any => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

async function world() {
  const t = await seedFast(emu, { preset: "contoso" });
  const token = (key: string, resource: "arm" | "graph", scopes?: string[]) =>
    control(emu).token({
      tenantId: t.tenantId,
      user: t.users[key]!.id,
      resource,
      ...(scopes ? { scopes } : {}),
    });
  const g = graph(emu, await token("admin", "graph", ["Application.ReadWrite.All"]));
  const app = (await g("POST", "/applications", { displayName: "cost-reader" })).body;
  const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body;
  return {
    t,
    sp,
    isaiah: arm(emu, await token("eaAdmin", "arm")),
    diego: arm(emu, await token("subscriptionOwner", "arm")),
  };
}

describe("EA and RBAC answers have the shapes of Microsoft's examples", () => {
  it("the enrollment with $expand=enrollmentDetails,departments,enrollmentAccounts", async () => {
    const { t, isaiah } = await world();
    const ex = example("billingAccountsListWithExpandForEnrollmentDetails.json");
    const r = await isaiah(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01&$expand=${ex.parameters.$expand}`,
    );
    const mine = r.body.value.find((a: any) => a.name === t.billingAccounts.ea!.name);
    const expected = ex.responses["200"].body.value[0].properties;
    // soldTo is not emulated; the three expanded parts must match exactly.
    for (const part of ["enrollmentDetails", "departments", "enrollmentAccounts"])
      expect(shapeDiff(mine.properties[part], expected[part], part)).toEqual([]);
    expect(mine.properties.agreementType).toBe(expected.agreementType);
  });

  it("the EA role assignment PUT (2024-04-01)", async () => {
    const { t, sp, isaiah } = await world();
    const ex = example("billingRoleAssignmentCreateOrUpdateByBillingAccount.json");
    const ea = `/providers/Microsoft.Billing/billingAccounts/${t.billingAccounts.ea!.name}`;
    const r = await isaiah(
      "PUT",
      `${ea}/billingRoleAssignments/${ex.parameters.billingRoleAssignmentName}?api-version=2024-04-01`,
      {
        properties: {
          principalId: sp.id,
          principalTenantId: t.tenantId,
          roleDefinitionId: `${ea}/billingRoleDefinitions/24f8edb6-1668-4659-b5e2-40bb5f3a7d7e`,
        },
      },
    );
    expect(r.status).toBe(200);
    expect(shapeDiff(r.body, ex.responses["200"].body)).toEqual([]);
  });

  it("a role assignment created at a subscription (2022-04-01)", async () => {
    const { t, sp, diego } = await world();
    const ex = example("RoleAssignments_CreateForSubscription.json");
    const scope = `/subscriptions/${t.subscriptions.production!.subscriptionId}`;
    const r = await diego(
      "PUT",
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${ex.parameters.roleAssignmentName}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `${scope}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          principalId: sp.id,
          principalType: "ServicePrincipal",
        },
      },
    );
    expect(r.status).toBe(201);
    expect(shapeSubsetDiff(r.body, ex.responses["201"].body)).toEqual([]);
  });
});
