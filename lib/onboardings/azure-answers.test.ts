/**
 * Single Azure answers the portal must read right, through its real code against the emulator: a
 * long-running answer pointing at another host is not followed (the token stays home), and the cost
 * query's answer (source column names, the account's currency, a month with nothing spent yet).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { control } from "@/emulator/test/helpers";
import { errorOf, startDriver, stepOf, type Driver } from "@/test/support/onboarding-driver";

let d: Driver;

beforeAll(async () => {
  d = await startDriver();
}, 120_000);

afterAll(async () => {
  await d?.close();
});

describe("long-running operations", () => {
  it("never follows a polling address on another host", async () => {
    const tenant = await d.seed();
    const adele = await d.signInAs(tenant, "admin");
    const id = await d.start(adele);
    // The same emulator under another host name: a request there would show in its log.
    const elsewhere = d.emu.baseUrl.replace("127.0.0.1", "localhost");
    const name = encodeURIComponent(tenant.billingAccounts.mca!.name);
    await control(d.emu).post("/faults", {
      method: "POST",
      path: "createBillingRoleAssignment",
      tenantId: tenant.tenantId,
      status: 202,
      headers: {
        Location: `${elsewhere}/arm/providers/Microsoft.Billing/billingAccounts/${name}/operationResults/x?api-version=2024-04-01`,
        "Retry-After": "1",
      },
    });
    const view = await d.connect(adele, id);
    const step4 = stepOf(view, "role-assignment");
    expect(step4.status).toBe("needs_attention");
    expect(errorOf(view, "role-assignment").message).toMatch(/another host \(localhost:\d+\)/);
    const s = await d.state(tenant.tenantId);
    expect(s.requests.filter((r) => /operationResults/.test(r.path))).toEqual([]);
  });
});

describe("the cost query's answer", () => {
  const lastMonth = () => {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 10);
  };

  it("reads the cost column by its source name and the account's own currency", async () => {
    const tenant = await d.seed({
      name: "Fourth Coffee",
      users: [{ key: "admin", displayName: "Ines Admin", roles: ["Global Administrator"] }],
      billingAccounts: [
        {
          key: "mca",
          displayName: "Fourth Coffee GmbH",
          roleAssignments: [{ user: "admin", role: "owner" }],
          costs: { currency: "EUR", days: 62, dailyAverage: 100 },
        },
      ],
    });
    const admin = await d.signInAs(tenant, "admin");
    const view = await d.connect(admin, await d.start(admin));
    expect(view.status).toBe("completed");
    const out = stepOf(view, "verify").outputs as { amount: number; currency: string };
    expect(out.currency).toBe("EUR");
    expect(out.amount).toBeGreaterThan(0);
    // Cost Management named the column after its source ("Cost"), not the query's alias.
    const s = await d.state(tenant.tenantId);
    expect(s.requests.filter((r) => /CostManagement\/query$/.test(r.route)).map((r) => r.status)).toEqual([
      200,
    ]);
  });

  it.each(["empty-rows", "204"] as const)(
    "reads a month with nothing spent yet as zero (%s)",
    async (emptyCostResponse) => {
      const tenant = await d.seed({
        name: "Quiet Month",
        users: [{ key: "admin", displayName: "Quinn Admin", roles: ["Global Administrator"] }],
        billingAccounts: [
          {
            key: "mca",
            displayName: "Quiet Month Ltd",
            roleAssignments: [{ user: "admin", role: "owner" }],
            costs: { currency: "GBP", rows: [{ date: lastMonth(), cost: 42 }] },
          },
        ],
        settings: { emptyCostResponse },
      });
      const admin = await d.signInAs(tenant, "admin");
      const view = await d.connect(admin, await d.start(admin));
      expect(view.status).toBe("completed");
      expect(stepOf(view, "verify").outputs).toMatchObject({ amount: 0 });
    },
  );
});
