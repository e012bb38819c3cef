/**
 * Secret rotation with overlap (issue 10, part 5) through the portal's real code, database, encryption
 * and API route, against the emulator: the new secret is verified and served by /api/v1 while the old
 * one keeps working for the grace period (time moved with fake Date for the portal); after it the old
 * one is gone in Azure. A rotation interrupted at each phase (a runner that died: its lease expired)
 * resumes without a second new secret.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { sleep } from "@/emulator/test/helpers";
import {
  connectedOnboarding,
  inAzure,
  runnerDied,
  signsIn as signsInAs,
  type Connected,
} from "@/test/support/integrations";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const portal = portalHarnessForFile();
let lifecycle: typeof import("@/lib/integrations/manage");
let engine: typeof import("@/lib/onboardings/engine");
let operations: typeof import("@/lib/integrations/operations");
let ops: typeof import("@/lib/data/integration-operations");
let db: typeof import("@/lib/db");
let apiKeys: typeof import("@/lib/data/api-keys");
let keyTokens: typeof import("@/lib/api/keys");
let getRoute: typeof import("@/app/api/v1/integrations/[id]/route");
let graphClient: typeof import("@/lib/azure/graph");
let tokenBroker: typeof import("@/lib/azure/token-broker");
let endpoints: typeof import("@/lib/azure/endpoints");
let progress: typeof import("@/lib/onboardings/progress");
const report: string[] = [];

beforeAll(async () => {
  lifecycle = await import("@/lib/integrations/manage");
  engine = await import("@/lib/onboardings/engine");
  operations = await import("@/lib/integrations/operations");
  ops = await import("@/lib/data/integration-operations");
  db = await import("@/lib/db");
  apiKeys = await import("@/lib/data/api-keys");
  keyTokens = await import("@/lib/api/keys");
  getRoute = await import("@/app/api/v1/integrations/[id]/route");
  graphClient = await import("@/lib/azure/graph");
  tokenBroker = await import("@/lib/azure/token-broker");
  endpoints = await import("@/lib/azure/endpoints");
  progress = await import("@/lib/onboardings/progress");
}, 120_000);

afterEach(() => {
  vi.useRealTimers();
});

afterAll(() => {
  if (report.length) console.log(`Secret rotation\n${report.join("\n")}`);
});

const hourMs = 3_600_000;

/** A connected onboarding of a fresh tenant, with an API key that reads secrets. */
async function connected() {
  const w = await connectedOnboarding(portal);
  const token = keyTokens.newApiKeyToken();
  // Made with the headless command (no one signed in), reaching this tenant.
  await apiKeys.createApiKey(null, {
    reach: "tenants",
    tenantIds: [w.actor.tenantId],
    name: "cost platform",
    scope: "read_secrets",
    tokenHash: token.tokenHash,
    tokenPrefix: token.tokenPrefix,
  });
  return { ...w, oldSecret: w.secret, apiKey: token.token };
}

