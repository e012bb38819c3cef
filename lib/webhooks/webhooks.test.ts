/**
 * Webhooks end to end in-process: endpoints made by the portal's own action, events recorded in the
 * outbox, the background jobs fanning out and delivering to a real HTTP server on 127.0.0.1, which
 * checks every signature with the receiver's verifier (lib/webhooks/verify.ts). Time is passed to the
 * jobs as `now`, so retries are walked through without waiting. On PostgreSQL when TEST_POSTGRES_URL
 * is set, else PGlite.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { control } from "@/emulator/test/helpers";
import { computeSignature, verifyWebhook, WebhookVerificationError } from "@/lib/webhooks/verify";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";
import { createPostgresDatabase, TEST_POSTGRES_URL } from "@/test/support/test-engines";

let currentUser: unknown = null;
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/auth", () => ({ getCurrentUser: async () => currentUser }));

type Actor = Awaited<ReturnType<Harness["signIn"]>>;
type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };
type Answer = { status: number; headers?: Record<string, string>; delayMs?: number; hang?: boolean };

let harness: Harness;
let db: typeof import("@/lib/db");
let actions: typeof import("@/lib/actions/webhooks");
let jobs: typeof import("@/lib/webhooks/jobs");
let events: typeof import("@/lib/data/integration-events");
let integrations: typeof import("@/lib/data/integrations");
let owner: Actor;
let stranger: Actor;
/** The one person OPERATORS names: webhook endpoints are theirs, each reaching every tenant or chosen ones. */
let operator: Actor;
const receivers: http.Server[] = [];
let dropDatabase: (() => Promise<void>) | undefined;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked by path strings
let document: Record<string, any>;

/** Checks a delivered body against what the served OpenAPI document's `webhooks` say of its type. */
function expectDocumented(body: string) {
  const payload = JSON.parse(body) as { type: string };
  const declared = document.webhooks[payload.type]?.post;
  expect(declared, `${payload.type} is documented`).toBeDefined();
  const ref = declared.requestBody.content["application/json"].schema.$ref as string;
  const validate = ajv.compile({ $ref: `https://mca-connect.test/openapi.json${ref}` });
  expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
  expect(declared.parameters.map((p: { name: string }) => p.name)).toEqual([
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
  ]);
}

beforeAll(async () => {
  // On PostgreSQL (TEST_POSTGRES_URL) the concurrent runs below race on real separate connections.
  const env: Record<string, string> = { WEBHOOK_ALLOW_INSECURE_LOCALHOST: "true" };
  if (TEST_POSTGRES_URL) {
    const created = await createPostgresDatabase();
    const { applyMigrations } = await import("@/lib/db/migrations");
    await applyMigrations(created.url);
    dropDatabase = created.drop;
    env.DATABASE_URL = created.url;
  }
  harness = await startPortalHarness({ env });
  db = await import("@/lib/db");
  actions = await import("@/lib/actions/webhooks");
  jobs = await import("@/lib/webhooks/jobs");
  events = await import("@/lib/data/integration-events");
  integrations = await import("@/lib/data/integrations");
  const { openApiDocument } = await import("@/lib/api/openapi");
  document = openApiDocument("http://localhost:3000");
  ajv.addSchema({ $id: "https://mca-connect.test/openapi.json", components: document.components });
  const tenant = await control(harness.emu).seed({ preset: "contoso" });
  const other = await control(harness.emu).seed({ preset: "contoso" });
  owner = await harness.signIn(tenant.users.admin!.userPrincipalName);
  stranger = await harness.signIn(other.users.admin!.userPrincipalName);
  operator = await harness.signInOperator();
}, 120_000);

afterEach(async () => {
  // Each test starts with no endpoint (and so no delivery) left by another.
  await db.db.webhookEndpoint.deleteMany({});
  await db.db.integrationEvent.deleteMany({});
});

afterAll(async () => {
  for (const server of receivers) server.close();
  await db?.closeDb();
  await harness?.emu.close();
  await dropDatabase?.();
});

