/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { arm, call, control, graph, seedFast, startTestEmulator } from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let t: SeedResult;
let other: SeedResult;
let graphToken: string;
let armToken: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await seedFast(emu);
  other = await seedFast(emu);
  graphToken = await control(emu).token({
    tenantId: t.tenantId,
    user: t.users.admin!.id,
    resource: "graph",
    scopes: ["User.Read", "Application.ReadWrite.All"],
  });
  armToken = await control(emu).token({ tenantId: t.tenantId, user: t.users.admin!.id, resource: "arm" });
});
afterAll(() => emu.close());

describe("faults", () => {
  it("answers in each service's own error shape and counts down", async () => {
    const c = control(emu);
    await c.post("/faults", {
      faults: [
        { method: "GET", path: "^/graph/v1\\.0/me$", status: 503, count: 2 },
        { path: "/billingAccounts$", status: 500, code: "InternalServerError", message: "Boom" },
        { path: "/oauth2/v2\\.0/token$", status: 503 },
      ],
    });
    const g = graph(emu, graphToken);
    const first = await g("GET", "/me");
    expect(first.status).toBe(503);
    expect(first.body.error.code).toBe("ServiceUnavailable");
    expect(first.body.error.innerError["request-id"]).toBeTruthy();
    expect((await g("GET", "/me")).status).toBe(503);
    expect((await g("GET", "/me")).status).toBe(200);
    const a = await arm(emu, armToken)(
      "GET",
      "/providers/Microsoft.Billing/billingAccounts?api-version=2024-04-01",
    );
    expect(a.status).toBe(500);
    expect(a.body).toEqual({ error: { code: "InternalServerError", message: "Boom" } });
    expect(a.headers.get("x-ms-request-id")).toBeTruthy();
    const token = await call(`${emu.baseUrl}/${t.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      form: { grant_type: "client_credentials" },
    });
    expect(token.status).toBe(503);
    expect(token.body.error).toBe("ServiceUnavailable");
    expect(token.body.error_description).toMatch(/^AADSTS\d+: /);
    const list = await c.get("/faults");
    expect(list.body.value.every((f: any) => f.remaining === 0)).toBe(true);
    await c.del("/faults");
    expect((await c.get("/faults")).body.value).toEqual([]);
  });

  it("matches a tenant only, adds latency, and can drop the connection", async () => {
    const c = control(emu);
    await c.post("/faults", {
      path: "^/graph/v1\\.0/organization$",
      tenantId: other.tenantId,
      status: 429,
      retryAfter: 3,
      count: 0,
    });
    const g = graph(emu, graphToken);
    expect((await g("GET", "/organization")).status).toBe(200);
    const otherToken = await c.token({
      tenantId: other.tenantId,
      user: other.users.admin!.id,
      resource: "graph",
    });
    const throttled = await graph(emu, otherToken)("GET", "/organization");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    expect((await graph(emu, otherToken)("GET", "/organization")).status).toBe(429);
    await c.del("/faults");

    await c.post("/faults", { path: "^/graph/v1\\.0/me$", latencyMs: 400 });
    const started = Date.now();
    expect((await g("GET", "/me")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);

    const drop = await c.post("/faults", { path: "^/graph/v1\\.0/me$", drop: true });
    await expect(g("GET", "/me")).rejects.toThrow();
    expect((await g("GET", "/me")).status).toBe(200);
    expect((await c.del(`/faults/${drop.body.id}`)).status).toBe(204);
    expect((await c.del(`/faults/${drop.body.id}`)).status).toBe(404);
  });

  it("with after, lets the service act and then holds or drops its answer", async () => {
    const c = control(emu);
    const g = graph(emu, graphToken);
    const apps = async () => ((await c.state(t.tenantId)).applications as any[]).length;
    const before = await apps();
    await c.post("/faults", {
      method: "POST",
      path: "^/graph/v1\\.0/applications$",
      after: true,
      drop: true,
    });
    await expect(g("POST", "/applications", { displayName: "dropped-answer" })).rejects.toThrow();
    expect(await apps()).toBe(before + 1); // the write happened; only its answer was lost

    await c.post("/faults", {
      method: "POST",
      path: "^/graph/v1\\.0/applications$",
      after: true,
      latencyMs: 1500,
    });
    const started = Date.now();
    let answered = false;
    const pending = g("POST", "/applications", { displayName: "late-answer" }).finally(() => {
      answered = true;
    });
    while ((await apps()) === before + 1) await new Promise((r) => setTimeout(r, 10));
    expect(answered).toBe(false); // the write is visible while its answer waits
    expect((await pending).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1480);

    expect((await c.post("/faults", { path: "x", after: true, status: 500 })).status).toBe(400);
    expect((await c.post("/faults", { path: "x", after: true })).status).toBe(400);
  });

  it("with expireTokens, expires the tenant's tokens as the request arrives", async () => {
    const c = control(emu);
    const token = await c.token({ tenantId: t.tenantId, user: t.users.admin!.id, resource: "graph" });
    const g = graph(emu, token);
    expect((await g("GET", "/me")).status).toBe(200);
    await c.post("/faults", {
      path: "^/graph/v1\\.0/me$",
      tenantId: t.tenantId,
      expireTokens: true,
      latencyMs: 1_100,
    });
    const refused = await g("GET", "/me");
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toBe("Lifetime validation failed, the token is expired.");
    expect((await g("GET", "/me")).status).toBe(401); // the token stays expired
    const fresh = await c.token({ tenantId: t.tenantId, user: t.users.admin!.id, resource: "graph" });
    expect((await graph(emu, fresh)("GET", "/me")).status).toBe(200);
    expect((await c.post("/faults", { path: "x", after: true, drop: true, expireTokens: true })).status).toBe(
      400,
    );
  });

  it("rejects malformed faults", async () => {
    const c = control(emu);
    expect((await c.post("/faults", { path: "(", status: 500 })).status).toBe(400);
    expect((await c.post("/faults", { path: "x" })).status).toBe(400);
    expect((await c.post("/faults", { status: 500 })).status).toBe(400);
  });

  it("never applies to the control API", async () => {
    const c = control(emu);
    await c.post("/faults", { path: ".*", status: 500, count: 0 });
    expect((await c.get("/health")).status).toBe(200);
    await c.del("/faults");
  });
});
