/**
 * The fault switches a client must survive: 429 with Retry-After, 5xx, slow answers, a dropped
 * connection (before or after Vantage acted), a revoked token and a read-only token; and the control
 * API's own checks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { account, api, startVantage, vControl } from "./helpers";
import type { RunningVantageEmulator } from "../src/server";

let v: RunningVantageEmulator;
const create = { tenant: "9a1b2c3d-0000-4000-8000-000000000001", app_id: "app", password: "pw" };

beforeAll(async () => {
  v = await startVantage(undefined, { delays: { pendingMs: 600_000, importingMs: 600_000 } });
});
afterAll(() => v.close());

const integrationsOf = async (accountId: string) =>
  (await vControl(v).state()).integrations.filter((i: { accountId: string }) => i.accountId === accountId);

describe("fault switches", () => {
  it("answers 429 with Retry-After and an Errors body for count requests, then serves again", async () => {
    const a = await account(v);
    await vControl(v).fault({
      method: "POST",
      path: "/integrations/azure",
      status: 429,
      retryAfter: 7,
      count: 2,
    });
    const call = api(v, a.write);
    for (let i = 0; i < 2; i++) {
      const r = await call("POST", "/integrations/azure", create);
      expect(r.status).toBe(429);
      expect(r.documented).toBe(false);
      expect(r.headers.get("retry-after")).toBe("7");
      expect(r.body.errors[0]).toMatch(/Rate limit exceeded/);
    }
    expect(await integrationsOf(a.accountId)).toHaveLength(0);
    expect((await call("POST", "/integrations/azure", create)).status).toBe(201);
    const listed = await vControl(v).get("/faults");
    expect(listed.body.faults).toContainEqual(
      expect.objectContaining({ status: 429, hits: 2, remaining: 0 }),
    );
    await vControl(v).del("/faults");
  });

  it("answers 500 and 503 on the paths and methods it names (with /v2 or without), others pass", async () => {
    const a = await account(v);
    await vControl(v).fault({ path: "/v2/me", status: 503, count: 0 });
    await vControl(v).fault({ method: "GET", path: "/integrations", status: 500, count: 0 });
    expect((await api(v, a.read)("GET", "/me")).status).toBe(503);
    expect((await api(v, a.read)("GET", "/me")).status).toBe(503);
    expect((await api(v, a.read)("GET", "/integrations")).status).toBe(500);
    expect((await api(v, a.read)("GET", "/ping")).status).toBe(200);
    expect((await api(v, a.write)("POST", "/integrations/azure", create)).status).toBe(201);
    expect((await vControl(v).del("/faults")).status).toBe(204);
    expect((await api(v, a.read)("GET", "/me")).status).toBe(200);
  });

  it("holds a slow answer past a client's timeout, then answers normally", async () => {
    const a = await account(v);
    await vControl(v).fault({ path: "*", latencyMs: 3000 });
    await expect(
      fetch(`${v.url}/me`, {
        headers: { authorization: `Bearer ${a.read}` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow(/aborted|timeout/i);
    expect((await api(v, a.read)("GET", "/me")).status).toBe(200);
  });

  it("drops the connection before Vantage acts: nothing is created", async () => {
    const a = await account(v);
    await vControl(v).fault({ method: "POST", path: "/integrations/azure", drop: true });
    await expect(api(v, a.write)("POST", "/integrations/azure", create)).rejects.toThrow();
    expect(await integrationsOf(a.accountId)).toHaveLength(0);
  });

  it("with after, creates the integration and then drops or holds its answer: the client never learns the token", async () => {
    const a = await account(v);
    await vControl(v).fault({ method: "POST", path: "/integrations/azure", drop: true, after: true });
    await expect(api(v, a.write)("POST", "/integrations/azure", create)).rejects.toThrow();
    await vControl(v).fault({ method: "POST", path: "/integrations/azure", latencyMs: 3000, after: true });
    await expect(
      fetch(`${v.url}/integrations/azure`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.write}`, "content-type": "application/json" },
        body: JSON.stringify(create),
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow(/aborted|timeout/i);
    expect(await integrationsOf(a.accountId)).toHaveLength(2);
    // Looking before creating finds them, as a careful client does after such a failure.
    const found = await api(v, a.read)(
      "GET",
      `/integrations?provider=azure&account_identifier=${create.tenant}`,
    );
    expect(found.body.integrations).toHaveLength(2);
  });

  it("revokes a token (401 afterwards) and seeds read-only tokens (403 on writes) through the control API", async () => {
    const a = await account(v);
    const extra = await vControl(v).post(`/accounts/${a.accountId}/tokens`, { scope: "read" });
    expect(extra.status).toBe(201);
    expect((await api(v, extra.body.token)("POST", "/integrations/azure", create)).status).toBe(403);
    expect((await api(v, extra.body.token)("GET", "/me")).status).toBe(200);
    expect((await vControl(v).post(`/tokens/${extra.body.token}/revoke`)).status).toBe(204);
    expect((await api(v, extra.body.token)("GET", "/me")).status).toBe(401);
    const state = await vControl(v).state();
    const tokens = state.accounts.find((x: { id: string }) => x.id === a.accountId).tokens;
    expect(tokens).toContainEqual({ token: extra.body.token, scope: "read", revoked: true });
  });
});

describe("control API checks", () => {
  it("refuses faults and accounts it cannot honour, with a sentence", async () => {
    const c = vControl(v);
    expect((await c.post("/faults", { path: "/me" })).body.error).toMatch(/needs status, drop or latencyMs/);
    expect((await c.post("/faults", { path: "me", status: 500 })).status).toBe(400);
    expect((await c.post("/faults", { path: "/me", status: 200 })).status).toBe(400);
    expect((await c.post("/faults", { path: "/me", status: 500, after: true })).status).toBe(400);
    expect((await c.post("/accounts", { tokens: [{ scope: "admin" }] })).body.error).toMatch(/scope must be/);
    expect((await c.post("/tokens/nope/revoke")).status).toBe(404);
    expect((await c.post("/settings", { delays: "slow" })).status).toBe(400);
    expect((await c.post("/settings", { delays: "test" })).body.delays).toEqual({
      pendingMs: 300,
      importingMs: 300,
    });
    await c.post("/settings", { delays: { pendingMs: 600_000, importingMs: 600_000 } });
  });
});
