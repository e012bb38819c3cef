/**
 * The health job against the emulator: a connected integration is re-verified as the cost platform
 * would use it, once per due time however many instances run the job, and marked failing with the
 * cause a person can act on when its secret expires (the emulator's clock moved past the expiry), its
 * billing role is removed, or its app is deleted; it recovers to active when the cause goes away.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import { call, control } from "@/emulator/test/helpers";
import { startDriver, type Actor, type Driver } from "@/test/support/onboarding-driver";

const hour = 3_600_000;
const sixHours = 6 * hour;

let d: Driver;
let health: typeof import("@/lib/integrations/health");

beforeAll(async () => {
  d = await startDriver();
  health = await import("@/lib/integrations/health");
}, 120_000);

afterAll(async () => {
  vi.useRealTimers();
  await d?.close();
});

afterEach(async () => {
  vi.useRealTimers();
  await control(d.emu).post("/clock", { reset: true });
  await control(d.emu).del("/faults");
});

async function connected(): Promise<{
  tenant: SeedResult;
  admin: Actor;
  onboardingId: string;
  integrationId: string;
}> {
  const tenant = await d.seed();
  const admin = await d.signInAs(tenant, "admin");
  const onboardingId = await d.start(admin);
  const view = await d.connect(admin, onboardingId);
  expect(view.status).toBe("completed");
  const integration = await d.m.db.db.integration.findUniqueOrThrow({ where: { onboardingId } });
  expect(integration.status).toBe("active");
  return { tenant, admin, onboardingId, integrationId: integration.id };
}

function integration(id: string) {
  return d.m.db.db.integration.findUniqueOrThrow({ where: { id } });
}

async function costQueries(tenantId: string): Promise<number> {
  const state = await d.state(tenantId);
  return Object.entries(state.requestCounts)
    .filter(([route]) => /CostManagement\/query/i.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
}

function events(integrationId: string, type: string) {
  return d.m.db.db.integrationEvent.findMany({ where: { integrationId, type } });
}

describe("the health job", () => {
  it("checks a connected integration once per interval, spread, exactly once across two instances, and stores the month's cost", async () => {
    const { tenant, integrationId } = await connected();
    const before = await integration(integrationId);
    const queriesAtConnect = await costQueries(tenant.tenantId);

    vi.useFakeTimers({ toFake: ["Date"] });
    const start = new Date();
    // Just verified by step 5: the first check is an interval later, not now.
    await health.runHealthChecks(start, { intervalMs: sixHours });
    const scheduled = await integration(integrationId);
    expect(scheduled.nextCheckAt!.getTime()).toBeGreaterThanOrEqual(
      before.lastVerifiedAt!.getTime() + sixHours,
    );
    expect(scheduled.nextCheckAt!.getTime()).toBeLessThanOrEqual(start.getTime() + 2 * sixHours);
    expect(await costQueries(tenant.tenantId)).toBe(queriesAtConnect);

    // Due: two instances run the job at the same moment; one check happens.
    const due = new Date(scheduled.nextCheckAt!.getTime() + 1000);
    vi.setSystemTime(due);
    const rounds = await Promise.all([
      health.runHealthChecks(due, { intervalMs: sixHours }),
      health.runHealthChecks(due, { intervalMs: sixHours }),
    ]);
    expect(rounds.map((r) => r.checked).sort()).toEqual([0, 1]);
    expect(await costQueries(tenant.tenantId)).toBe(queriesAtConnect + 1);
    const after = await integration(integrationId);
    expect(after.status).toBe("active");
    expect(after.lastVerifiedAt!.getTime()).toBe(due.getTime());
    expect(after.monthCostAmount).toBeGreaterThan(0);
    expect(after.monthCostCurrency).toMatch(/^[A-Z]{3}$/);
    expect(after.monthCostAt!.getTime()).toBe(due.getTime());
    expect(after.nextCheckAt!.getTime()).toBe(due.getTime() + sixHours);
    expect(after.checkLeaseOwner).toBeNull();

    // A restart (a fresh round) before the next due time makes no query.
    await health.runHealthChecks(new Date(due.getTime() + hour), { intervalMs: sixHours });
    expect(await costQueries(tenant.tenantId)).toBe(queriesAtConnect + 1);
  });

  it("spreads integrations verified long ago over the interval instead of checking them all at once", async () => {
    const { integrationId } = await connected();
    const { spreadFraction } = await import("@/lib/data/integration-health");
    // As after an upgrade or a long outage: verified days ago, never scheduled.
    const now = new Date();
    await d.m.db.db.integration.update({
      where: { id: integrationId },
      data: { nextCheckAt: null, lastVerifiedAt: new Date(now.getTime() - 3 * 24 * hour) },
    });
    await health.runHealthChecks(now, { intervalMs: sixHours });
    const row = await integration(integrationId);
    const offset = row.nextCheckAt!.getTime() - now.getTime();
    expect(offset).toBe(Math.round(spreadFraction(integrationId) * sixHours));
    // Ids spread evenly: of 1000, each sixth of the interval gets roughly its share.
    const buckets = new Array<number>(6).fill(0);
    for (let i = 0; i < 1000; i++) buckets[Math.floor(spreadFraction(`int_${i}`) * 6)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(120);
  });

  it("marks failing with 'role removed' when the billing role is deleted, and recovers when it is assigned again", async () => {
    const { tenant, admin, onboardingId, integrationId } = await connected();
    const o = await d.m.db.db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
    const armToken = await control(d.emu).token({
      tenantId: tenant.tenantId,
      resource: "arm",
      user: tenant.users.admin!.userPrincipalName,
    });
    const removed = await call(`${d.emu.baseUrl}/arm${o.roleAssignmentId}?api-version=2020-05-01`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${armToken}` },
    });
    expect(removed.status).toBe(200);

    const failed = await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours });
    expect(failed).toMatchObject({ outcome: "failing", reason: "no-billing-read" });
    const row = await integration(integrationId);
    expect(row.status).toBe("failing");
    expect(row.lastVerification).toMatchObject({
      ok: false,
      reason: "no-billing-read",
      message: expect.stringContaining("Billing account reader role was removed"),
      action: expect.stringContaining("assign Billing account reader to the app again"),
    });
    const failing = await events(integrationId, "integration.verification_failing");
    expect(failing).toHaveLength(1);
    expect(failing[0]!.data).toMatchObject({ cause: "no-billing-read", integrationId });
    // Still failing on the next check: no second event.
    await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours });
    expect(await events(integrationId, "integration.verification_failing")).toHaveLength(1);

    // A billing account owner assigns the role again.
    const arm = new (await import("@/lib/azure/arm")).ArmClient(
      d.m.broker.delegatedCredential(admin.homeAccountId, admin.tenantId, "arm"),
      d.m.endpoints.azureEndpoints(),
    );
    await arm.createBillingRoleAssignment(o.billingAccountName!, {
      principalId: o.servicePrincipalId!,
      principalTenantId: tenant.tenantId,
      roleDefinitionId: await arm.readerRoleDefinitionId(o.billingAccountName!),
    });
    expect(await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours })).toMatchObject(
      {
        outcome: "active",
      },
    );
    expect((await integration(integrationId)).status).toBe("active");
  });

  it("marks failing with 'secret expired' once the secret's end date has passed, as Entra sees it", async () => {
    const { integrationId } = await connected();
    const row = await integration(integrationId);
    const past = row.secretExpiresAt!.getTime() + hour - Date.now();
    // Azure's clock (the emulator's) and the portal's both move past the expiry.
    await control(d.emu).post("/clock", { advanceMs: past });
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(row.secretExpiresAt!.getTime() + hour);
    const result = await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours });
    expect(result).toMatchObject({ outcome: "failing", reason: "secret-expired" });
    const failed = await integration(integrationId);
    expect(failed.status).toBe("failing");
    expect(failed.lastVerification).toMatchObject({
      code: "AADSTS7000222",
      reason: "secret-expired",
      message: expect.stringMatching(
        /^The client secret has expired \(on .+\): Microsoft Entra no longer lets the app sign in/,
      ),
      action: expect.stringMatching(/^Rotate the secret/),
    });
    expect(await events(integrationId, "integration.verification_failing")).toHaveLength(1);

    // Back before the expiry (as after a rotation), the next check finds it working again.
    vi.useRealTimers();
    await control(d.emu).post("/clock", { reset: true });
    expect(await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours })).toMatchObject(
      {
        outcome: "active",
      },
    );
    expect((await integration(integrationId)).status).toBe("active");
  });

  it("marks failing with 'app deleted' when the app registration is deleted", async () => {
    const { tenant, onboardingId, integrationId } = await connected();
    const o = await d.m.db.db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
    const graphToken = await control(d.emu).token({
      tenantId: tenant.tenantId,
      resource: "graph",
      user: tenant.users.admin!.userPrincipalName,
      scopes: ["Application.ReadWrite.All"],
    });
    const deleted = await call(`${d.emu.baseUrl}/graph/v1.0/applications/${o.applicationObjectId}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${graphToken}` },
    });
    expect(deleted.status).toBe(204);
    const result = await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours });
    expect(result).toMatchObject({ outcome: "failing", reason: "app-missing" });
    const row = await integration(integrationId);
    expect(row.status).toBe("failing");
    expect(row.lastVerification).toMatchObject({
      code: expect.stringMatching(/^AADSTS(700016|7000229)$/),
      message: expect.stringContaining("the app registration or its service principal was deleted"),
    });
  });

  it("honours Cost Management's throttling: a 429 defers the check by the wait Azure asks, without marking it failing", async () => {
    const { tenant, integrationId } = await connected();
    await control(d.emu).post("/faults", {
      method: "POST",
      path: "CostManagement/query",
      tenantId: tenant.tenantId,
      status: 429,
      retryAfter: 600,
      count: 0,
    });
    const before = Date.now();
    const result = await health.checkIntegration(integrationId, { force: true, intervalMs: sixHours });
    expect(result).toMatchObject({ outcome: "deferred", reason: "throttled" });
    const row = await integration(integrationId);
    expect(row.status).toBe("active");
    expect(row.nextCheckAt!.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    // The pipeline waits only within the check's budget: a 600 s Retry-After is not retried in-call.
    const faults = (await control(d.emu).get("/faults")).body as { value: { hits: number }[] };
    expect(faults.value.map((f) => f.hits)).toEqual([1]);
  });
});
