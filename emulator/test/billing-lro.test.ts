/**
 * createBillingRoleAssignment's long-running answer: 202 with Location (the spec's example and its
 * final-state-via), or with an Azure-AsyncOperation status address too, or only that (ARM's other
 * convention): the addresses are on the host the POST went to, and Retry-After says when to look.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { arm, call, control, graph, seedFast, startTestEmulator } from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

const V = "api-version=2024-04-01";
const READER = "50000000-aaaa-bbbb-cccc-100000000002";

async function accepted(headers: "location" | "both" | "async-operation") {
  const t: SeedResult = await seedFast(emu, {
    preset: "contoso",
    settings: { lro: { probability: 1, polls: 1, retryAfterSeconds: 1, headers } },
  });
  const graphToken = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All"],
  });
  const g = graph(emu, graphToken);
  const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
  const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body.id as string;
  const token = await control(emu).token({ tenantId: t.tenantId, user: t.users.admin!.id, resource: "arm" });
  const name = t.billingAccounts.mca!.name;
  const r = await arm(emu, token)(
    "POST",
    `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(name)}/createBillingRoleAssignment?${V}`,
    {
      principalId: sp,
      principalTenantId: t.tenantId,
      roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${name}/billingRoleDefinitions/${READER}`,
    },
  );
  const poll = (url: string) => call(url, { headers: { authorization: `Bearer ${token}` } });
  return { r, poll, t, sp };
}

describe("createBillingRoleAssignment's 202 addresses", () => {
  it("names Location by default, on the host the request went to", async () => {
    const { r } = await accepted("location");
    expect(r.status).toBe(202);
    expect(new URL(r.headers.get("location")!).origin).toBe(emu.baseUrl);
    expect(r.headers.get("azure-asyncoperation")).toBeNull();
  });

  it("can name an Azure-AsyncOperation status address alone: InProgress, then Succeeded", async () => {
    const { r, poll, t, sp } = await accepted("async-operation");
    expect(r.status).toBe(202);
    expect(r.headers.get("location")).toBeNull();
    const status = r.headers.get("azure-asyncoperation")!;
    expect(new URL(status).origin).toBe(emu.baseUrl);
    expect(r.headers.get("retry-after")).toBe("1");
    const first = await poll(status);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "InProgress", startTime: expect.any(String) });
    const done = await poll(status);
    expect(done.body).toMatchObject({ status: "Succeeded", endTime: expect.any(String) });
    const state = await control(emu).state(t.tenantId);
    expect(
      state.billingAccounts
        .flatMap((a: { roleAssignments: { principalId: string }[] }) => a.roleAssignments)
        .filter((a: { principalId: string }) => a.principalId === sp),
    ).toHaveLength(1);
  });

  it("can name both", async () => {
    const { r } = await accepted("both");
    expect(r.headers.get("location")).toBeTruthy();
    expect(r.headers.get("azure-asyncoperation")).toBeTruthy();
  });
});
