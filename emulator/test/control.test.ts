/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  control,
  graph,
  refreshFor,
  registerPortal,
  startTestEmulator,
  TEST_DATA_DIR,
  userGraphTokens,
} from "./helpers";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe("control API", () => {
  it("seeds the contoso preset with its users replaced, leaving out its roles for the dropped users", async () => {
    const c = control(emu);
    const t = await c.seed({
      preset: "contoso",
      users: [{ key: "admin", displayName: "Quiet Admin", roles: ["Global Administrator"] }],
    });
    const state = await c.state(t.tenantId);
    expect(state.users.map((u: any) => u.displayName)).toEqual(["Quiet Admin"]);
    expect(state.rbacRoleAssignments.map((r: any) => r.principalId)).toEqual([t.users.admin!.id]);
    // A role assignment the spec itself names still has to name a known user.
    const bad = await c.post("/scenarios", {
      preset: "contoso",
      users: [{ key: "admin", displayName: "Quiet Admin" }],
      subscriptions: [{ displayName: "S", roleAssignments: [{ user: "nobody", role: "Owner" }] }],
    });
    expect(bad.status).toBe(400);
  });

  it("seeds the contoso preset with all generated ids, many times side by side", async () => {
    const c = control(emu);
    const a = await c.seed({ preset: "contoso" });
    const b = await c.seed({ preset: "contoso" });
    expect(a.tenantId).not.toBe(b.tenantId);
    expect(a.domain).toMatch(/^contoso[a-z0-9]{6}\.onmicrosoft\.com$/);
    expect(a.usersInOrder.map((u) => u.key)).toEqual([
      "admin",
      "appAdmin",
      "billingOwner",
      "noBilling",
      "globalAdmin",
      "operator",
      "eaAdmin",
      "subscriptionOwner",
    ]);
    expect(a.users.admin!.roles).toEqual(["Global Administrator"]);
    expect(a.billingAccounts.mca!.name).toMatch(/^[0-9a-f-]{36}:[0-9a-f-]{36}_\d{4}-\d{2}-\d{2}$/);
    expect(a.billingAccounts.ea!.name).toMatch(/^\d+$/);
    const state = await c.state(a.tenantId);
    expect(state.tenant.allowedToCreateApps).toBe(false);
    const mca = state.billingAccounts.find((x: any) => x.agreementType === "MicrosoftCustomerAgreement");
    expect(mca.roleAssignments.map((r: any) => r.principalId).sort()).toEqual(
      [a.users.admin!.id, a.users.billingOwner!.id, a.users.appAdmin!.id].sort(),
    );
    expect(mca.costRows).toBeGreaterThan(100);
    expect(state.created).toEqual({
      applications: 0,
      servicePrincipals: 0,
      passwordCredentials: 0,
      billingRoleAssignments: 0,
      rbacRoleAssignments: 0,
    });
  });

  it("seeds a custom tenant with other-tenant, disabled and MOSP accounts", async () => {
    const c = control(emu);
    const home = await c.seed({ name: "Home" });
    const s = await c.seed({
      name: "Northwind",
      users: [
        { key: "boss", displayName: "Nora Boss", roles: ["Global Administrator", "Application Developer"] },
      ],
      authorizationPolicy: { allowedToCreateApps: true },
      billingAccounts: [
        {
          key: "foreign",
          displayName: "Elsewhere",
          primaryBillingTenantId: home.tenantId,
          roleAssignments: [{ user: "boss", role: "reader" }],
        },
        {
          key: "off",
          displayName: "Old",
          accountStatus: "Disabled",
          roleAssignments: [{ user: "boss", role: "owner" }],
        },
        {
          key: "mosp",
          displayName: "Pay-as-you-go",
          agreementType: "MicrosoftOnlineServicesProgram",
          roleAssignments: [{ user: "boss", role: "owner" }],
        },
      ],
      settings: { delayProfile: "real", lro: { probability: 1 } },
    });
    expect(s.billingAccounts.foreign!.primaryBillingTenantId).toBe(home.tenantId);
    const state = await c.state(s.tenantId);
    expect(state.tenant.settings.delays.appReplicationMs).toBe(45_000);
    expect(state.tenant.settings.lro.probability).toBe(1);
    expect(state.billingAccounts).toHaveLength(3);
  });

  it("rejects bad specs with 400 and a message", async () => {
    const c = control(emu);
    const bad = [
      { users: [{ displayName: "X", roles: ["Supreme Leader"] }] },
      { billingAccounts: [{ roleAssignments: [{ user: "nobody", role: "owner" }] }] },
      {
        users: [{ key: "u", displayName: "U" }],
        billingAccounts: [{ roleAssignments: [{ user: "u", role: "EnrollmentReader" }] }],
      },
      { settings: { nonsense: 1 } },
      { settings: { delays: { appReplicationMs: "slow" } } },
      { preset: "fabrikam" },
    ];
    for (const spec of bad) {
      const r = await c.post("/scenarios", spec);
      expect(r.status, JSON.stringify(spec)).toBe(400);
      expect(r.body.error.message).toBeTruthy();
    }
  });

  it("registers clients idempotently for the same clientId", async () => {
    const c = control(emu);
    const first = await registerPortal(emu, {
      clientId: "5f2b1c3d-0000-4000-8000-000000000001",
      clientSecret: "s3cret",
    });
    expect(first).toMatchObject({ clientId: "5f2b1c3d-0000-4000-8000-000000000001", clientSecret: "s3cret" });
    const again = await c.post("/clients", {
      clientId: "5f2b1c3d-0000-4000-8000-000000000001",
      redirectUris: ["http://localhost:4000/cb"],
    });
    expect(again.body).toMatchObject({ clientSecret: "s3cret", redirectUris: ["http://localhost:4000/cb"] });
    const generated = await c.post("/clients", { displayName: "Other" });
    expect(generated.body.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.body.clientSecret).toMatch(/^.{3}8Q~/);
    expect((await c.post("/clients", { clientId: "not-a-guid" })).status).toBe(400);
  });

  it("grants consent, changes settings and user roles, mints tokens and moves the clock", async () => {
    const c = control(emu);
    const t = await c.seed({ preset: "contoso" });
    const client = await registerPortal(emu);
    expect((await c.post("/consents", { tenantId: t.tenantId, clientId: client.clientId })).status).toBe(204);
    const state = await c.state(t.tenantId);
    expect(state.consents[0].admin).toContain("https://management.azure.com/user_impersonation");
    const s = await c.settings(t.tenantId, {
      tokenLifetimeSeconds: 60,
      authorizationPolicy: { allowedToCreateApps: true },
    });
    expect(s.settings.tokenLifetimeSeconds).toBe(60);
    expect(s.authorizationPolicy.allowedToCreateApps).toBe(true);
    expect((await c.post(`/tenants/${t.tenantId}/settings`, { tokenLifetimeSeconds: 0 })).status).toBe(400);
    const roles = await c.post(`/tenants/${t.tenantId}/users/${t.users.billingOwner!.id}`, {
      roles: ["Application Developer"],
      billingElevated: false,
    });
    expect(roles.body.roles).toEqual(["Application Developer"]);
    const token = await c.token({
      tenantId: t.tenantId,
      user: t.users.admin!.userPrincipalName,
      resource: "graph",
    });
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims.exp - claims.iat).toBe(60);
    const clock = await c.post("/clock", { advanceMs: 120_000 });
    expect(clock.body.offsetMs).toBe(120_000);
    const me = await call(`${emu.baseUrl}/graph/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
    await c.post("/clock", { reset: true });
    expect((await c.get("/tenants")).body.value.length).toBeGreaterThan(0);
    expect((await c.del(`/tenants/${t.tenantId}`)).status).toBe(204);
    expect((await c.get(`/tenants/${t.tenantId}/state`)).status).toBe(404);
  });

  it("lists every token and client secret it issued, per tenant, for leak scans", async () => {
    const c = control(emu);
    const t = await c.seed({ preset: "contoso", settings: { delays: { appReplicationMs: 0 } } });
    const other = await c.seed({ preset: "contoso" });
    const client = await registerPortal(emu);
    const tokens = await userGraphTokens(emu, client, t.tenantId, t.users.admin!.userPrincipalName);
    const refreshed = await refreshFor(
      emu,
      client,
      t.tenantId,
      tokens.refresh_token,
      "https://management.azure.com/user_impersonation offline_access",
    );
    const app = await graph(emu, tokens.access_token)("POST", "/applications", { displayName: "vantage" });
    const secret = await graph(emu, tokens.access_token)("POST", `/applications/${app.body.id}/addPassword`, {
      passwordCredential: { displayName: "s" },
    });
    const minted = await c.token({ tenantId: other.tenantId, user: other.users.admin!.id, resource: "arm" });

    const issued = (await c.get(`/issued-credentials?tenant=${t.tenantId}`)).body.value as {
      kind: string;
      tenantId: string;
      value: string;
    }[];
    const values = (kind: string) => issued.filter((x) => x.kind === kind).map((x) => x.value);
    expect(values("accessToken")).toEqual(
      expect.arrayContaining([tokens.access_token, refreshed.body.access_token]),
    );
    expect(values("refreshToken")).toEqual(
      expect.arrayContaining([tokens.refresh_token, refreshed.body.refresh_token]),
    );
    expect(values("idToken")).toContain(tokens.id_token);
    expect(values("clientSecret")).toEqual([secret.body.secretText]);
    expect(issued.every((x) => x.tenantId === t.tenantId)).toBe(true);
    expect(issued.map((x) => x.value)).not.toContain(minted);
    const all = (await c.get("/issued-credentials")).body.value as { value: string }[];
    expect(all.map((x) => x.value)).toContain(minted);
  });

  it("serves the index page and info", async () => {
    const index = await call(`${emu.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(index.text).toContain("Azure emulator");
    const info = await control(emu).get("");
    expect(info.body).toMatchObject({
      baseUrl: emu.baseUrl,
      caPath: emu.caPath,
      endpoints: { graph: `${emu.baseUrl}/graph`, arm: `${emu.baseUrl}/arm`, knownAuthorities: [emu.host] },
    });
  });
});

describe("CLI", () => {
  it("starts, seeds contoso, writes emulator.json, and stops cleanly on SIGTERM", async () => {
    const dataDir = path.join(TEST_DATA_DIR, "cli");
    fs.mkdirSync(dataDir, { recursive: true });
    for (const f of [
      "ca.crt",
      "ca.key",
      "server.crt",
      "server.key",
      "token-signing.key",
      "token-signing.crt",
      "refresh-token.key",
    ]) {
      if (!fs.existsSync(path.join(dataDir, f)))
        fs.copyFileSync(path.join(TEST_DATA_DIR, f), path.join(dataDir, f));
    }
    const child = spawn(
      "npx",
      [
        "tsx",
        "emulator/src/main.ts",
        "--port",
        "0",
        "--data-dir",
        dataDir,
        "--seed",
        "contoso",
        "--delays",
        "test",
        "--no-control",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 20_000;
    while (!out.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(
      /^Azure emulator listening on https:\/\/127\.0\.0\.1:\d+ · demo tenant Contoso [0-9a-f-]{36} · CA .+ca\.crt/,
    );
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, "emulator.json"), "utf8"));
    expect(info.seeded.domain).toBe("contoso.onmicrosoft.com");
    expect(info.caPath).toBe(path.join(dataDir, "ca.crt"));
    const disco = await call(`${info.baseUrl}/${info.seeded.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(disco.status).toBe(200);
    expect((await call(`${info.baseUrl}/_emulator/health`)).status).toBe(404);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    process.kill(info.pid, "SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "emulator.json"))).toBe(false);
  });
});
