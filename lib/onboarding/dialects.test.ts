/**
 * The dialect matrix: the connect flow through the portal's real code, under the emulator's strictest
 * settings (its defaults) and under each alternative answer Azure may give where Microsoft documents
 * none or public reports disagree (error body shapes, eventual consistency, throttling, long-running
 * operations, cost answers). Every dialect must connect, refuse the same way, and wait instead of fail.
 * Chromium runs only the defaults (e2e/onboarding/connect.spec.ts); the matrix runs here, below the
 * browser, so it stays fast.
 */
import { describe, expect, it } from "vitest";
import { afterAll, beforeAll } from "vitest";

import type { TenantSettingsPatch } from "@/emulator/src/settings";
import { errorOf, startDriver, stepOf, type Driver } from "@/scripts/test-support/onboarding-driver";

type Dialect = { name: string; settings: TenantSettingsPatch };

const allRoutes = (shape: "flat" | "aspnet") => ({
  errorShapes: {
    billingAccounts: shape,
    billingRoleAssignments: shape,
    createBillingRoleAssignment: shape,
    costQuery: shape,
  },
});

export const dialects: Dialect[] = [
  { name: "strictest defaults", settings: {} },
  // Item 2: error bodies.
  { name: "Microsoft.Billing and Cost Management errors flat", settings: allRoutes("flat") },
  { name: "Microsoft.Billing and Cost Management errors in ASP.NET's shape", settings: allRoutes("aspnet") },
  // Item 3: eventual consistency.
  { name: "Graph finds a new app at once", settings: { graphReadAfterCreate: "consistent" } },
  {
    name: "Graph refuses a new app's service principal with 400",
    settings: { graphSpReplicationError: "bad-request" },
  },
  {
    name: "Billing: unreplicated principal is 404 NotFound",
    settings: { billingPrincipalNotFound: { status: 404, code: "NotFound" } },
  },
  {
    name: "Billing: unreplicated principal is 400 InvalidRequest",
    settings: { billingPrincipalNotFound: { status: 400, code: "InvalidRequest" } },
  },
  {
    name: "Cost Management: new role is 401 No claims",
    settings: { costForbidden: { status: 401, code: "401" } },
  },
];

// Slow enough that every replication and propagation wait is exercised, quick enough for a test.
const delays = {
  appReplicationMs: 1200,
  secretActivationMs: 1200,
  billingPrincipalReplicationMs: 1000,
  billingRolePropagationMs: 1000,
};

let d: Driver;

beforeAll(async () => {
  d = await startDriver();
}, 120_000);

afterAll(async () => {
  await d?.close();
});

describe.each(dialects)("dialect: $name", ({ settings }) => {
  it.concurrent(
    "connects: one app, service principal, secret and role assignment; this month's cost",
    async () => {
      const tenant = await d.seed({ preset: "contoso" }, { ...settings, delays });
      const adele = await d.signInAs(tenant, "admin");
      const id = await d.start(adele);
      const view = await d.connect(adele, id, 1_500);
      expect(view.steps.map((s) => [s.stepId, s.status, s.status === "done" ? null : s.error])).toEqual([
        ["app-registration", "done", null],
        ["client-secret", "done", null],
        ["billing-account", "done", null],
        ["role-assignment", "done", null],
        ["verify", "done", null],
      ]);
      expect(stepOf(view, "verify").outputs).toMatchObject({ currency: "USD", amount: expect.any(Number) });
      const s = await d.state(tenant.tenantId);
      expect(s.applications).toHaveLength(1);
      expect(s.applications[0]!.passwordCredentials).toHaveLength(1);
      expect(s.servicePrincipals).toHaveLength(1);
      expect(
        s.billingRoleAssignments.filter((a) => a.principalId === s.servicePrincipals[0]!.id),
      ).toHaveLength(1);
    },
  );

  it.concurrent("a Global Administrator without a billing role connects alone", async () => {
    const tenant = await d.seed({ preset: "contoso" }, settings);
    const patti = await d.signInAs(tenant, "globalAdmin");
    const view = await d.connect(patti, await d.start(patti));
    expect(view.status).toBe("completed");
  });

  it.concurrent(
    "a refusal shows Azure's own message and request id, and hands step 4 to the owner",
    async () => {
      const tenant = await d.seed({ preset: "contoso" }, settings);
      const alex = await d.signInAs(tenant, "appAdmin");
      const view = await d.connect(alex, await d.start(alex));
      const step4 = errorOf(view, "role-assignment");
      expect(stepOf(view, "role-assignment").status).toBe("needs_attention");
      expect(step4).toMatchObject({
        kind: "permission",
        resolution: "needs-billing-owner",
        azureMessage: expect.stringContaining("does not have authorization"),
        requestId: expect.stringMatching(/\S/),
      });
    },
  );
});
