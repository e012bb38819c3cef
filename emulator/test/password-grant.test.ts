/**
 * Sign-in without a browser, as the Azure CLI does it: user realm discovery, the password grant for the
 * CLI's first-party public client, Entra's errors for it, and tokens for the emulator's own Graph URL
 * (what a custom cloud names Graph by). Debian's real `az` drives all of it in
 * lib/onboardings/manual/cli.az.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  control,
  type Reply,
  decodeJwt,
  graph,
  registerPortal,
  seedFast,
  startTestEmulator,
} from "./helpers";
import { AZURE_CLI } from "../src/entra/first-party";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

const PASSWORD = "Correct horse 1!";
const CLI = AZURE_CLI.clientId;
// What MSAL for Python sends for the Azure CLI: the resource's "/.default" plus the sign-in scopes.
const ARM_SCOPES = "https://management.core.windows.net//.default offline_access openid profile";

let emu: RunningEmulator;
let contoso: SeedResult;
let other: SeedResult;

beforeAll(async () => {
  emu = await startTestEmulator();
  contoso = await seedFast(emu, { preset: "contoso", passwords: { admin: PASSWORD } });
  other = await seedFast(emu, {
    name: "Northwind",
    users: [{ key: "boss", displayName: "Nora Boss", password: "Another 2!" }],
  });
});
afterAll(() => emu.close());

const upn = (key: string) => contoso.users[key]!.userPrincipalName;

function token(tenant: string, form: Record<string, string>) {
  return call(`${emu.baseUrl}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    form: { grant_type: "password", client_id: CLI, scope: ARM_SCOPES, client_info: "1", ...form },
  });
}

function expectEntraError(r: Reply, status: number, error: string, code: number) {
  expect(r.status, r.text).toBe(status);
  expect(r.body.error).toBe(error);
  expect(r.body.error_codes).toEqual([code]);
  expect(r.body.error_description).toMatch(new RegExp(`^AADSTS${code}: .+ Trace ID: .+ Correlation ID: .+`));
}

describe("user realm discovery", () => {
  it("calls every emulated tenant's domain managed, and other domains unknown", async () => {
    const managed = await call(`${emu.baseUrl}/common/userrealm/${upn("admin")}?api-version=1.0`);
    expect(managed.status).toBe(200);
    expect(managed.body).toMatchObject({
      ver: "1.0",
      account_type: "Managed",
      domain_name: contoso.domain,
      cloud_audience_urn: "urn:federation:MicrosoftOnline",
    });
    const unknown = await call(`${emu.baseUrl}/common/userrealm/someone@example.org?api-version=1.0`);
    expect(unknown.body).toMatchObject({ ver: "1.0", account_type: "Unknown" });
    expect(unknown.body.domain_name).toBeUndefined();
  });
});

describe("the password grant for the Azure CLI (a first-party public client)", () => {
  it("signs a seeded user in without consent and returns tokens for the one resource asked", async () => {
    const r = await token(contoso.tenantId, { username: upn("admin"), password: PASSWORD });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer" });
    expect(r.body.refresh_token).toBeTruthy();
    expect(r.body.id_token).toBeTruthy();
    expect(r.body.client_info).toBeTruthy();
    const { claims } = decodeJwt(r.body.access_token);
    expect(claims).toMatchObject({
      aud: "https://management.core.windows.net/",
      tid: contoso.tenantId,
      oid: contoso.users.admin!.id,
      appid: CLI,
      amr: ["pwd"],
    });
    expect(claims.scp.split(" ")).toContain("user_impersonation");
    expect(decodeJwt(r.body.id_token).claims.aud).toBe(CLI);
  });

  it("works at organizations, and the tenant's domain", async () => {
    for (const segment of ["organizations", contoso.domain]) {
      const r = await token(segment, { username: upn("admin"), password: PASSWORD });
      expect(r.status, r.text).toBe(200);
      expect(decodeJwt(r.body.access_token).claims.tid).toBe(contoso.tenantId);
    }
  });

  it("refreshes into a Graph token named by the emulator's own Graph URL, which Graph accepts", async () => {
    const signIn = await token(contoso.tenantId, { username: upn("admin"), password: PASSWORD });
    const port = emu.port;
    for (const graphUrl of [`${emu.baseUrl}/graph/`, `https://localhost:${port}/graph/`]) {
      const r = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        form: {
          grant_type: "refresh_token",
          client_id: CLI,
          refresh_token: signIn.body.refresh_token,
          scope: `${graphUrl}/.default offline_access openid profile`,
        },
      });
      expect(r.status, r.text).toBe(200);
      const { claims } = decodeJwt(r.body.access_token);
      expect(claims.aud).toBe(graphUrl.replace(/\/$/, ""));
      expect(claims.scp.split(" ")).toEqual(expect.arrayContaining(["Application.ReadWrite.All"]));
      const me = await graph(emu, r.body.access_token)("GET", "/me");
      expect(me.status, me.text).toBe(200);
      expect(me.body.userPrincipalName).toBe(upn("admin"));
    }
    // Another server's /graph is no name of Graph here.
    const foreign = await token(contoso.tenantId, {
      username: upn("admin"),
      password: PASSWORD,
      scope: "https://example.org/graph//.default",
    });
    expectEntraError(foreign, 400, "invalid_resource", 500011);
  });

  it("answers a wrong password with AADSTS50126", async () => {
    const r = await token(contoso.tenantId, { username: upn("admin"), password: "wrong" });
    expectEntraError(r, 400, "invalid_grant", 50126);
    expect(r.body.error_description).toContain(
      "Error validating credentials due to invalid username or password.",
    );
  });

  it("answers an unknown user, or one of another tenant, with AADSTS50034", async () => {
    for (const username of [`nobody@${contoso.domain}`, other.users.boss!.userPrincipalName]) {
      const r = await token(contoso.tenantId, { username, password: "Another 2!" });
      expectEntraError(r, 400, "invalid_grant", 50034);
      expect(r.body.error_description).not.toContain(username);
    }
  });

  it("answers a user without a password with AADSTS50056", async () => {
    const r = await token(contoso.tenantId, { username: upn("billingOwner"), password: PASSWORD });
    expectEntraError(r, 400, "invalid_grant", 50056);
  });

  it("refuses /common with AADSTS9001023, and a secret from a public client with AADSTS700025", async () => {
    const common = await token("common", { username: upn("admin"), password: PASSWORD });
    expectEntraError(common, 400, "invalid_request", 9001023);
    const withSecret = await token(contoso.tenantId, {
      username: upn("admin"),
      password: PASSWORD,
      client_secret: "anything",
    });
    expectEntraError(withSecret, 401, "invalid_client", 700025);
  });

  it("asks for the username and password", async () => {
    const r = await token(contoso.tenantId, { password: PASSWORD });
    expectEntraError(r, 400, "invalid_request", 900144);
    expect(r.body.error_description).toContain("'username'");
  });

  it("gives the public client no app-only tokens", async () => {
    const r = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      form: {
        grant_type: "client_credentials",
        client_id: CLI,
        scope: "https://management.azure.com/.default",
      },
    });
    expectEntraError(r, 401, "invalid_client", 7000218);
  });
});

describe("the password grant for other clients", () => {
  it("needs a confidential client's secret and its consent, as any grant", async () => {
    const portal = await registerPortal(emu);
    const form = { username: upn("admin"), password: PASSWORD, client_id: portal.clientId };
    expectEntraError(await token(contoso.tenantId, form), 401, "invalid_client", 7000218);
    const r = await token(contoso.tenantId, { ...form, client_secret: portal.clientSecret });
    expectEntraError(r, 400, "invalid_grant", 65001);
    expect(r.body.suberror).toBe("consent_required");
  });
});

describe("passwords through the control API", () => {
  it("sets and clears a user's password, and never shows it", async () => {
    const c = control(emu);
    const set = await c.post(`/tenants/${contoso.tenantId}/users/${upn("appAdmin")}`, { password: "New 3!" });
    expect(set.status).toBe(200);
    expect(set.text).not.toContain("New 3!");
    expect((await token(contoso.tenantId, { username: upn("appAdmin"), password: "New 3!" })).status).toBe(
      200,
    );
    const state = await c.state(contoso.tenantId);
    expect(JSON.stringify(state)).not.toMatch(/New 3!|scrypt/);
    await c.post(`/tenants/${contoso.tenantId}/users/${upn("appAdmin")}`, { password: "" });
    const cleared = await token(contoso.tenantId, { username: upn("appAdmin"), password: "New 3!" });
    expectEntraError(cleared, 400, "invalid_grant", 50056);
  });

  it("refuses a password for a user the scenario does not have", async () => {
    const r = await control(emu).post("/scenarios", { preset: "contoso", passwords: { nobody: "x" } });
    expect(r.status).toBe(400);
    expect(r.text).toContain("Unknown user 'nobody' in passwords");
  });
});
