import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  control,
  graph,
  registerPortal,
  seedFast,
  sleep,
  startTestEmulator,
  userGraphTokens,
} from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let portal: { clientId: string; clientSecret: string };

beforeAll(async () => {
  emu = await startTestEmulator();
  portal = await registerPortal(emu);
});
afterAll(() => emu.close());

async function adminToken(t: SeedResult, key = "admin"): Promise<string> {
  return (await userGraphTokens(emu, portal, t.tenantId, t.users[key]!.userPrincipalName)).access_token;
}

async function adminGraph(t: SeedResult, key = "admin") {
  return graph(emu, await adminToken(t, key));
}

describe("Graph envelope and token checks", () => {
  it("sends request-id, echoes client-request-id, and answers 401 InvalidAuthenticationToken without a token", async () => {
    const r = await graph(emu, undefined)("GET", "/organization", undefined, {
      "client-request-id": "abc-123",
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("InvalidAuthenticationToken");
    expect(r.body.error.message).toBe("Access token is empty.");
    expect(r.body.error.innerError["client-request-id"]).toBe("abc-123");
    expect(r.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get("client-request-id")).toBe("abc-123");
    expect(r.headers.get("www-authenticate")).toContain('client_id="00000003-0000-0000-c000-000000000000"');
  });

  it("rejects an ARM token (wrong audience), an expired token and a forged signature", async () => {
    const t = await seedFast(emu);
    const c = control(emu);
    const armToken = await c.token({ tenantId: t.tenantId, user: t.users.admin!.id, resource: "arm" });
    expect((await graph(emu, armToken)("GET", "/me")).body.error.message).toBe(
      "Access token validation failure. Invalid audience.",
    );
    const expired = await c.token({
      tenantId: t.tenantId,
      user: t.users.admin!.id,
      resource: "graph",
      lifetimeSeconds: -120,
    });
    expect((await graph(emu, expired)("GET", "/me")).body.error.message).toBe(
      "Lifetime validation failed, the token is expired.",
    );
    const good = await c.token({ tenantId: t.tenantId, user: t.users.admin!.id, resource: "graph" });
    const [h, p] = good.split(".");
    const forged = `${h}.${p}.${Buffer.from("forged").toString("base64url")}`;
    expect((await graph(emu, forged)("GET", "/me")).status).toBe(401);
  });

  it("treats tokens as expired after expire-tokens", async () => {
    const t = await seedFast(emu);
    const g = await adminGraph(t);
    expect((await g("GET", "/me")).status).toBe(200);
    await sleep(1100); // tokens issued in the same second as the switch count as expired
    await control(emu).post(`/tenants/${t.tenantId}/expire-tokens`, {});
    expect((await g("GET", "/me")).status).toBe(401);
  });
});

describe("organization, me and authorizationPolicy", () => {
  it("returns the tenant and the user", async () => {
    const t = await seedFast(emu);
    const g = await adminGraph(t);
    const org = await g("GET", "/organization");
    expect(org.status).toBe(200);
    expect(org.body.value[0]).toMatchObject({
      id: t.tenantId,
      displayName: "Contoso",
      verifiedDomains: [{ name: t.domain, isDefault: true, isInitial: true }],
    });
    const me = await g("GET", "/me?$select=id,userPrincipalName,displayName");
    expect(me.body).toMatchObject({
      id: t.users.admin!.id,
      userPrincipalName: t.users.admin!.userPrincipalName,
      displayName: "Adele Vance",
    });
    expect(Object.keys(me.body).sort()).toEqual(["@odata.context", "displayName", "id", "userPrincipalName"]);
    expect(me.headers.get("content-type")).toContain("application/json");
    // Policy.Read.All was not granted: Graph refuses.
    expect((await g("GET", "/policies/authorizationPolicy")).status).toBe(403);
    const withPolicy = await control(emu).token({
      tenantId: t.tenantId,
      user: t.users.admin!.id,
      resource: "graph",
      scopes: ["Policy.Read.All"],
    });
    const policy = await graph(emu, withPolicy)("GET", "/policies/authorizationPolicy");
    expect(policy.body.defaultUserRolePermissions.allowedToCreateApps).toBe(false);
  });
});

describe("applications", () => {
  it("creates apps only for users allowed to register them", async () => {
    const t = await seedFast(emu);
    // Megan could not consent to Application.ReadWrite.All herself; mint her a token that has it anyway.
    const meganToken = await control(emu).token({
      tenantId: t.tenantId,
      user: t.users.billingOwner!.id,
      resource: "graph",
      scopes: ["Application.ReadWrite.All", "User.Read"],
    });
    const denied = await graph(emu, meganToken)("POST", "/applications", { displayName: "vantage" });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("Authorization_RequestDenied");
    await control(emu).settings(t.tenantId, { authorizationPolicy: { allowedToCreateApps: true } });
    expect((await graph(emu, meganToken)("POST", "/applications", { displayName: "vantage" })).status).toBe(
      201,
    );
    const alex = await adminGraph(t, "appAdmin");
    const created = await alex("POST", "/applications", {
      displayName: "vantage",
      signInAudience: "AzureADMyOrg",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      displayName: "vantage",
      signInAudience: "AzureADMyOrg",
      passwordCredentials: [],
    });
    expect(created.body.id).not.toBe(created.body.appId);
    expect(created.headers.get("location")).toContain(created.body.id);
  });

  it("validates bodies like Graph", async () => {
    const t = await seedFast(emu);
    const token = await adminToken(t);
    const g = graph(emu, token);
    expect((await g("POST", "/applications", {})).body.error.code).toBe("Request_BadRequest");
    expect((await g("POST", "/applications", { displayName: "x", bogus: 1 })).body.error.message).toContain(
      "'bogus' does not exist",
    );
    expect((await g("POST", "/applications", { displayName: "x", signInAudience: "Everyone" })).status).toBe(
      400,
    );
    expect((await g("POST", "/applications", { displayName: "x", passwordCredentials: [] })).status).toBe(
      400,
    );
    const bad = await call(`${emu.baseUrl}/graph/v1.0/applications`, {
      method: "POST",
      body: "{nope",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("BadRequest");
  });

  it("upserts by uniqueName: 201 when created, 204 when updated, 404 without Prefer", async () => {
    const t = await seedFast(emu);
    const g = await adminGraph(t);
    const key = "/applications(uniqueName='mca-connect-ob-1')";
    expect((await g("PATCH", key, { displayName: "vantage" })).status).toBe(404);
    const created = await g(
      "PATCH",
      key,
      { displayName: "vantage", signInAudience: "AzureADMyOrg" },
      { Prefer: "create-if-missing" },
    );
    expect(created.status).toBe(201);
    expect(created.body.uniqueName).toBe("mca-connect-ob-1");
    const again = await g("PATCH", key, { displayName: "vantage 2" }, { Prefer: "create-if-missing" });
    expect(again.status).toBe(204);
    expect(again.text).toBe("");
    const got = await g("GET", key);
    expect(got.body.displayName).toBe("vantage 2");
    expect((await g("PATCH", key, { uniqueName: "other" })).status).toBe(400);
    const state = await control(emu).state(t.tenantId);
    expect(state.created.applications).toBe(1);
    expect(state.requestCounts["graph PATCH /applications(uniqueName)"]).toBe(4);
  });

  it("lists with $filter, $select, $top and @odata.nextLink paging", async () => {
    const t = await seedFast(emu, { preset: "contoso", settings: { graphPageSize: 2 } });
    const token = await adminToken(t);
    const g = graph(emu, token);
    const apps = [];
    for (let i = 0; i < 5; i++)
      apps.push(
        (
          await g("POST", "/applications", {
            displayName: i < 3 ? "vantage" : `other-${i}`,
            uniqueName: `u-${i}`,
          })
        ).body,
      );
    const byAppId = await g(
      "GET",
      `/applications?$filter=appId eq '${apps[1].appId}'&$select=id,appId,displayName`,
    );
    expect(byAppId.body.value).toEqual([{ id: apps[1].id, appId: apps[1].appId, displayName: "vantage" }]);
    expect(byAppId.body["@odata.context"]).toContain("applications(id,appId,displayName)");
    const byName = await g("GET", "/applications?$filter=displayName eq 'vantage'&$select=id");
    expect(byName.body.value).toHaveLength(2);
    const next = byName.body["@odata.nextLink"] as string;
    expect(next.startsWith(`${emu.baseUrl}/graph/v1.0/applications?`)).toBe(true);
    const page2 = await call(next, { headers: { authorization: `Bearer ${token}` } });
    expect(page2.body.value).toHaveLength(1);
    expect(page2.body["@odata.nextLink"]).toBeUndefined();
    expect((await g("GET", "/applications?$filter=uniqueName eq 'u-4'")).body.value[0].displayName).toBe(
      "other-4",
    );
    expect(
      (await g("GET", "/applications?$filter=startswith(displayName,'other')&$top=10")).body.value,
    ).toHaveLength(2);
    expect((await g("GET", "/applications?$select=nope")).status).toBe(400);
    expect((await g("GET", "/applications?$filter=displayName eq")).status).toBe(400);
    expect((await g("GET", "/applications?$top=1000")).status).toBe(400);
    expect((await g("GET", `/applications(appId='${apps[0].appId}')`)).body.id).toBe(apps[0].id);
    expect((await g("DELETE", `/applications/${apps[0].id}`)).status).toBe(204);
    expect((await g("GET", `/applications/${apps[0].id}`)).status).toBe(404);
  });

  it("adds and removes passwords, never showing the secret again", async () => {
    const t = await seedFast(emu);
    const g = await adminGraph(t);
    const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
    const before = Date.now();
    const pw = await g("POST", `/applications/${app.id}/addPassword`, {
      passwordCredential: { displayName: "vantage-secret" },
    });
    expect(pw.status).toBe(200);
    expect(pw.body.secretText).toMatch(/^[A-Za-z0-9]{3}8Q~[A-Za-z0-9_.~-]{34}$/);
    expect(pw.body.hint).toBe(pw.body.secretText.slice(0, 3));
    const years =
      (Date.parse(pw.body.endDateTime) - Date.parse(pw.body.startDateTime)) / (365.25 * 86_400_000);
    expect(years).toBeGreaterThan(1.99);
    expect(Date.parse(pw.body.startDateTime)).toBeGreaterThanOrEqual(before - 1000);
    expect(
      (
        await g("PATCH", `/applications/${app.id}`, {
          web: { redirectUris: ["https://app.example/cb"] },
          notes: "n",
        })
      ).status,
    ).toBe(204);
    expect((await g("GET", `/applications/${app.id}?$select=web,notes`)).body).toMatchObject({
      notes: "n",
      web: { redirectUris: ["https://app.example/cb"] },
    });
    const byAppId = await g("POST", `/applications(appId='${app.appId}')/addPassword`, {});
    expect(byAppId.status).toBe(200);
    const got = await g("GET", `/applications/${app.id}`);
    expect(got.body.passwordCredentials).toHaveLength(2);
    expect(got.body.passwordCredentials.every((c: { secretText: unknown }) => c.secretText === null)).toBe(
      true,
    );
    expect((await g("POST", `/applications/${app.id}/removePassword`, { keyId: pw.body.keyId })).status).toBe(
      204,
    );
    expect((await g("GET", `/applications/${app.id}`)).body.passwordCredentials).toHaveLength(1);
    const state = await control(emu).state(t.tenantId);
    expect(JSON.stringify(state)).not.toContain(pw.body.secretText);
    expect(state.created.passwordCredentials).toBe(2);
  });

  it("enforces the tenant's app management policy (switchable codes)", async () => {
    const t = await seedFast(emu, {
      preset: "contoso",
      appManagementPolicy: { passwordMaxLifetime: "P180D" },
    });
    const g = await adminGraph(t);
    const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
    const tooLong = await g("POST", `/applications/${app.id}/addPassword`, { passwordCredential: {} });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe("CredentialInvalidLifetimeAsPerAppPolicy");
    const short = await g("POST", `/applications/${app.id}/addPassword`, {
      passwordCredential: { endDateTime: new Date(Date.now() + 90 * 86_400_000).toISOString() },
    });
    expect(short.status).toBe(200);
    await control(emu).settings(t.tenantId, {
      appManagementPolicy: { blockPasswordAddition: true, additionErrorCode: "Request_BadRequest" },
    });
    const blocked = await g("POST", `/applications/${app.id}/addPassword`, {});
    expect(blocked.body.error.code).toBe("Request_BadRequest");
  });
});

describe("service principals and replication", () => {
  it("refuses the SP during the app's replication delay, then creates it once; upsert by appId is 201 then 204", async () => {
    // The 400 alternative; graph-replication.test.ts plays the default 403.
    const t = await seedFast(emu, {
      preset: "contoso",
      settings: { graphSpReplicationError: "bad-request", delays: { appReplicationMs: 600 } },
    });
    const g = await adminGraph(t);
    const app = (await g("POST", "/applications", { displayName: "vantage" })).body;
    const early = await g("POST", "/servicePrincipals", { appId: app.appId });
    expect(early.status).toBe(400);
    expect(early.body.error.code).toBe("Request_BadRequest");
    expect(early.body.error.message).toBe(
      `The appId '${app.appId}' of the service principal does not reference a valid application object.`,
    );
    const earlyUpsert = await g(
      "PATCH",
      `/servicePrincipals(appId='${app.appId}')`,
      {},
      { Prefer: "create-if-missing" },
    );
    expect(earlyUpsert.status).toBe(400);
    await sleep(650);
    const created = await g(
      "PATCH",
      `/servicePrincipals(appId='${app.appId}')`,
      {},
      { Prefer: "create-if-missing" },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      appId: app.appId,
      appOwnerOrganizationId: t.tenantId,
      displayName: "vantage",
      servicePrincipalType: "Application",
    });
    expect(
      (await g("PATCH", `/servicePrincipals(appId='${app.appId}')`, {}, { Prefer: "create-if-missing" }))
        .status,
    ).toBe(204);
    expect((await g("POST", "/servicePrincipals", { appId: app.appId })).status).toBe(409);
    const list = await g("GET", `/servicePrincipals?$filter=appId eq '${app.appId}'&$select=id,appId`);
    expect(list.body.value).toEqual([{ id: created.body.id, appId: app.appId }]);
    expect((await g("GET", `/servicePrincipals/${created.body.id}`)).body.id).toBe(created.body.id);
    const state = await control(emu).state(t.tenantId);
    expect(state.created.servicePrincipals).toBe(1);
    expect(state.servicePrincipals).toHaveLength(1);
    expect((await g("DELETE", `/servicePrincipals/${created.body.id}`)).status).toBe(204);
    expect((await g("GET", `/servicePrincipals?$filter=appId eq '${app.appId}'`)).body.value).toEqual([]);
  });

  it("answers an unknown appId with the same error", async () => {
    const t = await seedFast(emu);
    const g = await adminGraph(t);
    const r = await g("POST", "/servicePrincipals", { appId: "12345678-1234-1234-1234-123456789012" });
    expect(r.body.error.message).toContain("does not reference a valid application object");
  });
});

describe("faults on Graph", () => {
  it("returns 429 with Retry-After in Graph's error shape, for the given count only", async () => {
    const t = await seedFast(emu);
    const g = await adminGraph(t);
    const f = await control(emu).post("/faults", {
      method: "POST",
      path: "^/graph/v1\\.0/applications$",
      tenantId: t.tenantId,
      status: 429,
      retryAfter: 2,
      count: 1,
    });
    expect(f.status).toBe(201);
    const throttled = await g("POST", "/applications", { displayName: "vantage" });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("2");
    expect(throttled.body.error.code).toBe("TooManyRequests");
    expect(throttled.headers.get("request-id")).toBeTruthy();
    expect((await g("POST", "/applications", { displayName: "vantage" })).status).toBe(201);
    expect((await control(emu).state(t.tenantId)).created.applications).toBe(1);
  });
});
