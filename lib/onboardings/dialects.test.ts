/**
 * The dialect matrix: the connect flow through the portal's real code, under the emulator's strictest
 * settings (its defaults) and under each alternative answer Azure may give where Microsoft documents
 * none or public reports disagree (error body shapes, eventual consistency, throttling, long-running
 * operations, cost answers). Every dialect must connect, refuse the same way, and wait instead of fail.
 * Chromium runs only the defaults (e2e/onboarding/connect.spec.ts); the matrix runs here, below the
 * browser, with the dialects side by side, so it stays quick.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { TenantSettingsPatch } from "@/emulator/src/settings";
import { arm, control } from "@/emulator/test/helpers";
import { errorOf, startDriver, stepOf, type Driver } from "@/test/support/onboarding-driver";

/** A request the dialect's answer must have met: its route, with one of these statuses. */
type Seen = { route: RegExp; status: number | number[] };
type Dialect = {
  name: string;
  settings: TenantSettingsPatch;
  /** Answers the connect run must have met, proving the dialect was exercised. */
  seen?: Seen[];
};

const allRoutes = (shape: "flat" | "aspnet") => ({
  errorShapes: {
    billingAccounts: shape,
    billingRoleAssignments: shape,
    createBillingRoleAssignment: shape,
    costQuery: shape,
  },
});

const spCreate = /servicePrincipals/;
const roleCreate = /createBillingRoleAssignment$/;
const costQuery = /CostManagement\/query$/;

export const dialects: Dialect[] = [
  {
    name: "strictest defaults",
    settings: {},
    seen: [
      { route: spCreate, status: 403 },
      { route: roleCreate, status: 400 },
    ],
  },
  // Item 2: error bodies.
  {
    name: "Billing and Cost Management errors flat",
    settings: allRoutes("flat"),
    seen: [{ route: roleCreate, status: 400 }],
  },
  {
    name: "Billing and Cost Management errors in ASP.NET's shape",
    settings: allRoutes("aspnet"),
    seen: [{ route: roleCreate, status: 400 }],
  },
  // Item 3: eventual consistency.
  { name: "Graph finds a new app at once", settings: { graphReadAfterCreate: "consistent" } },
  {
    name: "Graph refuses a new app's service principal with 400",
    settings: { graphSpReplicationError: "bad-request" },
    seen: [{ route: spCreate, status: 400 }],
  },
  {
    name: "Billing: an unreplicated principal is 404 NotFound",
    settings: { billingPrincipalNotFound: { status: 404, code: "NotFound" } },
    seen: [{ route: roleCreate, status: 404 }],
  },
  {
    name: "Billing: an unreplicated principal is 400 InvalidRequest",
    settings: { billingPrincipalNotFound: { status: 400, code: "InvalidRequest" } },
    seen: [{ route: roleCreate, status: 400 }],
  },
  {
    name: "Cost Management honours the new role later than Billing (403)",
    settings: { delays: { costRolePropagationMs: 5000 } },
    seen: [{ route: costQuery, status: 403 }],
  },
  {
    name: "Cost Management honours the new role later: 401 No claims",
    settings: { delays: { costRolePropagationMs: 5000 }, costForbidden: { status: 401, code: "401" } },
    seen: [{ route: costQuery, status: 401 }],
  },
  // Item 4: throttling headers.
  {
    name: "throttled queries name their wait in Retry-After too",
    settings: { costThrottleHeaders: "retry-after" },
  },
  {
    name: "throttled queries name their wait only in the consumption header",
    settings: { costThrottleHeaders: "consumption" },
  },
  // Item 5: long-running role assignment.
  {
    name: "role assignment accepted: 202 + Location",
    settings: { lro: { probability: 1, polls: 1, retryAfterSeconds: 1, headers: "location" } },
    seen: [{ route: roleCreate, status: 202 }],
  },
  {
    name: "role assignment accepted: 202 + Azure-AsyncOperation only",
    settings: { lro: { probability: 1, polls: 1, retryAfterSeconds: 1, headers: "async-operation" } },
    // The address was followed. On a busy machine the step's budget may end between polls; the next
    // attempt then finds the assignment listed instead, so the final 200 is not always reached.
    seen: [{ route: /operationStatus/, status: [200, 202] }],
  },
  {
    name: "role assignment accepted: 202 + both addresses",
    settings: { lro: { probability: 1, polls: 1, retryAfterSeconds: 1, headers: "both" } },
    seen: [{ route: /operationResults/, status: [200, 202] }],
  },
];

