/**
 * Disconnect (issue 10, part 6) through the portal's real code against the emulator: a typed
 * confirmation, then the role assignment, the secrets, the service principal and the app are removed,
 * each audited with Azure's request id; the emulator is left with none of them, the API answers
 * "disconnected" without a secret, and a run interrupted after Azure acted resumes (404 = gone). An
 * Application Administrator, whom Azure refuses the billing role removal, is told who can do it, and
 * nothing is lost.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

import { sleep } from "@/emulator/test/helpers";
import {
  connectedOnboarding,
  inAzure,
  runnerDied,
  secretOf,
  signsIn,
  type Connected,
} from "@/test/support/integrations";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const portal = portalHarnessForFile();
let lifecycle: typeof import("@/lib/integrations/manage");
let operations: typeof import("@/lib/integrations/operations");
let ops: typeof import("@/lib/data/integration-operations");
let integrations: typeof import("@/lib/data/integrations");
let db: typeof import("@/lib/db");
let receiptRows: typeof import("@/lib/onboardings/receipt").receiptRows;
let listAuditForReceipt: typeof import("@/lib/data/audit").listAuditForReceipt;

beforeAll(async () => {
  lifecycle = await import("@/lib/integrations/manage");
  operations = await import("@/lib/integrations/operations");
  ops = await import("@/lib/data/integration-operations");
  integrations = await import("@/lib/data/integrations");
  db = await import("@/lib/db");
  receiptRows = (await import("@/lib/onboardings/receipt")).receiptRows;
  listAuditForReceipt = (await import("@/lib/data/audit")).listAuditForReceipt;
}, 120_000);

/** What of the integration is left in Azure. */
async function leftInAzure(w: Connected) {
  const { keyIds, application, servicePrincipal, roleAssignments } = await inAzure(w);
  return { application, secrets: keyIds.length, servicePrincipal, roleAssignments };
}

const nothingLeft = { application: false, secrets: 0, servicePrincipal: false, roleAssignments: 0 };
const everything = { application: true, secrets: 1, servicePrincipal: true, roleAssignments: 1 };