async function apiRead(integrationId: string, key: string) {
  const request = new Request(`http://localhost:3000/api/v1/integrations/${integrationId}?include=secret`, {
    headers: { authorization: `Bearer ${key}`, "x-forwarded-for": "198.51.100.7" },
  });
  const response = await getRoute.GET(request, { params: Promise.resolve({ id: integrationId }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { clientSecret?: string; secretKeyId: string | null; status: string };
}

async function secretsInAzure(w: Connected) {
  const { keyIds, made } = await inAzure(w);
  return { keyIds, made };
}

const signsIn = (w: Connected, secret: string) => signsInAs(portal, w, secret);

async function operationOf(integrationId: string) {
  return db.db.integrationOperation.findFirstOrThrow({
    where: { integrationId },
    orderBy: { createdAt: "desc" },
  });
}

describe("secret rotation", () => {
  it("keeps both secrets working through the grace period, serves the new one, then removes the old one", async () => {
    const w = await connected();
    const before = await secretsInAzure(w);
    expect(before.keyIds).toEqual([w.integration.secretKeyId]);

    const started = Date.now();
    const operationId = await lifecycle.startRotation(w.actor, w.integration.id);
    let op = await ops.getOperation(operationId);
    expect(op.phase).toBe("grace");
    expect(op.removeAfter!.getTime() - Date.parse((op.timeline as Record<string, string>).delivered!)).toBe(
      24 * hourMs,
    );

    // During the grace period: the API serves the new secret; both sign in as the app.
    const served = await apiRead(w.integration.id, w.apiKey);
    expect(served.secretKeyId).toBe(op.newKeyId);
    expect(served.clientSecret).toBeTruthy();
    expect(served.clientSecret).not.toBe(w.oldSecret);
    expect(await signsIn(w, served.clientSecret!)).toBe("ok");
    expect(await signsIn(w, w.oldSecret)).toBe("ok");
    expect((await secretsInAzure(w)).keyIds).toEqual([w.integration.secretKeyId!, op.newKeyId!].sort());
    const events = await db.db.integrationEvent.findMany({
      where: { integrationId: w.integration.id, type: "integration.secret_rotated" },
    });
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0]!.data)).not.toContain(served.clientSecret!);

    // The page's poller rests through a grace period of hours.
    expect((await progress.progressSnapshot(w.actor, w.onboardingId))?.active).toBe(false);

    // An hour before the end of the grace period the job leaves the old secret alone.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(op.removeAfter!.getTime() - hourMs);
    await operations.runDueOperations(new Date());
    expect(await signsIn(w, w.oldSecret)).toBe("ok");
    expect((await ops.getOperation(operationId)).phase).toBe("grace");

    // After it, the job removes the old secret with the admin's delegated token.
    vi.setSystemTime(op.removeAfter!.getTime() + 60_000);
    await operations.runDueOperations(new Date());
    vi.useRealTimers();
    op = await ops.getOperation(operationId);
    expect(op.status).toBe("done");
    expect(op.openKey).toBeNull();
    expect(op.newSecretCiphertext).toBeNull();
    const after = await secretsInAzure(w);
    expect(after.keyIds).toEqual([op.newKeyId]);
    expect(after.made).toBe(before.made + 1);
    expect(await signsIn(w, w.oldSecret)).toBe("7000215");
    expect(await signsIn(w, served.clientSecret!)).toBe("ok");
    expect((await apiRead(w.integration.id, w.apiKey)).clientSecret).toBe(served.clientSecret);

    const audit = await db.db.auditEvent.findMany({
      where: { onboardingId: w.onboardingId, action: { contains: "rotation" } },
      orderBy: { at: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual([
      "Add client secret (rotation)",
      "Verify new client secret (rotation)",
      "Remove old client secret (rotation, after grace period)",
    ]);
    for (const a of audit) expect(a.azureRequestId).toBeTruthy();
    const t = op.timeline as Record<string, string>;
    const rel = (iso: string) => `+${((Date.parse(iso) - started) / 1000).toFixed(2)} s`;
    report.push(
      `  started ${new Date(started).toISOString()}; added ${rel(t.added!)}, verified ${rel(t.verified!)}, delivered ${rel(t.delivered!)}, old removed ${rel(t.oldRemoved!)} (grace 24 h, portal clock moved)`,
    );
  });

  it("waits for the admin to sign in when their delegated token is gone at the end of the grace period", async () => {
    const w = await connected();
    const operationId = await lifecycle.startRotation(w.actor, w.integration.id);
    const op = await ops.getOperation(operationId);
    await tokenBroker.forgetAccount(w.actor.homeAccountId);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(op.removeAfter!.getTime() + 1000);
    await operations.runDueOperations(new Date());
    vi.useRealTimers();
    const waiting = await ops.getOperation(operationId);
    expect(waiting.status).toBe("awaiting_sign_in");
    expect((waiting.error as { message: string }).message).toMatch(/sign in again/);
    const view = await ops.getIntegrationLifecycleView(w.actor, w.integration.id);
    expect(view?.rotation?.status).toBe("awaiting_sign_in");
    expect(await signsIn(w, w.oldSecret)).toBe("ok");

    // Signing in again brings it forward.
    await portal.current.signIn(w.tenant.users.admin!.userPrincipalName);
    await operations.runDueOperations(new Date(Date.now() + 1));
    const done = await ops.getOperation(operationId);
    expect(done.status).toBe("done");
    expect((await secretsInAzure(w)).keyIds).toEqual([done.newKeyId]);
  });
});

describe("a rotation interrupted at each phase resumes without a second new secret", () => {
  it("after Azure made the new secret and before it was stored", async () => {
    const w = await connected();
    const { operation } = await ops.startOperation({
      integrationId: w.integration.id,
      onboardingId: w.onboardingId,
      tenantId: w.integration.tenantId,
      kind: "rotate_secret",
      phase: "add",
      actorId: w.actor.id,
      retiringKeyId: w.integration.secretKeyId,
      graceMs: hourMs,
    });
    // What the dead runner did: addPassword answered, then the process was gone before our write.
    const graph = new graphClient.GraphClient(
      tokenBroker.delegatedCredential(w.actor.homeAccountId, w.integration.tenantId, "graph"),
      endpoints.azureEndpoints(),
    );
    const onboarding = await db.db.onboarding.findUniqueOrThrow({ where: { id: w.onboardingId } });
    const lost = await graph.addPassword(
      onboarding.applicationObjectId!,
      "vantage-secret",
      new Date(Date.now() + 30 * 86_400_000),
    );
    await runnerDied(operation.id);
    const madeBefore = (await secretsInAzure(w)).made;

    await operations.runDueOperations(new Date());
    const op = await ops.getOperation(operation.id);
    expect(op.phase).toBe("grace");
    const azure = await secretsInAzure(w);
    // The lost secret (no one holds its value) is gone; one new secret was made in its place.
    expect(azure.keyIds).toEqual([w.integration.secretKeyId!, op.newKeyId!].sort());
    expect(azure.keyIds).not.toContain(lost.keyId);
    expect(azure.made).toBe(madeBefore + 1);
    expect(await signsIn(w, lost.secretText)).toBe("7000215");
  });

  it("while a slow addPassword's runner is taken over (fenced: its secret is dropped)", async () => {
    const w = await connected();
    const madeBefore = (await secretsInAzure(w)).made;
    // Azure makes the secret, then holds its answer for 2.5 s.
    await w.emu.post("/faults", {
      method: "POST",
      path: "addPassword$",
      tenantId: w.tenant.tenantId,
      latencyMs: 2500,
      after: true,
      count: 1,
    });
    const slow = lifecycle.startRotation(w.actor, w.integration.id, { budgetMs: 20_000 });
    let op = await operationOf(w.integration.id).catch(() => null);
    while (!op || (await secretsInAzure(w)).made === madeBefore) {
      await sleep(20);
      op = await operationOf(w.integration.id).catch(() => null);
    }
    await runnerDied(op.id);
    await operations.runOperation(op.id, { budgetMs: 20_000 });
    await slow;
    op = await ops.getOperation(op.id);
    expect(op.phase).toBe("grace");
    const azure = await secretsInAzure(w);
    expect(azure.keyIds).toEqual([w.integration.secretKeyId!, op.newKeyId!].sort());
    expect(azure.made).toBe(madeBefore + 2);
  });

  it("while verifying, while delivering, during the grace period and while removing the old secret", async () => {
    const w = await connected();
    // Cost Management fails for a while: the rotation waits in "verify" with its new secret stored.
    const costFault = await w.emu.post<{ id: string }>("/faults", {
      method: "POST",
      path: "Microsoft.CostManagement/query",
      tenantId: w.tenant.tenantId,
      status: 503,
      count: 1000,
    });
    const operationId = await lifecycle.startRotation(w.actor, w.integration.id, { budgetMs: 1_500 });
    let op = await ops.getOperation(operationId);
    expect(op.phase).toBe("verify");
    expect(op.newKeyId).toBeTruthy();
    // Waiting for Azure: the page's poller keeps looking, and sees the rotation move.
    const waiting = await progress.progressSnapshot(w.actor, w.onboardingId);
    expect(waiting?.active).toBe(true);
    expect((await w.emu.del(`/faults/${costFault.body.id}`)).status).toBe(204);
    const made = (await secretsInAzure(w)).made;
    const newKeyId = op.newKeyId;

    // Died while verifying: taken over, verified, delivered.
    await runnerDied(operationId);
    await operations.runOperation(operationId, { budgetMs: 10_000 });
    op = await ops.getOperation(operationId);
    expect(op.phase).toBe("grace");
    expect(op.newKeyId).toBe(newKeyId);
    expect((await progress.progressSnapshot(w.actor, w.onboardingId))?.fingerprint).not.toBe(
      waiting?.fingerprint,
    );

    // Died between the hand-over's commit and the next phase: delivered once, one event.
    await db.db.integrationOperation.update({ where: { id: operationId }, data: { phase: "deliver" } });
    await runnerDied(operationId);
    await operations.runOperation(operationId);
    expect((await ops.getOperation(operationId)).phase).toBe("grace");
    expect(
      await db.db.integrationEvent.count({
        where: { integrationId: w.integration.id, type: "integration.secret_rotated" },
      }),
    ).toBe(1);

    // Died during the grace period, and again after Azure removed the old secret but before we noted it.
    await runnerDied(operationId);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(op.removeAfter!.getTime() + 1000);
    const graph = new graphClient.GraphClient(
      tokenBroker.delegatedCredential(w.actor.homeAccountId, w.integration.tenantId, "graph"),
      endpoints.azureEndpoints(),
    );
    const onboarding = await db.db.onboarding.findUniqueOrThrow({ where: { id: w.onboardingId } });
    await graph.removePassword(onboarding.applicationObjectId!, w.integration.secretKeyId!);
    await db.db.integrationOperation.update({ where: { id: operationId }, data: { phase: "remove-old" } });
    await operations.runDueOperations(new Date());
    vi.useRealTimers();
    op = await ops.getOperation(operationId);
    expect(op.status).toBe("done");
    const azure = await secretsInAzure(w);
    expect(azure.keyIds).toEqual([newKeyId]);
    expect(azure.made).toBe(made);
  });
});

describe("redoing step 2 while a rotation is open", () => {
  it("is refused with a message during the grace period, and both secrets keep working", async () => {
    const w = await connected();
    const operationId = await lifecycle.startRotation(w.actor, w.integration.id);
    const op = await ops.getOperation(operationId);
    expect(op.phase).toBe("grace");
    const both = [w.integration.secretKeyId!, op.newKeyId!].sort();

    // An EngineError: the step's button gets its message (lib/actions/safe-action.ts).
    const refused = await engine
      .queueSteps(w.actor, w.onboardingId, "client-secret")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(engine.EngineError);
    expect((refused as Error).message).toMatch(
      /^A secret rotation is under way: the old secret keeps working until .* UTC\./,
    );
    await engine.advance(w.actor, w.onboardingId, { budgetMs: 4_000 });
    expect((await secretsInAzure(w)).keyIds).toEqual(both);
    expect(await signsIn(w, w.oldSecret)).toBe("ok");
    const step = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: w.onboardingId, stepId: "client-secret" } },
    });
    expect(step.status).toBe("done");
    // After the grace period the rotation finishes; then step 2 may be redone.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(op.removeAfter!.getTime() + 1000);
    await operations.runDueOperations(new Date());
    vi.useRealTimers();
    expect((await ops.getOperation(operationId)).status).toBe("done");
    await engine.queueSteps(w.actor, w.onboardingId, "client-secret");
  });

  it("a step 2 queued just before a rotation started waits for it instead of removing its secrets", async () => {
    const w = await connected();
    // The race: step 2's redo was queued, then a rotation began before the step ran.
    await engine.queueSteps(w.actor, w.onboardingId, "client-secret");
    await expect(lifecycle.startRotation(w.actor, w.integration.id)).rejects.toThrow(
      /^Step 2 is being redone/,
    );
    const { operation } = await ops.startOperation({
      integrationId: w.integration.id,
      onboardingId: w.onboardingId,
      tenantId: w.integration.tenantId,
      kind: "rotate_secret",
      phase: "add",
      actorId: w.actor.id,
      retiringKeyId: w.integration.secretKeyId,
      graceMs: hourMs,
    });
    await operations.runOperation(operation.id);
    const op = await ops.getOperation(operation.id);
    expect(op.phase).toBe("grace");
    await engine.advance(w.actor, w.onboardingId, { budgetMs: 4_000 });
    const step = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: w.onboardingId, stepId: "client-secret" } },
    });
    expect(step.status).toBe("needs_attention");
    expect((step.error as { message: string }).message).toMatch(/A secret rotation is under way/);
    expect((await secretsInAzure(w)).keyIds).toEqual([w.integration.secretKeyId!, op.newKeyId!].sort());
    expect(await signsIn(w, w.oldSecret)).toBe("ok");
  });
});

