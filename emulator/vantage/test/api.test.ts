/**
 * The public API against Vantage's OpenAPI document: every answer below passes through api(), which
 * validates it against the document's schema for its path, method and status (test/spec.ts).
 * No Azure here: integrations stay pending (long delays), so only the API's own behaviour is tested.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { account, api, startVantage, vControl, type Answer } from "./helpers";
import { checkAnswer, documentExamples, validatorFor } from "./spec";
import type { RunningVantageEmulator } from "../src/server";

let v: RunningVantageEmulator;
const GUID = "3f2b9c1e-7a4d-4e8b-9c0a-1d2e3f405162";
const body = (tenant = GUID) => ({
  tenant,
  app_id: "0b7c7e5a-1111-4222-8333-944455556666",
  password: "s3cr3t~value",
});

beforeAll(async () => {
  v = await startVantage(undefined, { delays: { pendingMs: 600_000, importingMs: 600_000 } });
});
afterAll(() => v.close());

describe("the document as the tests read it", () => {
  it("accepts every example the document gives for its own schemas", () => {
    const examples = documentExamples();
    expect(examples.map((e) => e.where)).toHaveLength(4);
    for (const { where, schema, example } of examples) {
      const validate = validatorFor(schema);
      expect(validate(example), `${where}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("refuses an Integration that drops a required field, adds one, or has an unknown status", () => {
    const ok = {
      token: "accss_crdntl_1",
      provider: "azure",
      account_identifier: GUID,
      status: "pending",
      last_updated: null,
      workspace_tokens: [],
      created_at: "2026-01-01T00:00:00Z",
    };
    const { created_at: _dropped, ...missing } = ok;
    expect(() => checkAnswer("GET", "/integrations/{integration_token}", 200, ok, "x")).not.toThrow();
    for (const bad of [missing, { ...ok, password: "x" }, { ...ok, status: "done" }])
      expect(() => checkAnswer("GET", "/integrations/{integration_token}", 200, bad, "x")).toThrow(
        /does not match/,
      );
  });
});

describe("ping and me", () => {
  it("answers /ping and /me with the token's workspaces and scopes", async () => {
    const a = await account(v);
    expect((await api(v, a.read)("GET", "/ping")).status).toBe(200);
    const me = await api(v, a.write)("GET", "/me");
    expect(me.status).toBe(200);
    expect(me.body.default_workspace_token).toBe(a.workspaces[0]!.token);
    expect(me.body.workspaces.map((w: { name: string }) => w.name)).toEqual(["Production", "Sandbox"]);
    expect(me.body.bearer_token.scope).toEqual(["read", "write"]);
    expect((await api(v, a.read)("GET", "/me")).body.bearer_token.scope).toEqual(["read"]);
  });
});

describe("Azure integrations", () => {
  it("creates (201, pending, the tenant as account identifier), gets, lists, updates workspaces and deletes (204, then 404)", async () => {
    const a = await account(v);
    const call = api(v, a.write);
    const created = await call("POST", "/integrations/azure", body());
    expect(created.status).toBe(201);
    expect(created.documented).toBe(true);
    expect(created.body).toMatchObject({
      provider: "azure",
      account_identifier: GUID,
      status: "pending",
      last_updated: null,
      workspace_tokens: [],
    });
    expect(created.body.token).toMatch(/^accss_crdntl_[0-9a-f]{16}$/);
    expect(created.text).not.toContain("s3cr3t");
    const token = created.body.token as string;

    const got = await call("GET", `/integrations/${token}`);
    expect(got.body).toEqual(created.body);
    const listed = await call("GET", `/integrations?provider=azure&account_identifier=${GUID}`);
    expect(listed.body.integrations.map((i: { token: string }) => i.token)).toEqual([token]);

    const ws = a.workspaces.map((w) => w.token);
    const updated = await call("PUT", `/integrations/${token}`, { workspace_tokens: ws });
    expect(updated.status).toBe(200);
    expect(updated.body.workspace_tokens).toEqual(ws);
    const unknown = await call("PUT", `/integrations/${token}`, { workspace_tokens: ["wrkspc_nope"] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toContain("wrkspc_nope");

    const deleted = await call("DELETE", `/integrations/${token}`);
    expect(deleted.status).toBe(204);
    expect((await call("GET", `/integrations/${token}`)).status).toBe(404);
    expect((await call("DELETE", `/integrations/${token}`)).status).toBe(404);
    expect(
      (await call("GET", `/integrations?provider=azure&account_identifier=${GUID}`)).body.integrations,
    ).toEqual([]);
  });

  it("makes a second integration for a second POST (no idempotency), and keeps each account's own", async () => {
    const a = await account(v);
    const b = await account(v);
    await api(v, a.write)("POST", "/integrations/azure", body());
    await api(v, a.write)("POST", "/integrations/azure", body());
    const mine = await api(v, a.read)("GET", `/integrations?provider=azure&account_identifier=${GUID}`);
    expect(mine.body.integrations).toHaveLength(2);
    const theirs = await api(v, b.read)("GET", "/integrations");
    expect(theirs.body.integrations).toEqual([]);
    expect((await api(v, b.read)("GET", `/integrations/${mine.body.integrations[0].token}`)).status).toBe(
      404,
    );
  });

  it("pages the list with links.next until it is null", async () => {
    const a = await account(v);
    const call = api(v, a.write);
    const made: string[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await call("POST", "/integrations/azure", body(`tenant-${i}`))).body.token);
    const seen: string[] = [];
    let next: string | null = `${v.url}/integrations?limit=2`;
    let pages = 0;
    while (next) {
      const page: Answer = await call("GET", next.slice(v.url.length));
      seen.push(...page.body.integrations.map((i: { token: string }) => i.token));
      expect(page.body.integrations.length).toBeLessThanOrEqual(2);
      next = page.body.links.next;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(made);
    const last = await call("GET", "/integrations?limit=2&page=3");
    expect(last.body.links).toMatchObject({ next: null, prev: `${v.url}/integrations?limit=2&page=2` });
    expect((await call("GET", "/integrations?limit=1001")).status).toBe(400);
    expect((await call("GET", "/integrations?page=0")).status).toBe(400);
  });

  it("answers 400 with a sentence per missing field, for bad JSON and bad list filters", async () => {
    const a = await account(v);
    const call = api(v, a.write);
    const none = await call("POST", "/integrations/azure", {});
    expect(none.status).toBe(400);
    expect(none.documented).toBe(true);
    expect(none.body.errors).toEqual(["tenant is missing", "app_id is missing", "password is missing"]);
    const { password: _p, ...noPassword } = body();
    expect((await call("POST", "/integrations/azure", noPassword)).body.errors).toEqual([
      "password is missing",
    ]);
    expect((await call("POST", "/integrations/azure", { ...body(), tenant: " " })).body.errors).toEqual([
      "tenant is empty",
    ]);
    expect((await call("POST", "/integrations/azure", { ...body(), app_id: 7 })).body.errors[0]).toMatch(
      /app_id is invalid/,
    );
    const broken = await api(v, a.write)("POST", "/integrations/azure", undefined, {
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
    expect((await call("GET", `/integrations?account_identifier=${GUID}`)).status).toBe(400);
    expect((await call("GET", "/integrations?provider=nimbus")).status).toBe(400);
    expect(
      (await vControl(v).state()).integrations.filter(
        (i: { accountId: string }) => i.accountId === a.accountId,
      ),
    ).toEqual([]);
  });

  it("answers 404 for an unknown integration token", async () => {
    const a = await account(v);
    for (const method of ["GET", "PUT", "DELETE"]) {
      const r = await api(v, a.write)(
        method,
        "/integrations/accss_crdntl_0000000000000000",
        method === "PUT" ? {} : undefined,
      );
      expect(r.status).toBe(404);
      expect(r.body.errors).toEqual(["Record not found."]);
    }
  });
});

describe("tokens", () => {
  it("answers 401 with no token, an unknown token and a revoked one, and 403 to a read-only token on writes", async () => {
    const a = await account(v);
    expect((await api(v, undefined)("GET", "/me")).status).toBe(401);
    const unknown = await api(v, "vntg_tkn_unknown0000")("GET", "/integrations");
    expect(unknown.status).toBe(401);
    expect(unknown.body.errors).toEqual(["Invalid or revoked API token."]);

    const created = await api(v, a.write)("POST", "/integrations/azure", body());
    const token = created.body.token as string;
    const read = api(v, a.read);
    expect((await read("GET", `/integrations/${token}`)).status).toBe(200);
    for (const [method, p, json] of [
      ["POST", "/integrations/azure", body()],
      ["PUT", `/integrations/${token}`, { workspace_tokens: [] }],
      ["DELETE", `/integrations/${token}`, undefined],
    ] as const) {
      const r = await read(method, p, json);
      expect(r.status, `${method} ${p}`).toBe(403);
      expect(r.body.errors[0]).toMatch(/lacks the write scope/);
    }
    expect((await read("GET", `/integrations/${token}`)).status).toBe(200);

    expect((await vControl(v).post(`/tokens/${a.write}/revoke`)).status).toBe(204);
    const revoked = await api(v, a.write)("GET", `/integrations/${token}`);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toContain("invalid_token");
    expect((await api(v, a.write)("DELETE", `/integrations/${token}`)).status).toBe(401);
    expect((await api(v, a.read)("GET", `/integrations/${token}`)).status).toBe(200);
  });

  it("sends a request id with every answer and logs each request in the control state", async () => {
    const a = await account(v);
    const r = await api(v, a.read)("GET", "/ping");
    const id = r.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const state = await vControl(v).state();
    expect(state.requests).toContainEqual(
      expect.objectContaining({ method: "GET", path: "/v2/ping", status: 200, requestId: id }),
    );
  });
});
