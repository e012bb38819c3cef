/**
 * Secret rotation with overlap (issue 10, part 5) through the portal's real code, database, encryption
 * and API route, against the emulator: the new secret is verified and served by /api/v1 while the old
 * one keeps working for the grace period (time moved with fake Date for the portal); after it the old
 * one is gone in Azure. A rotation interrupted at each phase (a runner that died: its lease expired)
 * resumes without a second new secret.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { clientCredentials, control, sleep } from "@/emulator/test/helpers";
import { noDelays, portalHarnessForFile } from "@/scripts/test-support/use-portal-harness";

vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboarding/engine");
let onboardings: typeof import("@/lib/data/onboardings");
let lifecycle: typeof import("@/lib/lifecycle");
let operations: typeof import("@/lib/lifecycle/operations");
let ops: typeof import("@/lib/data/integration-operations");
let db: typeof import("@/lib/db");
let vault: typeof import("@/lib/vault");
let contexts: typeof import("@/lib/secret-contexts");
let apiKeys: typeof import("@/lib/data/api-keys");
let keyTokens: typeof import("@/lib/api-keys");
let getRoute: typeof import("@/app/api/v1/integrations/[id]/route");
let graphClient: typeof import("@/lib/azure/graph");
let tokenBroker: typeof import("@/lib/azure/token-broker");
let endpoints: typeof import("@/lib/azure/endpoints");
let progress: typeof import("@/lib/onboarding/progress");
const report: string[] = [];

beforeAll(async () => {
  engine = await import("@/lib/onboarding/engine");
  onboardings = await import("@/lib/data/onboardings");
  lifecycle = await import("@/lib/lifecycle");
  operations = await import("@/lib/lifecycle/operations");
  ops = await import("@/lib/data/integration-operations");
  db = await import("@/lib/db");
  vault = await import("@/lib/vault");
  contexts = await import("@/lib/secret-contexts");
  apiKeys = await import("@/lib/data/api-keys");
  keyTokens = await import("@/lib/api-keys");
  getRoute = await import("@/app/api/v1/integrations/[id]/route");
  graphClient = await import("@/lib/azure/graph");
  tokenBroker = await import("@/lib/azure/token-broker");
  endpoints = await import("@/lib/azure/endpoints");
  progress = await import("@/lib/onboarding/progress");
}, 120_000);

afterEach(() => {
  vi.useRealTimers();
});

afterAll(() => {
  if (report.length) console.log(`Secret rotation\n${report.join("\n")}`);
});

const hourMs = 3_600_000;

/** A connected onboarding of a fresh tenant, with its Integration and an API key that reads secrets. */
async function connected() {
  const emu = control(portal.current.emu);
  const tenant = await emu.seed({ preset: "contoso", settings: { delays: noDelays } });
  const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
  const { id } = await onboardings.createOnboarding(actor, {
    appDisplayName: "vantage",
    secretExpiryMonths: 12,
  });
  await engine.queueSteps(actor, id, "remaining");
  for (let round = 0; round < 20; round++) {
    await engine.advance(actor, id, { budgetMs: 4_000 });
    const next = engine.nextDueAt(await db.db.onboardingStep.findMany({ where: { onboardingId: id } }));
    if (!next) break;
    await sleep(Math.max(0, Math.min(next.getTime() - Date.now(), 1_000)) + 20);
  }
  const integration = await db.db.integration.findUniqueOrThrow({ where: { onboardingId: id } });
  expect(integration.status).toBe("active");
  const token = keyTokens.newApiKeyToken();
  await apiKeys.createApiKey(actor, {
    tenantId: actor.tenantId,
    name: "cost platform",
    scope: "read_secrets",
    tokenHash: token.tokenHash,
    tokenPrefix: token.tokenPrefix,
  });
  const oldSecret = secretOf(integration);
  return { emu, tenant, actor, onboardingId: id, integration, oldSecret, apiKey: token.token };
}

function secretOf(row: { id: string; secretCiphertext: string; secretEncryptionKeyId: string }) {
  return vault.decryptSecret(
    { ciphertext: row.secretCiphertext, keyId: row.secretEncryptionKeyId },
    contexts.integrationSecretContext(row.id),
  );
}

async function apiRead(integrationId: string, key: string) {
  const request = new Request(`http://localhost:3000/api/v1/integrations/${integrationId}?include=secret`, {
    headers: { authorization: `Bearer ${key}`, "x-forwarded-for": "198.51.100.7" },
  });
  const response = await getRoute.GET(request, { params: Promise.resolve({ id: integrationId }) });
  expect(response.status).toBe(200);
  return (await response.json()) as { clientSecret?: string; secretKeyId: string | null; status: string };
}

type Cred = { keyId: string; displayName?: string };
async function secretsInAzure(w: Awaited<ReturnType<typeof connected>>) {
  const state = (await w.emu.state(w.tenant.tenantId)) as {
    applications: { passwordCredentials: Cred[] }[];
    created: { passwordCredentials: number };
  };
  return {
    keyIds: state.applications.flatMap((a) => a.passwordCredentials.map((c) => c.keyId)).sort(),
    made: state.created.passwordCredentials,
  };
}

async function signsIn(w: Awaited<ReturnType<typeof connected>>, secret: string) {
  const reply = await clientCredentials(
    portal.current.emu,
    w.tenant.tenantId,
    w.integration.clientId,
    secret,
  );
  return reply.status === 200 ? "ok" : String((reply.body as { error_codes?: number[] }).error_codes?.[0]);
}

async function operationOf(integrationId: string) {
  return db.db.integrationOperation.findFirstOrThrow({
    where: { integrationId },
    orderBy: { createdAt: "desc" },
  });
}

/** The operation's runner died: its lease ran out with nobody to renew it. */
async function runnerDied(operationId: string) {
  await db.db.integrationOperation.update({
    where: { id: operationId },
    data: { leaseOwner: "dead-instance:run", leaseExpiresAt: new Date(Date.now() - 1000) },
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