/** A receiver on 127.0.0.1 that answers the n-th request (0-based) with `answer(n)`. */
async function receiver(answer: (n: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const n = received.length;
      received.push({
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      const a = answer(n);
      if (a.hang) return;
      setTimeout(() => response.writeHead(a.status, a.headers).end("ok"), a.delayMs ?? 0);
    });
  });
  receivers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/mca`, port, received };
}

async function integration(of: Actor, secret = `S3cr~${crypto.randomUUID()}`) {
  const { encryptSecret } = await import("@/lib/crypto/vault");
  const { integrationSecretContext } = await import("@/lib/crypto/contexts");
  const id = `int_${crypto.randomUUID()}`;
  const sealed = encryptSecret(secret, integrationSecretContext(id));
  await db.db.integration.create({
    data: {
      id,
      ownerId: of.id,
      tenantId: of.tenantId,
      clientId: crypto.randomUUID(),
      secretCiphertext: sealed.ciphertext,
      secretEncryptionKeyId: sealed.keyId,
      secretKeyId: crypto.randomUUID(),
      secretHint: secret.slice(0, 3),
      secretExpiresAt: new Date(Date.now() + 365 * 86_400_000),
      billingAccountName: `${crypto.randomUUID()}:${crypto.randomUUID()}_2019-05-31`,
      billingAccountDisplayName: "Contoso",
      status: "pending",
    },
  });
  return { id, secret };
}

function form(fields: Record<string, string | string[]>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) data.append(key, item);
  return data;
}

async function as<T>(actor: Actor, fn: () => Promise<T>): Promise<T> {
  currentUser = actor;
  try {
    return await fn();
  } finally {
    currentUser = null;
  }
}

/** The operator adds an endpoint reaching the listed tenants (the owner's by default) or every tenant. */
async function addEndpoint(
  url: string,
  eventTypes = [...allTypes],
  tenants: string[] | "all" = [owner.tenantId],
) {
  const reach: Record<string, string> =
    tenants === "all" ? { reach: "all-tenants" } : { reach: "tenants", tenantIds: tenants.join("\n") };
  const result = await as(operator, () =>
    actions.createWebhookEndpointAction(
      null,
      form({ url, eventTypes, description: "cost platform", ...reach }),
    ),
  );
  if (!result.ok) throw new Error(result.message);
  return result.data;
}

const allTypes = [
  "integration.connected",
  "integration.secret_rotated",
  "integration.verification_failing",
  "integration.secret_expiring",
  "integration.disconnected",
];

async function deliveries(endpointId: string) {
  return db.db.webhookDelivery.findMany({ where: { endpointId }, orderBy: { createdAt: "asc" } });
}

async function expectOneQueued(endpointId: string) {
  const [delivery, ...more] = await deliveries(endpointId);
  expect(more).toEqual([]);
  return delivery!;
}

const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

describe("delivery to a real receiver", () => {
  it("signs each event so the receiver's verifier accepts it, and sends ids and facts, never a secret", async () => {
    const mine = await integration(owner);
    const hook = await receiver();
    const endpoint = await addEndpoint(hook.url);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // A narrower endpoint of the same tenant and one of another tenant: neither gets "connected".
    const narrow = await addEndpoint(hook.url.replace("/mca", "/narrow"), ["integration.disconnected"]);
    await integration(stranger);
    const theirs = await addEndpoint(hook.url.replace("/mca", "/theirs"), allTypes, [stranger.tenantId]);
    // And one for every tenant: it gets the owner's events too.
    const everyone = await addEndpoint(hook.url.replace("/mca", "/everyone"), allTypes, "all");

    // Step 5's verification records "connected"; an event that carries a secret by mistake is scrubbed.
    await integrations.recordVerification(mine.id, {
      ok: true,
      amount: 1,
      currency: "USD",
      from: "2026-12-01",
      to: "2026-12-04",
    });
    await events.recordIntegrationEvent({
      tenantId: owner.tenantId,
      integrationId: mine.id,
      type: "integration.secret_rotated",
      data: { clientSecret: mine.secret, nested: { secretText: mine.secret }, newSecretKeyId: "k2" },
    });

    const now = new Date();
    expect(await jobs.fanOutWebhookEvents(now)).toBe(4);
    expect(await jobs.fanOutWebhookEvents(now)).toBe(0);
    expect(await deliveries(narrow.id)).toEqual([]);
    expect((await deliveries(theirs.id)).length).toBe(0);
    expect((await deliveries(everyone.id)).map((d) => d.eventType).sort()).toEqual([
      "integration.connected",
      "integration.secret_rotated",
    ]);
    await jobs.deliverDueWebhooks(now);

    const got = hook.received.filter(
      (r) => r.path === "/hooks/mca" && r.headers["webhook-id"] && r.body.includes(mine.id),
    );
    expect(got).toHaveLength(2);
    const payloads = got.map((r) =>
      verifyWebhook<{ id: string; type: string; createdAt: string; data: Record<string, unknown> }>(
        endpoint.secret,
        r.headers,
        r.body,
      ),
    );
    const connected = payloads.find((p) => p.type === "integration.connected")!;
    const row = await db.db.integration.findUniqueOrThrow({ where: { id: mine.id } });
    expect(connected).toMatchObject({
      type: "integration.connected",
      data: {
        integrationId: mine.id,
        tenantId: owner.tenantId,
        clientId: row.clientId,
        billingAccountName: row.billingAccountName,
        status: "active",
      },
    });
    expect(got.find((r) => r.body.includes("connected"))!.headers["webhook-id"]).toBe(connected.id);
    expect(got[0]!.headers["content-type"]).toBe("application/json");
    for (const r of got) {
      expectDocumented(r.body);
      expect(r.body).not.toContain(mine.secret);
      expect(r.body).not.toContain(endpoint.secret);
      expect(r.body).not.toContain(mine.secret.slice(0, 3) + '"');
      expect(r.body).not.toMatch(/whsec_|clientSecret|secretText/);
      expect(JSON.stringify(r.headers)).not.toContain(endpoint.secret);
    }
    const rotated = payloads.find((p) => p.type === "integration.secret_rotated")!;
    expect(rotated.data).toMatchObject({ newSecretKeyId: "k2", nested: {} });

    for (const d of await deliveries(endpoint.id))
      expect(d).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200, nextAttemptAt: null });
    // Nothing is sent twice.
    await jobs.deliverDueWebhooks(later(now, 3_600_000));
    expect(hook.received.filter((r) => r.body.includes(mine.id))).toHaveLength(4);

    // The signing secret is stored encrypted, and the page's list never carries it.
    const stored = await db.db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(JSON.stringify(stored)).not.toContain(endpoint.secret.slice(6));
    const { listWebhookEndpoints } = await import("@/lib/data/webhooks");
    expect(JSON.stringify(await listWebhookEndpoints(operator))).not.toContain(endpoint.secret.slice(6));
  });

  it("retries 500s with growing, jittered waits, then succeeds with the same webhook-id", async () => {
    const hook = await receiver((n) => ({ status: n < 2 ? 500 : 204 }));
    const endpoint = await addEndpoint(hook.url);
    const mine = await integration(owner);
    await integrations.recordVerification(mine.id, {
      ok: true,
      amount: 0,
      currency: null,
      from: "a",
      to: "b",
    });
    const t0 = new Date();
    await jobs.fanOutWebhookEvents(t0);

    await jobs.deliverDueWebhooks(t0);
    let d = await expectOneQueued(endpoint.id);
    expect(d).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: 500,
      lastError: "answered 500",
    });
    const wait1 = d.nextAttemptAt!.getTime() - t0.getTime();
    expect(wait1).toBeGreaterThanOrEqual(24_000);
    expect(wait1).toBeLessThanOrEqual(36_000);

    // Not yet due: nothing is sent.
    await jobs.deliverDueWebhooks(later(t0, 20_000));
    expect(hook.received).toHaveLength(1);

    const t1 = later(t0, 40_000);
    await jobs.deliverDueWebhooks(t1);
    d = await expectOneQueued(endpoint.id);
    expect(d).toMatchObject({ status: "pending", attempts: 2, lastStatusCode: 500 });
    const wait2 = d.nextAttemptAt!.getTime() - t1.getTime();
    expect(wait2).toBeGreaterThanOrEqual(96_000);
    expect(wait2).toBeLessThanOrEqual(144_000);

    await jobs.deliverDueWebhooks(later(t1, 150_000));
    d = await expectOneQueued(endpoint.id);
    expect(d).toMatchObject({ status: "succeeded", attempts: 3, lastStatusCode: 204, lastError: null });
    expect(d.deliveredAt).not.toBeNull();
    expect(hook.received).toHaveLength(3);
    expect(new Set(hook.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    for (const r of hook.received)
      expect(() => verifyWebhook(endpoint.secret, r.headers, r.body)).not.toThrow();
  });

  it("gives up at once on 410 Gone, and after 8 attempts on a receiver that keeps failing", async () => {
    const gone = await receiver(() => ({ status: 410 }));
    const goneEndpoint = await addEndpoint(gone.url);
    const broken = await receiver(() => ({ status: 503 }));
    const brokenEndpoint = await addEndpoint(broken.url.replace("/mca", "/broken"));
    const mine = await integration(owner);
    await integrations.recordVerification(mine.id, {
      ok: true,
      amount: 0,
      currency: null,
      from: "a",
      to: "b",
    });
    let now = new Date();
    await jobs.fanOutWebhookEvents(now);
    await jobs.deliverDueWebhooks(now);
    expect(await expectOneQueued(goneEndpoint.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastStatusCode: 410,
      nextAttemptAt: null,
    });

    // The schedule: 30 s × 4^(n-1), at most 12 h, ±20 %.
    const expected = [30, 120, 480, 1920, 7680, 30720, 43200].map((s) => s * 1000);
    for (const [i, base] of expected.entries()) {
      const d = await expectOneQueued(brokenEndpoint.id);
      expect(d).toMatchObject({ status: "pending", attempts: i + 1, lastStatusCode: 503 });
      const wait = d.nextAttemptAt!.getTime() - now.getTime();
      expect(wait, `wait after attempt ${i + 1}`).toBeGreaterThanOrEqual(base * 0.8);
      expect(wait, `wait after attempt ${i + 1}`).toBeLessThanOrEqual(base * 1.2);
      now = d.nextAttemptAt!;
      await jobs.deliverDueWebhooks(now);
    }
    expect(await expectOneQueued(brokenEndpoint.id)).toMatchObject({
      status: "failed",
      attempts: 8,
      nextAttemptAt: null,
    });
    expect(broken.received).toHaveLength(8);
    expect(gone.received).toHaveLength(1);
    await jobs.deliverDueWebhooks(later(now, 86_400_000));
    expect(broken.received).toHaveLength(8);
  });

  it("honours a 429's Retry-After and retries a receiver that does not answer in time", async () => {
    const limited = await receiver(() => ({ status: 429, headers: { "retry-after": "3600" } }));
    const limitedEndpoint = await addEndpoint(limited.url);
    const silent = await receiver(() => ({ status: 200, hang: true }));
    const silentEndpoint = await addEndpoint(silent.url.replace("/mca", "/silent"));
    const mine = await integration(owner);
    await integrations.recordVerification(mine.id, {
      ok: true,
      amount: 0,
      currency: null,
      from: "a",
      to: "b",
    });
    const now = new Date();
    await jobs.fanOutWebhookEvents(now);
    await jobs.deliverDueWebhooks(now, { timeoutMs: 500 });
    const throttled = await expectOneQueued(limitedEndpoint.id);
    expect(throttled).toMatchObject({ status: "pending", lastStatusCode: 429 });
    expect(throttled.nextAttemptAt!.getTime() - now.getTime()).toBeGreaterThanOrEqual(3_600_000);
    const timedOut = await expectOneQueued(silentEndpoint.id);
    expect(timedOut).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: null });
    expect(timedOut.lastError).toMatch(/timeout/);
    expect(timedOut.lastDurationMs).toBeGreaterThanOrEqual(450);
  });

  it("two job runs at once (two portal instances) send each delivery once", async () => {
    const hook = await receiver(() => ({ status: 200, delayMs: 150 }));
    const endpoint = await addEndpoint(hook.url);
    for (let i = 0; i < 4; i++) {
      const mine = await integration(owner);
      await integrations.recordVerification(mine.id, {
        ok: true,
        amount: 0,
        currency: null,
        from: "a",
        to: "b",
      });
    }
    const now = new Date();
    const fanned = await Promise.all([jobs.fanOutWebhookEvents(now), jobs.fanOutWebhookEvents(now)]);
    expect(fanned[0] + fanned[1]).toBe(4);
    const runs = await Promise.all([
      jobs.deliverDueWebhooks(now),
      jobs.deliverDueWebhooks(now),
      jobs.deliverDueWebhooks(now),
    ]);
    expect(runs.flat()).toHaveLength(4);
    expect(hook.received).toHaveLength(4);
    expect(new Set(hook.received.map((r) => r.headers["webhook-id"])).size).toBe(4);
    for (const d of await deliveries(endpoint.id))
      expect(d).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("an endpoint enabled again gets new events and what waited, not what happened while disabled", async () => {
    const hook = await receiver();
    const endpoint = await addEndpoint(hook.url);
    const mine = await integration(owner);
    const record = async (type: Parameters<typeof events.recordIntegrationEvent>[0]["type"]) => {
      await events.recordIntegrationEvent({ tenantId: owner.tenantId, integrationId: mine.id, type });
      // Events and the switch between them are each a few milliseconds apart, as a person's clicks are.
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    const endpointAction = (
      action: "disableWebhookEndpointAction" | "enableWebhookEndpointAction" | "sendTestWebhookAction",
    ) => as(operator, () => actions[action](null, form({ endpointId: endpoint.id })));

    // Queued before it is disabled, then not sent while it is.
    await record("integration.connected");
    expect(await jobs.fanOutWebhookEvents(new Date())).toBe(1);
    expect(await endpointAction("disableWebhookEndpointAction")).toMatchObject({ ok: true });
    await record("integration.secret_rotated");
    expect(await jobs.fanOutWebhookEvents(new Date())).toBe(0);
    expect(await jobs.deliverDueWebhooks(new Date())).toEqual([]);
    expect(hook.received).toHaveLength(0);

    expect(await endpointAction("enableWebhookEndpointAction")).toEqual({
      ok: true,
      data: undefined,
      message: "Enabled.",
    });
    await record("integration.disconnected");
    expect(await jobs.fanOutWebhookEvents(new Date())).toBe(1);
    expect(await endpointAction("sendTestWebhookAction")).toMatchObject({ ok: true });
    await jobs.deliverDueWebhooks(new Date());
    const types = hook.received.map(
      (r) => verifyWebhook<{ type: string }>(endpoint.secret, r.headers, r.body).type,
    );
    expect(types.sort()).toEqual(["integration.connected", "integration.disconnected", "webhook.test"]);
    for (const d of await deliveries(endpoint.id)) expect(d).toMatchObject({ status: "succeeded" });
    // Enabling an enabled endpoint changes nothing; anyone but an operator is refused.
    expect(await endpointAction("enableWebhookEndpointAction")).toMatchObject({ ok: true });
    expect(await jobs.fanOutWebhookEvents(new Date())).toBe(0);
    expect(
      await as(stranger, () => actions.enableWebhookEndpointAction(null, form({ endpointId: endpoint.id }))),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Only the portal's operators may manage webhooks\./),
    });
  });

  it("sends a test event, redelivers it, and signs with both secrets for a while after a rotation", async () => {
    const hook = await receiver();
    const endpoint = await addEndpoint(hook.url);
    await integration(owner);
    const test = await as(operator, () =>
      actions.sendTestWebhookAction(null, form({ endpointId: endpoint.id })),
    );
    expect(test).toMatchObject({ ok: true });
    await jobs.deliverDueWebhooks(new Date());
    const first = verifyWebhook<{ type: string; id: string; data: Record<string, unknown> }>(
      endpoint.secret,
      hook.received[0]!.headers,
      hook.received[0]!.body,
    );
    expect(first).toMatchObject({
      type: "webhook.test",
      data: { endpointId: endpoint.id },
    });
    expectDocumented(hook.received[0]!.body);

    const rotated = await as(operator, () =>
      actions.rotateWebhookSecretAction(null, form({ endpointId: endpoint.id })),
    );
    if (!rotated.ok) throw new Error(rotated.message);
    expect(rotated.data.secret).not.toBe(endpoint.secret);
    const delivery = await expectOneQueued(endpoint.id);
    const again = await as(operator, () =>
      actions.redeliverWebhookAction(null, form({ deliveryId: delivery.id })),
    );
    expect(again).toMatchObject({ ok: true });
    await jobs.deliverDueWebhooks(new Date());
    const second = hook.received[1]!;
    expect(second.headers["webhook-id"]).toBe(first.id);
    expect(String(second.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(() => verifyWebhook(endpoint.secret, second.headers, second.body)).not.toThrow();
    expect(() => verifyWebhook(rotated.data.secret, second.headers, second.body)).not.toThrow();
    // A day later only the new secret signs.
    await as(operator, () => actions.redeliverWebhookAction(null, form({ deliveryId: delivery.id })));
    await jobs.deliverDueWebhooks(later(new Date(), 25 * 3_600_000));
    const third = hook.received[2]!;
    expect(() => verifyWebhook(endpoint.secret, third.headers, third.body)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(rotated.data.secret, third.headers, third.body)).not.toThrow();

    // Disabled: neither tests nor redeliveries go out.
    await as(operator, () => actions.disableWebhookEndpointAction(null, form({ endpointId: endpoint.id })));
    expect(
      await as(operator, () => actions.sendTestWebhookAction(null, form({ endpointId: endpoint.id }))),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/disabled/) });
  });

  it("a signing secret that cannot be decrypted fails that endpoint's deliveries only, saying why", async () => {
    const hook = await receiver();
    const lost = await addEndpoint(hook.url.replace("/mca", "/lost"));
    const fine = await addEndpoint(hook.url);
    // As after its key was dropped from ENCRYPTION_KEYS_OLD too soon.
    await db.db.webhookEndpoint.update({
      where: { id: lost.id },
      data: { secretEncryptionKeyId: "k_retired" },
    });
    const now = new Date();
    for (const endpoint of [lost, fine]) {
      expect(
        await as(operator, () => actions.sendTestWebhookAction(null, form({ endpointId: endpoint.id }))),
      ).toMatchObject({ ok: true });
    }
    await jobs.deliverDueWebhooks(later(now, 1_000));

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toContain(fine.id);
    expect(() => verifyWebhook(fine.secret, hook.received[0]!.headers, hook.received[0]!.body)).not.toThrow();
    expect(await expectOneQueued(fine.id)).toMatchObject({ status: "succeeded", lastStatusCode: 200 });
    const failed = await expectOneQueued(lost.id);
    expect(failed).toMatchObject({
      status: "failed",
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: null,
    });
    // What the Webhooks page shows beside the delivery.
    const { listWebhookEndpoints } = await import("@/lib/data/webhooks");
    const shown = (await listWebhookEndpoints(operator)).find((e) => e.id === lost.id)!;
    expect(shown.deliveries[0]!.lastError).toMatch(
      /not sent: the signing secret cannot be decrypted: key k_retired is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_OLD\. .*rotate the signing secret/,
    );

    // A rotation mends it: the new secret signs, the lost one is left out.
    const rotated = await as(operator, () =>
      actions.rotateWebhookSecretAction(null, form({ endpointId: lost.id })),
    );
    if (!rotated.ok) throw new Error(rotated.message);
    await as(operator, () => actions.redeliverWebhookAction(null, form({ deliveryId: failed.id })));
    await jobs.deliverDueWebhooks(later(new Date(), 1_000));
    const mended = hook.received.find((r) => r.body.includes(lost.id))!;
    expect(String(mended.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(() => verifyWebhook(rotated.data.secret, mended.headers, mended.body)).not.toThrow();
    expect(await expectOneQueued(lost.id)).toMatchObject({ status: "succeeded" });
  });
});

describe("where webhooks may go (SSRF)", () => {
  it("refuses other schemes, private, link-local and loopback addresses when saving", async () => {
    await integration(owner);
    const refused = [
      ["ftp://example.com/x", /https/],
      ["http://example.com/x", /Use https/],
      ["https://10.0.0.5/x", /private or reserved/],
      ["https://169.254.169.254/latest/meta-data", /private or reserved/],
      ["https://[fd00::1]/x", /private or reserved/],
      ["https://[::ffff:192.168.1.1]/x", /private or reserved/],
      ["https://user:pass@example.com/x", /user names and passwords/],
      ["not a url", /full URL/],
    ] as const;
    for (const [url, message] of refused) {
      const result = await as(operator, () =>
        actions.createWebhookEndpointAction(null, form({ url, eventTypes: allTypes, reach: "all-tenants" })),
      );
      expect(result, url).toMatchObject({ ok: false });
      expect(JSON.stringify(result), url).toMatch(message);
    }
    expect(await db.db.webhookEndpoint.count()).toBe(0);
    const ok = await as(operator, () =>
      actions.createWebhookEndpointAction(
        null,
        form({ url: "https://costs.example.com/hook", eventTypes: allTypes, reach: "all-tenants" }),
      ),
    );
    expect(ok).toMatchObject({ ok: true });
  });

  it("checks the address a name resolves to when sending, and the operator's settings decide", async () => {
    const { refuseAddress, checkWebhookUrl } = await import("@/lib/webhooks/address-policy");
    const strict = { allowInsecureLocalhost: false, allowedNetworks: [] };
    expect(checkWebhookUrl("http://127.0.0.1:9/x", strict)).toMatchObject({ ok: false });
    expect(checkWebhookUrl("https://localhost/x", strict)).toMatchObject({ ok: false });
    expect(refuseAddress("64:ff9b::a00:1", strict)).toMatch(/private/);
    expect(refuseAddress("fe80::1", strict)).toMatch(/private/);
    expect(refuseAddress("100.64.1.1", strict)).toMatch(/private/);
    expect(refuseAddress("93.184.215.14", strict)).toBeNull();
    expect(refuseAddress("2606:4700::1111", strict)).toBeNull();
    expect(refuseAddress("10.20.3.4", { ...strict, allowedNetworks: ["10.20.0.0/16"] })).toBeNull();
    expect(refuseAddress("10.21.3.4", { ...strict, allowedNetworks: ["10.20.0.0/16"] })).toMatch(/private/);

    // Saved while the operator allowed this machine, then sent under a stricter setting: refused at
    // resolution ("localhost" is 127.0.0.1), nothing reaches the receiver, and it is not retried.
    const hook = await receiver();
    const endpoint = await addEndpoint(`http://localhost:${hook.port}/hooks`);
    await as(operator, () => actions.sendTestWebhookAction(null, form({ endpointId: endpoint.id })));
    await jobs.deliverDueWebhooks(new Date(), { policy: strict });
    const d = await expectOneQueued(endpoint.id);
    expect(d).toMatchObject({ status: "failed", attempts: 1, lastStatusCode: null });
    expect(d.lastError).toMatch(/loopback/);
    expect(hook.received).toHaveLength(0);
  });

  it("unwraps the IPv4 address an IPv6 one leads to, and refuses the tunnels it cannot check", async () => {
    const { refuseAddress, checkWebhookUrl } = await import("@/lib/webhooks/address-policy");
    const strict = { allowInsecureLocalhost: false, allowedNetworks: [] };
    const cases: [string, RegExp | null][] = [
      // IPv4-compatible ::10.0.0.1 and ::93.184.215.14, IPv4-translated ::ffff:0:10.0.0.1.
      ["::a00:1", /private/],
      ["::5db8:d70e", /private/],
      ["::ffff:0:a00:1", /private/],
      // 6to4: tunnelled to the IPv4 address it carries.
      ["2002:a00:1::1", /private/],
      ["2002:7f00:1::", /loopback/],
      ["2002:a9fe:a9fe::", /private/],
      ["2002:5db8:d70e::1", null],
      // Teredo, whatever its server and client.
      ["2001:0:5db8:d70e::1", /private/],
      // NAT64, the well-known prefix (its IPv4 decides) and the local-use one (refused).
      ["64:ff9b::7f00:1", /loopback/],
      ["64:ff9b::5db8:d70e", null],
      ["64:ff9b:1::5db8:d70e", /private/],
      ["64:ff9b:1:ffff::a00:1", /private/],
    ];
    for (const [address, refused] of cases)
      if (refused) expect(refuseAddress(address, strict), address).toMatch(refused);
      else expect(refuseAddress(address, strict), address).toBeNull();
    expect(checkWebhookUrl("https://[2002:a00:1::1]/hook", strict)).toMatchObject({ ok: false });
    expect(checkWebhookUrl("https://[::a00:1]/hook", strict)).toMatchObject({ ok: false });
    // An operator's own network stays allowed in whichever form it is written.
    expect(refuseAddress("2002:a14:304::", { ...strict, allowedNetworks: ["10.20.0.0/16"] })).toBeNull();
  });
});

