/**
 * The cost platform's API through the portal's real route handlers, database and encryption: keys made
 * by the portal's operators with its action (shown once, hashed at rest), revoked, scoped, confined to
 * what they reach (every tenant, chosen tenants, chosen integrations), keys made by anyone else refused
 * as revoked, every use recorded, and every answer valid against the served OpenAPI document (ajv, JSON Schema 2020-12).
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import { control } from "@/emulator/test/helpers";
import { CLIENT_ADDRESS_HEADER } from "@/lib/http/client-address";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

let currentUser: unknown = null;
vi.mock("next/headers", () => ({ cookies: async () => ({ get: () => undefined, set: () => undefined }) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/auth", () => ({ getCurrentUser: async () => currentUser }));

type Actor = Awaited<ReturnType<Harness["signIn"]>>;

let harness: Harness;
/** The one person OPERATORS names: the only one who makes and revokes keys. */
let operator: Actor;
let db: typeof import("@/lib/db");
let actions: typeof import("@/lib/actions/api-keys");
let listRoute: typeof import("@/app/api/v1/integrations/route");
let getRoute: typeof import("@/app/api/v1/integrations/[id]/route");
let openapiRoute: typeof import("@/app/api/v1/openapi.json/route");
let vault: typeof import("@/lib/crypto/vault");
let contexts: typeof import("@/lib/crypto/contexts");
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked by path strings
let document: Record<string, any>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

beforeAll(async () => {
  harness = await startPortalHarness();
  db = await import("@/lib/db");
  actions = await import("@/lib/actions/api-keys");
  listRoute = await import("@/app/api/v1/integrations/route");
  getRoute = await import("@/app/api/v1/integrations/[id]/route");
  openapiRoute = await import("@/app/api/v1/openapi.json/route");
  vault = await import("@/lib/crypto/vault");
  contexts = await import("@/lib/crypto/contexts");
  operator = await harness.signInOperator();
  document = await openapiRoute.GET().json();
  ajv.addSchema({ $id: "https://mca-connect.test/openapi.json", components: document.components });
}, 120_000);

afterAll(async () => {
  await db?.closeDb();
  await harness?.emu.close();
});

/** Checks a real answer against what the document says this path and status return. */
async function expectDocumented(path: string, response: Response) {
  const operation = document.paths[path]?.get;
  const declared = operation?.responses?.[String(response.status)];
  expect(declared, `${path} ${response.status} is documented`).toBeDefined();
  const body = await response.clone().json();
  const schema = declared.content["application/json"].schema;
  const validate = ajv.compile({ $ref: `https://mca-connect.test/openapi.json${schema.$ref}` });
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  return body;
}

async function world() {
  const tenant: SeedResult = await control(harness.emu).seed({ preset: "contoso" });
  const other: SeedResult = await control(harness.emu).seed({ preset: "contoso" });
  const owner = await harness.signIn(tenant.users.appAdmin!.userPrincipalName);
  const stranger = await harness.signIn(other.users.admin!.userPrincipalName);
  const colleague = await harness.signIn(tenant.users.billingOwner!.userPrincipalName);
  return {
    owner,
    stranger,
    colleague,
    mine: await integration(owner, "s3cret~mine-0123456789abcdefghijklmnop"),
    theirs: await integration(stranger, "s3cret~theirs-0123456789abcdefghijklm"),
  };
}

async function integration(owner: Actor, secret: string, status: "active" | "pending" = "active") {
  const id = `int_${crypto.randomUUID()}`;
  const sealed = vault.encryptSecret(secret, contexts.integrationSecretContext(id));
  await db.db.integration.create({
    data: {
      id,
      ownerId: owner.id,
      tenantId: owner.tenantId,
      clientId: crypto.randomUUID(),
      secretCiphertext: sealed.ciphertext,
      secretEncryptionKeyId: sealed.keyId,
      secretKeyId: crypto.randomUUID(),
      secretHint: secret.slice(0, 3),
      secretExpiresAt: new Date(Date.now() + 365 * 86_400_000),
      billingAccountName: `${crypto.randomUUID()}:${crypto.randomUUID()}_2019-05-31`,
      billingAccountDisplayName: "Contoso",
      status,
      lastVerifiedAt: status === "active" ? new Date() : null,
    },
  });
  return { id, secret };
}

