/**
 * Single Azure answers the portal must read right, through its real code against the emulator: a
 * long-running answer pointing at another host is not followed (the token stays home), and the cost
 * query's answer (source column names, the account's currency, a month with nothing spent yet).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { control } from "@/emulator/test/helpers";
import { errorOf, startDriver, stepOf, type Driver } from "@/scripts/test-support/onboarding-driver";

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
