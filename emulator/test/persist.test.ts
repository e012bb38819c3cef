/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers are checked by assertions, not by types. */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import {
  arm,
  call,
  clientCredentials,
  control,
  graph,
  GRAPH_SCOPES,
  refreshFor,
  registerPortal,
  TEST_DATA_DIR,
  userGraphTokens,
} from "./helpers";
import { parseState, snapshotState, STATE_VERSION } from "../src/persist";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../src/server";
import { DELAY_PROFILES } from "../src/settings";
import { Store } from "../src/store";
import type { World } from "../src/world";

const V = "api-version=2024-04-01";
const READER = "50000000-aaaa-bbbb-cccc-100000000002";
const ARM_SCOPE = "https://management.azure.com/user_impersonation offline_access";

const dirs: string[] = [];
const running: RunningEmulator[] = [];

/** A fresh data folder holding the test CA (the one in NODE_EXTRA_CA_CERTS) and the test keys. */
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-persist-"));
  dirs.push(dir);
  for (const f of [
    "ca.crt",
    "ca.key",
    "server.crt",
    "server.key",
    "token-signing.key",
    "token-signing.crt",
    "refresh-token.key",
  ])
    fs.copyFileSync(path.join(TEST_DATA_DIR, f), path.join(dir, f));
  return dir;
}

async function start(dir: string, extra: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator({
    port: 0,
    dataDir: dir,
    delays: "test",
    persist: true,
    scenario: "contoso",
    ...extra,
  });
  running.push(emu);
  return emu;
}