// Slow enough that every replication and propagation wait is met (also on a busy machine, where the
// steps take longer to reach them), quick enough for a test.
const delays = {
  appReplicationMs: 2500,
  secretActivationMs: 1500,
  billingPrincipalReplicationMs: 4000,
  billingRolePropagationMs: 1000,
};

let d: Driver;

beforeAll(async () => {
  d = await startDriver();
}, 120_000);

afterAll(async () => {
  await d?.close();
});

function withDelays(settings: TenantSettingsPatch): TenantSettingsPatch {
  return { ...settings, delays: { ...delays, ...(settings.delays ?? {}) } };
}

describe.concurrent.each(dialects)("dialect: $name", { timeout: 120_000 }, ({ settings, seen }) => {
  it("connects: one app, service principal, secret and role assignment; this month's cost", async () => {
    const tenant = await d.seed({ preset: "contoso" }, withDelays(settings));
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
    expect(s.billingRoleAssignments.filter((a) => a.principalId === s.servicePrincipals[0]!.id)).toHaveLength(
      1,
    );
    for (const { route, status } of seen ?? [])
      expect(
        s.requests.some((r) => route.test(r.route) && [status].flat().includes(r.status)),
        `${route} ${status}`,
      ).toBe(true);
  });

  it("adopts the app an interrupted run created, while Graph still replicates it", async () => {
    const tenant = await d.seed({ preset: "contoso" }, withDelays(settings));
    const adele = await d.signInAs(tenant, "admin");
    const id = await d.start(adele);
    const app = await d.graphAs(adele).upsertApplication(`mca-connect-${id}`, "vantage");
    const view = await d.connect(adele, id, 1_500);
    expect(view.status).toBe("completed");
    expect(view.clientId).toBe(app.appId);
    expect((await d.state(tenant.tenantId)).applications).toHaveLength(1);
  });

  it("verifying again at once meets Cost Management's throttle, waits as told, and succeeds", async () => {
    const tenant = await d.seed(
      { preset: "contoso" },
      { ...settings, costQueryLimitPerMinute: 1, costThrottleWindowSeconds: 4 },
    );
    const adele = await d.signInAs(tenant, "admin");
    const id = await d.start(adele);
    const connected = await d.connect(adele, id);
    expect(connected.status).toBe("completed");
    // The cost platform (the same app) has just queried: the scope's quota for this window is spent.
    const appToken = await control(d.emu).token({
      tenantId: tenant.tenantId,
      appId: connected.clientId!,
      resource: "arm",
    });
    const scope = `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(tenant.billingAccounts.mca!.name)}`;
    await arm(d.emu, appToken)(
      "POST",
      `${scope}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
      {
        type: "ActualCost",
        timeframe: "MonthToDate",
        dataset: { granularity: "None" },
      },
    );
    const redoAt = Date.now();
    await d.m.engine.queueSteps(adele, id, "verify");
    await d.m.engine.advance(adele, id, { budgetMs: 300 });
    const waiting = stepOf(await d.m.onboardings.getOnboardingOrThrow(adele, id), "verify");
    expect(waiting.status).toBe("waiting");
    expect((waiting.error as { message: string }).message).toMatch(/Cost Management asked us to wait/);
    const view = await d.runToRest(adele, id);
    expect(stepOf(view, "verify").status).toBe("done");
    // Never hammered: after each 429 the portal's next query came no sooner than a second later.
    const queries = (await d.state(tenant.tenantId)).requests.filter(
      (r) => costQuery.test(r.route) && Date.parse(r.time) > redoAt,
    );
    const throttled = queries.filter((q) => q.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    expect(throttled.length).toBeLessThanOrEqual(2);
    queries.forEach((q, i) => {
      if (q.status === 429 && queries[i + 1])
        expect(Date.parse(queries[i + 1]!.time) - Date.parse(q.time)).toBeGreaterThanOrEqual(900);
    });
  });

  it("a Global Administrator without a billing role connects alone", async () => {
    const tenant = await d.seed({ preset: "contoso" }, settings);
    const patti = await d.signInAs(tenant, "globalAdmin");
    const view = await d.connect(patti, await d.start(patti));
    expect(view.status).toBe("completed");
  });

  it("a refusal shows Azure's own message and request id, and hands step 4 to the owner", async () => {
    const tenant = await d.seed({ preset: "contoso" }, settings);
    const alex = await d.signInAs(tenant, "appAdmin");
    const view = await d.connect(alex, await d.start(alex));
    expect(stepOf(view, "role-assignment").status).toBe("needs_attention");
    expect(errorOf(view, "role-assignment")).toMatchObject({
      kind: "permission",
      resolution: "needs-billing-owner",
      azureMessage: expect.stringContaining("does not have authorization"),
      requestId: expect.stringMatching(/\S/),
    });
  });
});