describe("rotating the secret of a failing integration", () => {
  it("records the rotation's successful verification: the integration is active again, with no event but secret_rotated", async () => {
    const w = await connected();
    const integrations = await import("@/lib/data/integrations");
    await integrations.recordVerification(w.integration.id, {
      ok: false,
      message: "The client secret has expired.",
      code: "AADSTS7000222",
      reason: "secret-expired",
    });
    const failing = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(failing.status).toBe("failing");
    const eventsBefore = await db.db.integrationEvent.count({ where: { integrationId: w.integration.id } });

    await lifecycle.startRotation(w.actor, w.integration.id);
    const after = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(after.status).toBe("active");
    expect(after.lastVerifiedAt!.getTime()).toBeGreaterThan(failing.updatedAt.getTime());
    expect(after.lastVerification).toMatchObject({ ok: true });
    expect(typeof after.monthCostAmount).toBe("number");
    expect((await apiRead(w.integration.id, w.apiKey)).status).toBe("active");
    const events = await db.db.integrationEvent.findMany({
      where: { integrationId: w.integration.id },
      orderBy: { at: "asc" },
      skip: eventsBefore,
    });
    expect(events.map((e) => e.type)).toEqual(["integration.secret_rotated"]);
  });

  it("leaves a failing integration failing while the new secret does not verify", async () => {
    const w = await connected();
    const integrations = await import("@/lib/data/integrations");
    await integrations.recordVerification(w.integration.id, {
      ok: false,
      message: "The app has no read access to the billing account.",
      reason: "no-billing-read",
    });
    // Cost Management refuses the app (403): the rotation keeps waiting in "verify", not handed over.
    await w.emu.post("/faults", {
      method: "POST",
      path: "Microsoft.CostManagement/query",
      tenantId: w.tenant.tenantId,
      status: 403,
      count: 1000,
    });
    const operationId = await lifecycle.startRotation(w.actor, w.integration.id, { budgetMs: 1_500 });
    expect((await ops.getOperation(operationId)).phase).toBe("verify");
    const after = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(after.status).toBe("failing");
    expect(after.secretKeyId).toBe(w.integration.secretKeyId);
  });
});