type Reach = { reach: "all-tenants" } | { reach: "tenants" | "integrations"; ids: string[] };

/** The operator makes a key in the form, for what `reach` names. */
async function makeKey(scope: "read-metadata" | "read-secrets", reach: Reach, name = "Cost platform") {
  currentUser = operator;
  const result = await actions.createApiKeyAction(null, keyForm(scope, reach, name));
  currentUser = null;
  if (!result.ok) throw new Error(result.message);
  return result.data;
}

function keyForm(scope: string, reach: Reach, name = "Cost platform") {
  const form = new FormData();
  form.set("name", name);
  form.set("scope", scope);
  form.set("reach", reach.reach);
  if (reach.reach === "tenants") form.set("tenantIds", reach.ids.join("\n"));
  if (reach.reach === "integrations") form.set("integrationIds", reach.ids.join(", "));
  return form;
}

const client = "198.51.100.20";
function call(path: string, key?: string) {
  // As the portal's server hands a request on: its client's address stamped, a forged claim left over.
  const headers: Record<string, string> = {
    [CLIENT_ADDRESS_HEADER]: client,
    "x-forwarded-for": "10.6.6.6",
    "user-agent": "cost-platform/1.0",
  };
  if (key) headers.authorization = `Bearer ${key}`;
  const request = new Request(`http://localhost:3000/api/v1${path}`, { headers });
  const [, , id] = new URL(request.url).pathname.split("/").slice(2);
  return id ? getRoute.GET(request, { params: Promise.resolve({ id }) }) : listRoute.GET(request);
}