describe("the receiver's verifier", () => {
  it("accepts a fresh signature and refuses a replay, a tampered body and another secret", async () => {
    const { newWebhookSecret, signatureHeaders } = await import("@/lib/webhooks/signing");
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: "evt_1", type: "webhook.test", createdAt: "x", data: {} });
    const sentAt = new Date("2026-12-04T12:00:00Z");
    const headers = signatureHeaders([secret], "evt_1", body, sentAt);
    expect(headers["webhook-signature"]).toBe(
      `v1,${computeSignature(secret, "evt_1", headers["webhook-timestamp"], body)}`,
    );
    expect(verifyWebhook(secret, headers, body, { now: later(sentAt, 4 * 60_000) })).toMatchObject({
      id: "evt_1",
    });
    expect(() => verifyWebhook(secret, headers, body, { now: later(sentAt, 5 * 60_000 + 1_000) })).toThrow(
      /replay window/,
    );
    expect(() => verifyWebhook(secret, headers, body, { now: later(sentAt, -6 * 60_000) })).toThrow(
      /replay window/,
    );
    expect(() => verifyWebhook(secret, headers, body.replace("test", "tesT"), { now: sentAt })).toThrow(
      /No signature/,
    );
    expect(() => verifyWebhook(newWebhookSecret(), headers, body, { now: sentAt })).toThrow(/No signature/);
    const replayedLater = {
      ...headers,
      "webhook-timestamp": String(Number(headers["webhook-timestamp"]) + 600),
    };
    expect(() => verifyWebhook(secret, replayedLater, body, { now: later(sentAt, 600_000) })).toThrow(
      /No signature/,
    );
    expect(() => verifyWebhook(secret, { "webhook-id": "evt_1" }, body)).toThrow(/Missing/);
  });
});

it("every event type the outbox knows can be subscribed to and is documented", async () => {
  const { subscribableEventTypes } = await import("@/lib/validations/webhooks");
  expect([...subscribableEventTypes]).toEqual([...events.integrationEventTypes]);
  expect(Object.keys(document.webhooks).sort()).toEqual(
    [...events.integrationEventTypes, "webhook.test"].sort(),
  );
});