describe("disconnect", () => {
  it("asks for the typed name, then leaves Azure with none of the objects and the API with no secret", async () => {
    const w = await connectedOnboarding(portal);
    expect(await leftInAzure(w)).toEqual(everything);
    await expect(lifecycle.startDisconnect(w.actor, w.integration.id, "vantag")).rejects.toThrow(
      /Type the billing account's name or the app's name/,
    );
    expect(await leftInAzure(w)).toEqual(everything);

    const operationId = await lifecycle.startDisconnect(w.actor, w.integration.id, " VANTAGE ");
    const op = await ops.getOperation(operationId);
    expect(op.status).toBe("done");
    expect(await leftInAzure(w)).toEqual(nothingLeft);
    expect(await signsIn(portal, w, w.secret)).not.toBe("ok");

    const after = await integrations.getIntegrationForKey(
      { reach: "tenants", tenantIds: [w.integration.tenantId] },
      w.integration.id,
      {
        withSecret: true,
      },
    );
    expect(after?.status).toBe("disconnected");
    expect(after).not.toHaveProperty("clientSecret");
    const row = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(await secretOf(row)).toBe("");
    expect(
      await db.db.integrationEvent.count({
        where: { integrationId: w.integration.id, type: "integration.disconnected" },
      }),
    ).toBe(1);
    const audit = await db.db.auditEvent.findMany({
      where: { onboardingId: w.onboarding.id, at: { gte: op.createdAt } },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "Remove Billing account reader role assignment",
      "Remove client secret",
      "Delete service principal",
      "Delete app registration",
    ]);
    for (const a of audit) expect(a.azureRequestId, a.action).toBeTruthy();
    // The receipt lists each removal with its request id.
    const receipt = receiptRows(await listAuditForReceipt(w.actor, w.onboarding.id)).filter(
      (r) => r.change === "removed" && r.at >= op.createdAt.toISOString(),
    );
    expect(receipt.map((r) => [r.action, r.azureRequestId])).toEqual(
      audit.map((a) => [a.action, a.azureRequestId]),
    );
    expect(Object.keys(op.timeline as object)).toEqual(
      expect.arrayContaining([
        "roleRemoved",
        "secretsRemoved",
        "servicePrincipalRemoved",
        "applicationRemoved",
      ]),
    );

    // Pasting credentials by hand into the disconnected onboarding is refused before anything is
    // written: the disconnected integration gets no secret back.
    const { submitPasteBack } = await import("@/lib/onboardings/manual/paste-back");
    const before = await db.db.onboarding.findUniqueOrThrow({ where: { id: w.onboarding.id } });
    const pasted = await submitPasteBack(
      w.actor,
      w.onboarding.id,
      {
        tenantId: w.tenant.tenantId,
        clientId: w.onboarding.clientId!,
        clientSecret: w.secret,
        billingAccountId: w.onboarding.billingAccountName!,
      },
      { budgetMs: 2_000 },
    );
    expect(pasted.ok).toBe(false);
    expect(pasted.message).toMatch(/disconnected: its app, secret and role are gone/);
    const unchanged = await db.db.onboarding.findUniqueOrThrow({ where: { id: w.onboarding.id } });
    expect(unchanged.secretCiphertext).toBe(before.secretCiphertext);
    expect(unchanged.clientId).toBe(before.clientId);
    const stillGone = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(stillGone.status).toBe("disconnected");
    expect(await secretOf(stillGone)).toBe("");

    // Again: refused with a message; nothing changes.
    await expect(lifecycle.startDisconnect(w.actor, w.integration.id, "vantage")).rejects.toThrow(
      /already disconnected/,
    );
  });

  it("resumes a run interrupted after Azure deleted the app and before we noted it (404 = already gone)", async () => {
    const w = await connectedOnboarding(portal);
    // Azure deletes the app, then holds its answer for 3 s: the runner is taken over meanwhile.
    await w.emu.post("/faults", {
      method: "DELETE",
      path: "/applications/",
      tenantId: w.tenant.tenantId,
      latencyMs: 3000,
      after: true,
      count: 1,
    });
    const slow = lifecycle.startDisconnect(w.actor, w.integration.id, "vantage", { budgetMs: 20_000 });
    while ((await leftInAzure(w)).application) await sleep(20);
    const op = await db.db.integrationOperation.findFirstOrThrow({
      where: { integrationId: w.integration.id },
    });
    await runnerDied(op.id);
    await operations.runDueOperations(new Date());
    await slow;
    const done = await ops.getOperation(op.id);
    expect(done.status).toBe("done");
    expect(await leftInAzure(w)).toEqual(nothingLeft);
    const deletes = await db.db.auditEvent.findMany({
      where: { onboardingId: w.onboarding.id, action: "Delete app registration" },
    });
    expect(deletes.length).toBeGreaterThanOrEqual(1);
    expect(deletes.every((d) => d.outcome === "success")).toBe(true);
    expect(
      await db.db.integrationEvent.count({
        where: { integrationId: w.integration.id, type: "integration.disconnected" },
      }),
    ).toBe(1);
    expect((await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } })).status).toBe(
      "disconnected",
    );
  });

  it("tells an Application Administrator who may remove the billing role, and loses nothing", async () => {
    const w = await connectedOnboarding(portal);
    // Alex (Application Administrator, billing reader) holds this integration.
    const alex = await portal.current.signIn(w.tenant.users.appAdmin!.userPrincipalName);
    await db.db.integration.update({ where: { id: w.integration.id }, data: { ownerId: alex.id } });
    await db.db.onboarding.update({ where: { id: w.onboarding.id }, data: { ownerId: alex.id } });
    const operationId = await lifecycle.startDisconnect(alex, w.integration.id, "vantage");
    const op = await ops.getOperation(operationId);
    expect(op.status).toBe("needs_attention");
    expect((op.error as { message: string }).message).toMatch(/only a Billing account owner/);
    expect((op.error as { resolution: string }).resolution).toBe("needs-billing-owner");
    expect(await leftInAzure(w)).toEqual(everything);
    const still = await integrations.getIntegrationForKey(
      { reach: "tenants", tenantIds: [w.integration.tenantId] },
      w.integration.id,
      {
        withSecret: true,
      },
    );
    expect(still?.status).toBe("active");
    expect(still?.clientSecret).toBe(w.secret);
    const refused = await db.db.auditEvent.findFirstOrThrow({
      where: { onboardingId: w.onboarding.id, action: "Remove Billing account reader role assignment" },
    });
    expect(refused.outcome).toBe("failure");
    expect(refused.azureRequestId).toBeTruthy();
  });
});
