/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { call, control, startTestEmulator } from "./helpers";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe("POST /_emulator/scenarios/batch", () => {
  it("seeds tenants of their own, each admin owning only its own MCA billing account", async () => {
    const c = control(emu);
    const r = await c.post("/scenarios/batch", { count: 3, name: "Bench", delayProfile: "test" });
    expect(r.status).toBe(201);
    const tenants = r.body.value as any[];
    expect(tenants).toHaveLength(3);
    expect(new Set(tenants.map((t) => t.tenantId)).size).toBe(3);
    expect(new Set(tenants.map((t) => t.billingAccountName)).size).toBe(3);
    for (const t of tenants) {
      expect(t.admin.userPrincipalName).toBe(`admin@${t.domain}`);
      const state = await c.state(t.tenantId);
      expect(state.tenant.displayName).toMatch(/^Bench \d$/);
      expect(state.users.map((u: any) => u.roles)).toEqual([["Global Administrator"]]);
      // The admin's own view of Billing: exactly its tenant's account, as an owner (what steps 3 and 4 need).
      const token = await c.token({ tenantId: t.tenantId, user: t.admin.id, resource: "arm" });
      const accounts = await call(
        `${emu.baseUrl}/arm/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(accounts.status).toBe(200);
      expect(accounts.body.value.map((a: any) => a.name)).toEqual([t.billingAccountName]);
      expect(accounts.body.value[0].properties.agreementType).toBe("MicrosoftCustomerAgreement");
    }
  });

  it("refuses a count outside 1 to 500 and an unknown setting", async () => {
    const c = control(emu);
    for (const spec of [
      {},
      { count: 0 },
      { count: 501 },
      { count: 1.5 },
      { count: 2, settings: { nope: 1 } },
    ]) {
      const r = await c.post("/scenarios/batch", spec);
      expect(r.status, JSON.stringify(spec)).toBe(400);
      expect(r.body.error.message).toBeTruthy();
    }
  });

  it("logs how long each answer took, a fault's latency included", async () => {
    const c = control(emu);
    const [t] = (await c.post("/scenarios/batch", { count: 1 })).body.value as any[];
    const fault = await c.post("/faults", { path: "/organization", tenantId: t.tenantId, latencyMs: 150 });
    expect(fault.status).toBe(201);
    const token = await c.token({ tenantId: t.tenantId, user: t.admin.id, resource: "graph" });
    const org = await call(`${emu.baseUrl}/graph/v1.0/organization`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(org.status).toBe(200);
    const again = await call(`${emu.baseUrl}/graph/v1.0/organization`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(200);
    const logged = ((await c.state(t.tenantId)).requests as any[]).filter((q) =>
      q.path.endsWith("/organization"),
    );
    expect(logged).toHaveLength(2);
    expect(logged[0].ms).toBeGreaterThanOrEqual(150);
    expect(logged[1].ms).toBeLessThan(150);
  });
});