describe("API keys", () => {
  it("are made by operators alone, shown once, stored only as a SHA-256 hash, with what they reach", async () => {
    const { owner, colleague, stranger } = await world();
    const made = await makeKey("read-secrets", { reach: "tenants", ids: [owner.tenantId.toUpperCase()] });
    expect(made.key).toMatch(/^mcak_[A-Za-z0-9_-]{43}$/);
    expect(made.reach).toBe(`tenant ${owner.tenantId}`);
    const row = await db.db.apiKey.findUniqueOrThrow({ where: { id: made.id } });
    expect(JSON.stringify(row)).not.toContain(made.key.slice(5));
    const { sha256Hex } = await import("@/lib/crypto/cipher");
    expect(row.tokenHash).toBe(sha256Hex(made.key));
    expect(row).toMatchObject({
      createdById: operator.id,
      scope: "read_secrets",
      reach: "tenants",
      tenantIds: [owner.tenantId],
    });
    // Nothing returns the key again: the list shows a prefix only.
    const { listApiKeys } = await import("@/lib/data/api-keys");
    const listed = await listApiKeys(operator);
    expect(JSON.stringify(listed)).not.toContain(made.key);
    expect(listed.find((k) => k.id === made.id)?.tokenPrefix).toBe(made.key.slice(0, 9));
    currentUser = null;
    const form = keyForm("read-secrets", { reach: "all-tenants" }, "x");
    expect(await actions.createApiKeyAction(null, form)).toMatchObject({ ok: false });
    // Connecting a billing account (the owner has an integration), being of the tenant or a Global
    // Administrator elsewhere makes no one an operator: they make and revoke nothing.
    const revoke = new FormData();
    revoke.set("keyId", made.id);
    for (const person of [owner, colleague, stranger]) {
      currentUser = person;
      expect(await actions.createApiKeyAction(null, form)).toMatchObject({
        ok: false,
        message: expect.stringContaining("Only the portal's operators may make API keys."),
      });
      expect(await actions.revokeApiKeyAction(null, revoke)).toMatchObject({
        ok: false,
        message: expect.stringContaining("Only the portal's operators may revoke API keys."),
      });
      await expect(listApiKeys(person)).rejects.toThrow(/Only the portal's operators/);
    }
    currentUser = null;
    expect(await db.db.apiKey.findUniqueOrThrow({ where: { id: made.id } })).toMatchObject({
      revokedAt: null,
    });
  });

  it("refuse a reach without its list, ids that are not ids, and integrations that were never proved", async () => {
    const { owner } = await world();
    const pending = await integration(owner, "s3cret~pending-0123456789abcdefghijk", "pending");
    currentUser = operator;
    const answers = await Promise.all(
      [
        keyForm("read-secrets", { reach: "tenants", ids: [] }),
        keyForm("read-secrets", { reach: "tenants", ids: ["contoso.onmicrosoft.com"] }),
        keyForm("read-secrets", { reach: "integrations", ids: [] }),
        keyForm("read-secrets", { reach: "integrations", ids: [pending.id] }),
        (() => {
          const form = keyForm("read-secrets", { reach: "all-tenants" });
          form.set("reach", "everyone");
          return form;
        })(),
      ].map((form) => actions.createApiKeyAction(null, form)),
    );
    currentUser = null;
    expect(answers.map((a) => (a.ok ? "made" : a.message))).toEqual([
      "Please correct the highlighted fields.",
      "Please correct the highlighted fields.",
      "Please correct the highlighted fields.",
      `No integration with the id ${pending.id}. Copy ids from the integrations list (they start with int_).`,
      "Please correct the highlighted fields.",
    ]);
    expect(answers[0]).toMatchObject({
      fieldErrors: { tenantIds: ["List at least one tenant id, one per line."] },
    });
    expect(answers[1]).toMatchObject({
      fieldErrors: {
        tenantIds: [
          expect.stringMatching(
            /^This is not a tenant id: "contoso\.onmicrosoft\.com"\. A tenant id looks like /,
          ),
        ],
      },
    });
  });

  it("give the secret to a read-secrets key that asks, and never to a metadata key", async () => {
    const { owner, mine } = await world();
    const secretsKey = await makeKey("read-secrets", { reach: "tenants", ids: [owner.tenantId] });
    const metadataKey = await makeKey("read-metadata", { reach: "tenants", ids: [owner.tenantId] });

    const full = await expectDocumented(
      "/integrations/{id}",
      await call(`/integrations/${mine.id}?include=secret`, secretsKey.key),
    );
    expect(full).toMatchObject({ id: mine.id, tenantId: owner.tenantId, clientSecret: mine.secret });

    const plain = await expectDocumented(
      "/integrations/{id}",
      await call(`/integrations/${mine.id}`, secretsKey.key),
    );
    expect(plain).not.toHaveProperty("clientSecret");

    const meta = await expectDocumented(
      "/integrations/{id}",
      await call(`/integrations/${mine.id}`, metadataKey.key),
    );
    expect(meta).not.toHaveProperty("clientSecret");
    expect(JSON.stringify(meta)).not.toContain(mine.secret);
    expect(meta).toMatchObject({ id: mine.id, secretHint: "s3c", status: "active" });

    const refused = await call(`/integrations/${mine.id}?include=secret`, metadataKey.key);
    expect(refused.status).toBe(403);
    const body = await expectDocumented("/integrations/{id}", refused);
    expect(body.error.code).toBe("insufficient_scope");
    expect(JSON.stringify(body)).not.toContain(mine.secret);

    const bad = await call(`/integrations/${mine.id}?include=everything`, secretsKey.key);
    expect(bad.status).toBe(400);
    await expectDocumented("/integrations/{id}", bad);
  });

  it("list what the key reaches only, without secrets; anything else is 404", async () => {
    const { owner, stranger, mine, theirs } = await world();
    const pending = await integration(owner, "s3cret~pending-0123456789abcdefghijk", "pending");
    const listed = async (key: string) => {
      const list = await call("/integrations", key);
      expect(list.status).toBe(200);
      expect(list.headers.get("cache-control")).toBe("no-store");
      const body = await expectDocumented("/integrations", list);
      expect(JSON.stringify(body)).not.toContain(mine.secret);
      expect(JSON.stringify(body)).not.toContain(theirs.secret);
      return body.data as { id: string; tenantId: string }[];
    };
    const notFound = async (key: string, id: string, secret: string) => {
      for (const path of [`/integrations/${id}?include=secret`, `/integrations/${id}`]) {
        const response = await call(path, key);
        expect(response.status, path).toBe(404);
        const err = await expectDocumented("/integrations/{id}", response);
        expect(err.error.code).toBe("not_found");
        expect(err.error.message).toMatch(/within this API key's reach/);
        expect(JSON.stringify(err)).not.toContain(secret);
      }
    };

    // Chosen tenants: the owner's tenant, not the stranger's; never an integration that was not proved.
    const tenantKey = await makeKey("read-secrets", { reach: "tenants", ids: [owner.tenantId] });
    const ofTenant = await listed(tenantKey.key);
    expect(ofTenant.map((i) => i.id)).toContain(mine.id);
    expect(ofTenant.map((i) => i.id)).not.toContain(theirs.id);
    expect(ofTenant.map((i) => i.id)).not.toContain(pending.id);
    expect(ofTenant.every((i) => i.tenantId === owner.tenantId)).toBe(true);
    await notFound(tenantKey.key, theirs.id, theirs.secret);
    await notFound(tenantKey.key, pending.id, pending.secret);
    expect((await call("/integrations/nope", tenantKey.key)).status).toBe(404);

    // Chosen integrations: the stranger's one alone, though the owner's is of a tenant it could name.
    const oneKey = await makeKey("read-secrets", { reach: "integrations", ids: [theirs.id] });
    expect((await listed(oneKey.key)).map((i) => i.id)).toEqual([theirs.id]);
    await notFound(oneKey.key, mine.id, mine.secret);
    const read = await call(`/integrations/${theirs.id}?include=secret`, oneKey.key);
    expect(await expectDocumented("/integrations/{id}", read)).toMatchObject({
      id: theirs.id,
      tenantId: stranger.tenantId,
      clientSecret: theirs.secret,
    });

    // Every tenant: both, still without the unproved one.
    const allKey = await makeKey("read-secrets", { reach: "all-tenants" });
    const all = (await listed(allKey.key)).map((i) => i.id);
    expect(all).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    expect(all).not.toContain(pending.id);
    await notFound(allKey.key, pending.id, pending.secret);
  });

  it("refuse a missing, unknown or revoked key with 401 and say which", async () => {
    const { owner, stranger, mine } = await world();
    const key = await makeKey("read-secrets", { reach: "tenants", ids: [owner.tenantId] });

    const missing = await call("/integrations");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect((await expectDocumented("/integrations", missing)).error.code).toBe("missing_api_key");
    const unknown = await call("/integrations", `mcak_${"A".repeat(43)}`);
    expect((await expectDocumented("/integrations", unknown)).error.code).toBe("invalid_api_key");
    expect((await call("/integrations", "not-a-key")).status).toBe(401);

    // Only an operator may revoke it.
    currentUser = stranger;
    const foreign = new FormData();
    foreign.set("keyId", key.id);
    expect(await actions.revokeApiKeyAction(null, foreign)).toMatchObject({ ok: false });
    expect((await call(`/integrations/${mine.id}`, key.key)).status).toBe(200);

    currentUser = operator;
    expect(await actions.revokeApiKeyAction(null, foreign)).toMatchObject({ ok: true });
    currentUser = null;
    for (const path of ["/integrations", `/integrations/${mine.id}?include=secret`]) {
      const revoked = await call(path, key.key);
      expect(revoked.status).toBe(401);
      const body = await expectDocumented(
        path.startsWith("/integrations/") ? "/integrations/{id}" : "/integrations",
        revoked,
      );
      expect(body.error.code).toBe("revoked_api_key");
      expect(JSON.stringify(body)).not.toContain(mine.secret);
    }
  });

  it("refuse a key made by someone who is not an operator (as the old rule allowed), recording why", async () => {
    const { owner, mine } = await world();
    const { newApiKeyToken } = await import("@/lib/api/keys");
    const { revokeGrantsOfNonOperators, listApiKeys } = await import("@/lib/data/api-keys");
    // Two keys the owner made before operators were named: one used, one only found by the sweep.
    const made = [newApiKeyToken(), newApiKeyToken()];
    const [used, swept] = await Promise.all(
      made.map((token, i) =>
        db.db.apiKey.create({
          data: {
            tenantId: owner.tenantId,
            name: `made before operators ${i}`,
            scope: "read_secrets",
            reach: "tenants",
            tenantIds: [owner.tenantId],
            tokenHash: token.tokenHash,
            tokenPrefix: token.tokenPrefix,
            createdById: owner.id,
          },
        }),
      ),
    );
    const answer = await call(`/integrations/${mine.id}?include=secret`, made[0]!.token);
    expect(answer.status).toBe(401);
    const body = await expectDocumented("/integrations/{id}", answer);
    expect(body.error).toEqual({
      code: "revoked_api_key",
      message:
        "This API key was revoked: only keys made by the portal's operators work. Ask an operator for a new one.",
    });
    expect(JSON.stringify(body)).not.toContain(mine.secret);
    await revokeGrantsOfNonOperators();
    const listed = await listApiKeys(operator);
    for (const key of [used!, swept!])
      expect(listed.find((k) => k.id === key.id)).toMatchObject({
        revokedAt: expect.any(Date),
        revokedReason: expect.stringMatching(
          /^Revoked by the portal: made by .+, who is not one of the operators named in its configuration \(OPERATORS\)\./,
        ),
      });
    expect((await call("/integrations", made[1]!.token)).status).toBe(401);
  });

  it("records every use: which key, which integration, what was answered, when and from where", async () => {
    const { owner, mine, theirs } = await world();
    const key = await makeKey("read-secrets", { reach: "tenants", ids: [owner.tenantId] });
    const before = new Date();
    await call("/integrations", key.key);
    await call(`/integrations/${mine.id}`, key.key);
    await call(`/integrations/${mine.id}?include=secret`, key.key);
    await call(`/integrations/${theirs.id}?include=secret`, key.key);
    const uses = await db.db.apiKeyUse.findMany({ where: { apiKeyId: key.id }, orderBy: { at: "asc" } });
    expect(
      uses.map((u) => [u.action, u.integrationId, u.status, u.secretRead, u.clientAddress, u.userAgent]),
    ).toEqual([
      ["list-integrations", null, 200, false, client, "cost-platform/1.0"],
      ["get-integration", mine.id, 200, false, client, "cost-platform/1.0"],
      ["get-integration", mine.id, 200, true, client, "cost-platform/1.0"],
      ["get-integration", theirs.id, 404, false, client, "cost-platform/1.0"],
    ]);
    expect(uses.every((u) => u.at >= before)).toBe(true);
    const row = await db.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it("brakes a client guessing keys with 429 and Retry-After, counted before any lookup", async () => {
    const rateLimit = await import("@/lib/http/rate-limit");
    const guesser = "203.0.113.99";
    const guess = () =>
      listRoute.GET(
        new Request("http://localhost:3000/api/v1/integrations", {
          headers: { [CLIENT_ADDRESS_HEADER]: guesser, authorization: `Bearer mcak_${"B".repeat(43)}` },
        }),
      );
    for (let i = 0; i < rateLimit.limits.api.points; i++) expect((await guess()).status).toBe(401);
    const limited = await guess();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await expectDocumented("/integrations", limited)).error.code).toBe("rate_limited");
    // Another client is not affected.
    expect((await call("/integrations")).status).toBe(401);
  });

  it("serves an OpenAPI 3.1 document whose schemas compile", async () => {
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers[0].url).toBe("http://localhost:3000/api/v1");
    for (const name of Object.keys(document.components.schemas))
      expect(() =>
        ajv.getSchema(`https://mca-connect.test/openapi.json#/components/schemas/${name}`),
      ).not.toThrow();
  });
});