afterAll(async () => {
  for (const emu of running) await emu.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("persistence (--persist)", () => {
  it("restores apps, secrets, service principals, billing roles, consents and refresh tokens after a restart", async () => {
    const dir = dataDir();
    const first = await start(dir);
    expect(first.state).toEqual({ file: path.join(dir, "state.json"), restored: false });
    const tenantId = first.seeded!.tenantId;
    const mca = first.seeded!.billingAccounts.mca!.name;
    await control(first).settings(tenantId, { delays: DELAY_PROFILES.none });
    const portal = await registerPortal(first);
    const adele = first.seeded!.users.admin!.userPrincipalName;
    const tokens = await userGraphTokens(first, portal, tenantId, adele, "org");
    const g = graph(first, tokens.access_token);
    const app = (await g("POST", "/applications", { displayName: "billing-reader" })).body;
    const secret = (
      await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: { displayName: "s" } })
    ).body.secretText as string;
    const sp = (await g("POST", "/servicePrincipals", { appId: app.appId })).body;
    const armToken = (await refreshFor(first, portal, tenantId, tokens.refresh_token, ARM_SCOPE)).body
      .access_token;
    const assigned = await arm(first, armToken)(
      "POST",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}/createBillingRoleAssignment?${V}`,
      {
        principalId: sp.id,
        principalTenantId: tenantId,
        roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${mca}/billingRoleDefinitions/${READER}`,
      },
    );
    expect(assigned.status).toBe(200);
    // Saved shortly after the change, before any shutdown.
    await new Promise((r) => setTimeout(r, 700));
    const saved = parseState(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    expect(saved.store.assignmentsOf(mca).map((a) => a.principalId)).toContain(sp.id);
    const before = await control(first).state(tenantId);
    await first.close();

    const file = path.join(dir, "state.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, "utf8")).version).toBe(STATE_VERSION);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const second = await start(dir);
    expect(second.state?.restored).toBe(true);
    // The fixed-id preset resumes the restored tenant instead of replacing it.
    expect(second.seeded).toEqual(first.seeded);
    const after = await control(second).state(tenantId);
    expect(after.applications).toEqual(before.applications);
    expect(after.servicePrincipals).toEqual(before.servicePrincipals);
    expect(after.consents).toEqual(before.consents);
    expect(after.created).toEqual(before.created);
    expect(after.tenant.settings.delays).toEqual(DELAY_PROFILES.none);
    const account = after.billingAccounts.find((a: any) => a.name === mca);
    expect(account.roleAssignments).toEqual(
      before.billingAccounts.find((a: any) => a.name === mca).roleAssignments,
    );
    expect(account.roleAssignments.map((a: any) => a.principalId)).toContain(sp.id);
    expect(account.costRows).toBeGreaterThan(0);
    expect(after.applications.map((a: any) => a.appId)).toContain(app.appId);
    expect(after.servicePrincipals.map((s: any) => s.id)).toContain(sp.id);

    // The old secret still signs the app in, and its billing role still lets it read the account.
    const cc = await clientCredentials(second, tenantId, app.appId, secret);
    expect(cc.status).toBe(200);
    const asApp = await arm(second, cc.body.access_token)(
      "GET",
      `/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(mca)}?${V}`,
    );
    expect(asApp.status).toBe(200);
    expect((await clientCredentials(second, tenantId, app.appId, "wrong")).status).toBe(401);

    // The portal's refresh token from before the restart still redeems (client and consent were kept).
    const refreshed = await refreshFor(second, portal, tenantId, tokens.refresh_token, GRAPH_SCOPES);
    expect(refreshed.status).toBe(200);
    const me = await graph(second, refreshed.body.access_token)("GET", "/me");
    expect(me.body.userPrincipalName).toBe(adele);
    const apps = await graph(second, refreshed.body.access_token)("GET", "/applications");
    expect(apps.body.value.map((a: any) => a.appId)).toEqual([app.appId]);
    await second.close();
  });

  it("starts fresh, with one line on stderr, from a state file of another version", async () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify({ version: 0, store: {} }));
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let emu: RunningEmulator;
    try {
      emu = await start(dir);
    } finally {
      process.stderr.write = write;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ignoring .*state\.json \(version 0 is not 1\); starting fresh/);
    expect(emu.state?.restored).toBe(false);
    expect((await control(emu).get("/tenants")).body.value.map((t: any) => t.domain)).toEqual([
      "contoso.onmicrosoft.com",
    ]);
    // The start wrote a valid file over it.
    expect(JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")).version).toBe(STATE_VERSION);
    await emu.close();
  });

  it("keeps Maps, Sets, Dates and stored objects that look like tags through a round trip", () => {
    const store = new Store();
    store.consent("t1", "C1").users.set("u1", new Set(["graph|User.Read"]));
    store.consent("t1", "C1").admin.add("arm|user_impersonation");
    store.applications.set("a1", {
      id: "a1",
      appId: "app-1",
      tenantId: "t1",
      displayName: "x",
      uniqueName: null,
      signInAudience: "AzureADMyOrg",
      createdDateTime: "2025-01-01T00:00:00Z",
      createdAt: 1,
      replicatedAt: 2,
      ownerIds: [],
      passwordCredentials: [],
      props: { tags: ["a"], $t: "Map", v: [], when: new Date("2025-02-03T04:05:06.000Z"), gone: undefined },
    });
    store.nextSeq();
    const world = {
      store,
      revokedRefreshTokens: new Set(["jti-1"]),
      clockOffsetMs: 42,
    } as unknown as World;
    const back = parseState(snapshotState(world));
    expect(back.store.consents.get("t1|c1")).toEqual({
      tenantId: "t1",
      clientId: "c1",
      admin: new Set(["arm|user_impersonation"]),
      users: new Map([["u1", new Set(["graph|User.Read"])]]),
    });
    const props = back.store.applications.get("a1")!.props;
    expect(props).toEqual({ tags: ["a"], $t: "Map", v: [], when: new Date("2025-02-03T04:05:06.000Z") });
    expect(props.when).toBeInstanceOf(Date);
    expect(back.store.nextSeq()).toBe(2);
    expect(back.revokedRefreshTokens).toEqual(new Set(["jti-1"]));
    expect(back.clockOffsetMs).toBe(42);
    expect(() => parseState(JSON.stringify({ version: STATE_VERSION, store: { users: [] } }))).toThrow();
  });

  it("saves on SIGTERM (CLI --persist)", async () => {
    const dir = dataDir();
    const child = spawn(
      "npx",
      ["tsx", "emulator/src/main.ts", "--port", "0", "--data-dir", dir, "--seed", "contoso", "--persist"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 20_000;
    while (!out.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/ · state kept in .*state\.json\n$/);
    const info = JSON.parse(fs.readFileSync(path.join(dir, "emulator.json"), "utf8"));
    const reg = await call(`${info.baseUrl}/_emulator/clients`, {
      method: "POST",
      json: { displayName: "Saved on exit", redirectUris: ["http://localhost:3000/cb"] },
    });
    expect(reg.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // At once, well inside the save delay: only the shutdown can have written the client.
    process.kill(info.pid, "SIGTERM");
    expect(await exited).toBe(0);
    const saved = parseState(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
    expect(saved.store.clients.get(reg.body.clientId)?.displayName).toBe("Saved on exit");
  });
});
