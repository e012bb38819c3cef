/**
 * The audit receipt's export through the real route and database: the owner gets every object created
 * or removed (with who, when and the request id) as JSON and CSV; nobody else gets anything.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import { control } from "@/emulator/test/helpers";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

let currentUser: unknown = null;
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined }) }));
vi.mock("@/lib/auth", () => ({ getCurrentUser: async () => currentUser }));

let harness: Harness;
let db: typeof import("@/lib/db");
let route: typeof import("@/app/api/onboardings/[id]/receipt/route");

beforeAll(async () => {
  harness = await startPortalHarness();
  db = await import("@/lib/db");
  route = await import("@/app/api/onboardings/[id]/receipt/route");
}, 120_000);

afterAll(async () => {
  await db?.closeDb();
  await harness?.emu.close();
});

function get(id: string, format: string) {
  const request = new Request(`http://localhost:3000/api/onboardings/${id}/receipt?format=${format}`);
  return route.GET(request, { params: Promise.resolve({ id }) });
}

describe("audit receipt", () => {
  it("exports what was created and removed, for the owner only", async () => {
    const tenant: SeedResult = await control(harness.emu).seed({ preset: "contoso" });
    const owner = await harness.signIn(tenant.users.appAdmin!.userPrincipalName);
    const colleague = await harness.signIn(tenant.users.billingOwner!.userPrincipalName);
    const { createOnboarding } = await import("@/lib/data/onboardings");
    const { recordAudit } = await import("@/lib/data/audit");
    const { id } = await createOnboarding(owner, { appDisplayName: "vantage", secretExpiryMonths: 12 });
    await recordAudit(id, owner, {
      action: "Create app registration",
      target: "vantage (app-1)",
      requestId: "req-1",
      outcome: "success",
    });
    await recordAudit(id, owner, { action: "Verify connection", target: "acct", outcome: "success" });
    await recordAudit(id, colleague, {
      action: "Remove previous client secret",
      target: '=HYPERLINK("x")',
      requestId: "req-2",
      outcome: "success",
    });

    currentUser = owner;
    const json = await get(id, "json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toContain(`mca-connect-receipt-${id}.json`);
    const body = await json.json();
    expect(body.changes).toEqual([
      expect.objectContaining({
        change: "created",
        action: "Create app registration",
        object: "vantage (app-1)",
        actor: owner.name,
        azureRequestId: "req-1",
        outcome: "success",
      }),
      expect.objectContaining({ change: "removed", actor: colleague.name, azureRequestId: "req-2" }),
    ]);

    const csv = await get(id, "csv");
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("at,change,action,object,actor,outcome,azureRequestId");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(",created,Create app registration,vantage (app-1),");
    // A formula from Azure or a person stays text in a spreadsheet.
    expect(lines[2]).toContain(`"'=HYPERLINK(""x"")"`);

    currentUser = colleague;
    expect((await get(id, "csv")).status).toBe(404);
    currentUser = null;
    expect((await get(id, "json")).status).toBe(401);
    currentUser = owner;
    expect((await get(id, "xml")).status).toBe(400);
    currentUser = null;
  });
});
