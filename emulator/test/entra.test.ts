import { createPublicKey, verify } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  clientCredentials,
  control,
  decodeJwt,
  formAction,
  formFields,
  graph,
  GRAPH_SCOPES,
  PORTAL_SCOPES,
  redeem,
  REDIRECT_URI,
  refreshFor,
  registerPortal,
  seedFast,
  signIn,
  sleep,
  startTestEmulator,
  userGraphTokens,
} from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let contoso: SeedResult;
let portal: { clientId: string; clientSecret: string };

beforeAll(async () => {
  emu = await startTestEmulator();
  portal = await registerPortal(emu);
  contoso = await seedFast(emu);
});
afterAll(() => emu.close());

const upn = (key: string) => contoso.users[key]!.userPrincipalName;

describe("OIDC discovery and keys", () => {
  it("publishes tenant endpoints with the tenant's issuer", async () => {
    const r = await call(`${emu.baseUrl}/${contoso.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(r.body.issuer).toBe(`${emu.baseUrl}/${contoso.tenantId}/v2.0`);
    expect(r.body.authorization_endpoint).toBe(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/authorize`);
    expect(r.body.token_endpoint).toBe(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/token`);
    expect(r.body.jwks_uri).toBe(`${emu.baseUrl}/${contoso.tenantId}/discovery/v2.0/keys`);
    expect(r.body.end_session_endpoint).toBe(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/logout`);
    expect(r.body.id_token_signing_alg_values_supported).toEqual(["RS256"]);
  });

  it("uses the literal {tenantid} issuer for organizations and common, and accepts a domain", async () => {
    for (const segment of ["organizations", "common"]) {
      const r = await call(`${emu.baseUrl}/${segment}/v2.0/.well-known/openid-configuration`);
      expect(r.body.issuer).toBe(`${emu.baseUrl}/{tenantid}/v2.0`);
      expect(r.body.token_endpoint).toBe(`${emu.baseUrl}/${segment}/oauth2/v2.0/token`);
    }
    const byDomain = await call(`${emu.baseUrl}/${contoso.domain}/v2.0/.well-known/openid-configuration`);
    expect(byDomain.body.issuer).toBe(`${emu.baseUrl}/${contoso.tenantId}/v2.0`);
  });

  it("answers discovery for a tenant's verified custom domain, and AADSTS90002 for an unknown domain", async () => {
    const custom = `fabrikam${Date.now().toString(36)}.example.com`;
    const fabrikam = await control(emu).seed({
      name: "Fabrikam",
      customDomains: [custom.toUpperCase()],
      users: [{ key: "admin", displayName: "Fab Admin", roles: ["Global Administrator"] }],
    });
    expect(fabrikam.customDomains).toEqual([custom]);
    const r = await call(`${emu.baseUrl}/${custom}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(r.body.issuer).toBe(`${emu.baseUrl}/${fabrikam.tenantId}/v2.0`);
    expect(r.body.token_endpoint).toBe(`${emu.baseUrl}/${fabrikam.tenantId}/oauth2/v2.0/token`);

    const token = await control(emu).token({
      tenantId: fabrikam.tenantId,
      user: fabrikam.users.admin!.id,
      resource: "graph",
    });
    const org = await graph(emu, token)("GET", "/organization");
    expect(org.body.value[0].verifiedDomains.map((d: { name: string }) => d.name)).toEqual([
      fabrikam.domain,
      custom,
    ]);

    const unknown = await call(`${emu.baseUrl}/no-such-${custom}/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe("invalid_tenant");
    expect(unknown.body.error_codes).toEqual([90002]);
    expect(unknown.body.error_description).toMatch(/^AADSTS90002: Tenant 'no-such-.*' not found\./);
    await expect(control(emu).seed({ name: "Clash", customDomains: [custom] })).rejects.toThrow(
      /already used/,
    );
  });

  it("answers AADSTS90002 for an unknown tenant", async () => {
    const r = await call(
      `${emu.baseUrl}/11111111-2222-3333-4444-555555555555/v2.0/.well-known/openid-configuration`,
    );
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("invalid_tenant");
    expect(r.body.error_codes).toEqual([90002]);
  });

  it("serves an RS256 JWKS whose key verifies issued id tokens", async () => {
    const keys = await call(`${emu.baseUrl}/${contoso.tenantId}/discovery/v2.0/keys`);
    const [jwk] = keys.body.keys;
    expect(jwk).toMatchObject({ kty: "RSA", use: "sig" });
    const tokens = await userGraphTokens(emu, portal, contoso.tenantId, upn("admin"));
    const [h, p, s] = tokens.id_token.split(".");
    const { header } = decodeJwt(tokens.id_token);
    expect(header.kid).toBe(jwk.kid);
    const ok = verify(
      "RSA-SHA256",
      Buffer.from(`${h}.${p}`),
      createPublicKey({ key: jwk, format: "jwk" }),
      Buffer.from(s!, "base64url"),
    );
    expect(ok).toBe(true);
  });
});

describe("sign-in pages and authorization code with PKCE", () => {
  it("lists the tenant's users with the scenario's first user first", async () => {
    const q = new URLSearchParams({
      client_id: portal.clientId,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: PORTAL_SCOPES,
    });
    const r = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/authorize?${q}`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/html");
    const names = [...r.text.matchAll(/<span class="name">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(names).toEqual([
      "Adele Vance",
      "Alex Wilber",
      "Megan Bowen",
      "Lee Gu",
      "Patti Fernandez",
      "Nestor Wilke",
      "Isaiah Langer",
      "Diego Siciliani",
    ]);
    expect(r.text).toContain("<h1>Pick an account</h1>");
  });

  it("signs an admin in with org-wide consent and returns id, access and refresh tokens", async () => {
    const nonce = "n-123";
    const t = await seedFast(emu);
    const s = await signIn(emu, {
      tenant: t.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: t.users.admin!.userPrincipalName,
      consent: "org",
      nonce,
      state: "abc",
    });
    expect(s.pages).toEqual(["Pick an account", "Permissions requested"]);
    expect(s.params.state).toBe("abc");
    expect(s.params.code).toBeTruthy();
    const r = await redeem(emu, {
      tenant: t.tenantId,
      ...portal,
      code: s.params.code!,
      verifier: s.verifier,
      scope: GRAPH_SCOPES,
    });
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe("Bearer");
    expect(typeof r.body.expires_in).toBe("number");
    expect(r.body.refresh_token).toBeTruthy();
    const id = decodeJwt(r.body.id_token).claims;
    const admin = t.users.admin!;
    expect(id).toMatchObject({
      aud: portal.clientId,
      iss: `${emu.baseUrl}/${t.tenantId}/v2.0`,
      nonce,
      tid: t.tenantId,
      oid: admin.id,
      preferred_username: admin.userPrincipalName,
      name: "Adele Vance",
      ver: "2.0",
    });
    const at = decodeJwt(r.body.access_token).claims;
    expect(at.aud).toBe("https://graph.microsoft.com");
    expect(at.iss).toBe(`https://sts.windows.net/${t.tenantId}/`);
    expect(at.scp.split(" ")).toEqual(expect.arrayContaining(["Application.ReadWrite.All", "User.Read"]));
    expect(at.appid).toBe(portal.clientId);
    expect(at.exp - at.iat).toBeGreaterThan(3000);
    expect(JSON.parse(Buffer.from(r.body.client_info, "base64url").toString())).toEqual({
      uid: admin.id,
      utid: t.tenantId,
    });
  });

  it("redeems a code once only and checks the PKCE verifier", async () => {
    const s = await signIn(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: upn("admin"),
    });
    const wrong = await redeem(emu, {
      tenant: contoso.tenantId,
      ...portal,
      code: s.params.code!,
      verifier: "x".repeat(43),
      scope: GRAPH_SCOPES,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error_codes).toEqual([501481]);
    const missing = await redeem(emu, {
      tenant: contoso.tenantId,
      ...portal,
      code: s.params.code!,
      scope: GRAPH_SCOPES,
    });
    expect(missing.body.error_codes).toEqual([501481]);
    const ok = await redeem(emu, {
      tenant: contoso.tenantId,
      ...portal,
      code: s.params.code!,
      verifier: s.verifier,
      scope: GRAPH_SCOPES,
    });
    expect(ok.status).toBe(200);
    const again = await redeem(emu, {
      tenant: contoso.tenantId,
      ...portal,
      code: s.params.code!,
      verifier: s.verifier,
      scope: GRAPH_SCOPES,
    });
    expect(again.status).toBe(400);
    expect(again.body.error).toBe("invalid_grant");
    expect(again.body.error_codes).toEqual([54005]);
  });

  it("delivers the code by form_post when asked", async () => {
    const s = await signIn(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: upn("admin"),
      responseMode: "form_post",
      state: "fp",
    });
    expect(s.params.state).toBe("fp");
    expect(s.params.code).toBeTruthy();
  });

  it("without a scope parameter, answers for the first resource of the authorization request", async () => {
    const armFirst =
      "openid offline_access https://management.azure.com/user_impersonation https://graph.microsoft.com/User.Read";
    const s = await signIn(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      scope: armFirst,
      upn: upn("admin"),
    });
    const r = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      form: {
        grant_type: "authorization_code",
        client_id: portal.clientId,
        client_secret: portal.clientSecret,
        code: s.params.code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: s.verifier!,
      },
    });
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token).claims.aud).toBe("https://management.azure.com/");
    expect(r.body.id_token).toBeTruthy();
    expect(r.body.refresh_token).toBeTruthy();
  });

  it("refuses two resources in one token request with AADSTS28000", async () => {
    const s = await signIn(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: upn("admin"),
    });
    const r = await redeem(emu, {
      tenant: contoso.tenantId,
      ...portal,
      code: s.params.code!,
      verifier: s.verifier,
      scope: PORTAL_SCOPES,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe("invalid_scope");
    expect(r.body.error_description).toMatch(
      /^AADSTS28000: Provided value for the input parameter scope is not valid because it contains more than one resource\. Scope .+ is not valid\. Trace ID: .+ Correlation ID: .+ Timestamp: /,
    );
    expect(Object.keys(r.body).sort()).toEqual([
      "correlation_id",
      "error",
      "error_codes",
      "error_description",
      "error_uri",
      "timestamp",
      "trace_id",
    ]);
  });

  it("issues an ARM token silently from the refresh token, rotating it", async () => {
    const tokens = await userGraphTokens(emu, portal, contoso.tenantId, upn("admin"));
    const r = await refreshFor(
      emu,
      portal,
      contoso.tenantId,
      tokens.refresh_token,
      "https://management.azure.com/user_impersonation openid profile offline_access",
    );
    expect(r.status).toBe(200);
    const at = decodeJwt(r.body.access_token).claims;
    expect(at.aud).toBe("https://management.azure.com/");
    expect(at.scp).toBe("user_impersonation");
    expect(r.body.scope).toBe("https://management.azure.com/user_impersonation");
    expect(r.body.refresh_token).toBeTruthy();
    expect(r.body.refresh_token).not.toBe(tokens.refresh_token);
    const legacy = await refreshFor(
      emu,
      portal,
      contoso.tenantId,
      r.body.refresh_token,
      "https://management.core.windows.net//user_impersonation",
    );
    expect(decodeJwt(legacy.body.access_token).claims.aud).toBe("https://management.core.windows.net/");
  });

  it("shows an error page for a wrong redirect URI (AADSTS50011) and an unknown client (AADSTS700016), without redirecting", async () => {
    const bad = new URLSearchParams({
      client_id: portal.clientId,
      response_type: "code",
      redirect_uri: "https://evil.example/cb",
      scope: PORTAL_SCOPES,
    });
    const r = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/authorize?${bad}`);
    expect(r.status).toBe(400);
    expect(r.headers.get("location")).toBeNull();
    expect(r.text).toContain("AADSTS50011");
    const unknown = new URLSearchParams({
      client_id: "00000000-1111-2222-3333-444444444444",
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: PORTAL_SCOPES,
    });
    const u = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/authorize?${unknown}`);
    expect(u.text).toContain("AADSTS700016");
  });

  it("redirects with access_denied / AADSTS65004 when consent is cancelled", async () => {
    const t = await seedFast(emu);
    const s = await signIn(emu, {
      tenant: t.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: t.users.admin!.userPrincipalName,
      consent: "cancel",
    });
    expect(s.params.error).toBe("access_denied");
    expect(s.params.error_description).toMatch(/^AADSTS65004: User declined to consent to access the app\./);
  });

  it("asks a non-admin for admin approval, and lets them in after an admin consents for the organisation", async () => {
    const t = await seedFast(emu);
    const megan = t.users.billingOwner!.userPrincipalName;
    const blocked = await signIn(emu, {
      tenant: t.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: megan,
    });
    expect(blocked.pages).toEqual(["Pick an account", "Need admin approval"]);
    expect(blocked.lastHtml).toContain("AADSTS90094");

    // User-consentable scopes only: Megan may consent for herself; no organisation checkbox for her.
    const own = await signIn(emu, {
      tenant: t.tenantId,
      clientId: portal.clientId,
      scope: "openid offline_access https://management.azure.com/user_impersonation",
      upn: megan,
    });
    expect(own.pages).toEqual(["Pick an account", "Permissions requested"]);
    expect(own.params.code).toBeTruthy();

    await signIn(emu, {
      tenant: t.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: t.users.admin!.userPrincipalName,
      consent: "org",
    });
    const after = await signIn(emu, {
      tenant: t.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: megan,
    });
    expect(after.pages).toEqual(["Pick an account"]);
    expect(after.params.code).toBeTruthy();
  });

  it("offers admins the organisation checkbox and answers prompt=none without a session with login_required", async () => {
    const t = await seedFast(emu);
    const q = new URLSearchParams({
      client_id: portal.clientId,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: PORTAL_SCOPES,
      state: "s",
    });
    const picker = await call(`${emu.baseUrl}/${t.tenantId}/oauth2/v2.0/authorize?${q}`);
    const fields = formFields(picker.text);
    const consent = await call(`${emu.baseUrl}${formAction(picker.text)}`, {
      method: "POST",
      form: { ...fields, user: t.users.admin!.id },
    });
    expect(consent.text).toContain("Consent on behalf of your organization");
    const none = await call(`${emu.baseUrl}/${t.tenantId}/oauth2/v2.0/authorize?${q}&prompt=none`);
    expect(none.status).toBe(302);
    expect(new URL(none.headers.get("location")!).searchParams.get("error")).toBe("login_required");
  });

  it("answers a wrong client secret with 401 invalid_client AADSTS7000215", async () => {
    const s = await signIn(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: upn("admin"),
    });
    const r = await redeem(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      clientSecret: "nope",
      code: s.params.code!,
      verifier: s.verifier,
      scope: GRAPH_SCOPES,
    });
    expect(r.status).toBe(401);
    expect(r.body.error).toBe("invalid_client");
    expect(r.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
  });

  it("accepts client_secret_basic and shows the consent page again with prompt=consent", async () => {
    const s = await signIn(emu, {
      tenant: contoso.tenantId,
      clientId: portal.clientId,
      scope: PORTAL_SCOPES,
      upn: upn("admin"),
      extra: { prompt: "consent" },
    });
    expect(s.pages).toEqual(["Pick an account", "Permissions requested"]);
    const basic = Buffer.from(
      `${encodeURIComponent(portal.clientId)}:${encodeURIComponent(portal.clientSecret)}`,
    ).toString("base64");
    const r = await call(`${emu.baseUrl}/${contoso.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "client-request-id": "corr-1" },
      form: {
        grant_type: "authorization_code",
        client_id: portal.clientId,
        code: s.params.code!,
        redirect_uri: REDIRECT_URI,
        code_verifier: s.verifier!,
        scope: GRAPH_SCOPES,
      },
    });
    expect(r.status).toBe(200);
    expect(r.headers.get("client-request-id")).toBe("corr-1");
    expect(r.headers.get("x-ms-request-id")).toBeTruthy();
    expect(r.headers.get("cache-control")).toContain("no-store");
  });

  it("supports /adminconsent for tenant-wide consent", async () => {
    const t = await seedFast(emu);
    const q = new URLSearchParams({ client_id: portal.clientId, redirect_uri: REDIRECT_URI, state: "ac" });
    const picker = await call(`${emu.baseUrl}/${t.tenantId}/adminconsent?${q}`);
    const page = await call(`${emu.baseUrl}${formAction(picker.text)}`, {
      method: "POST",
      form: { ...formFields(picker.text), user: t.users.admin!.id },
    });
    expect(page.text).toContain("Permissions requested");
    const done = await call(`${emu.baseUrl}${formAction(page.text)}`, {
      method: "POST",
      form: { ...formFields(page.text), decision: "accept" },
    });
    const params = new URL(done.headers.get("location")!).searchParams;
    expect(params.get("admin_consent")).toBe("True");
    expect(params.get("tenant")).toBe(t.tenantId);
    const state = await control(emu).state(t.tenantId);
    expect(state.consents[0].admin).toEqual(
      expect.arrayContaining(["https://graph.microsoft.com/Application.ReadWrite.All"]),
    );
  });
});

describe("client credentials for apps created through Graph", () => {
  it("honours app replication, secret activation, expiry and scope rules", async () => {
    const t = await control(emu).seed({
      preset: "contoso",
      settings: {
        graphReadAfterCreate: "consistent", // addPassword at once (graph-replication.test.ts plays the 404)
        delays: {
          appReplicationMs: 800,
          secretActivationMs: 1200,
          billingPrincipalReplicationMs: 0,
          billingRolePropagationMs: 0,
        },
      },
    });
    const tokens = await userGraphTokens(emu, portal, t.tenantId, t.users.admin!.userPrincipalName);
    const g = graph(emu, tokens.access_token);
    const app = (await g("POST", "/applications", { displayName: "vantage", signInAudience: "AzureADMyOrg" }))
      .body;
    const secret = (
      await g("POST", `/applications/${app.id}/addPassword`, {
        passwordCredential: { displayName: "vantage-secret" },
      })
    ).body.secretText;

    const early = await clientCredentials(emu, t.tenantId, app.appId, secret);
    expect(early.status).toBe(400);
    expect(early.body.error).toBe("unauthorized_client");
    expect(early.body.error_codes).toEqual([700016]);

    await sleep(900);
    const noSp = await clientCredentials(emu, t.tenantId, app.appId, secret);
    expect(noSp.body.error_codes).toEqual([7000215]); // the secret is not active yet
    const sp = await g("POST", "/servicePrincipals", { appId: app.appId });
    expect(sp.status).toBe(201);
    await sleep(1300);
    const ok = await clientCredentials(emu, t.tenantId, app.appId, secret);
    expect(ok.status).toBe(200);
    const claims = decodeJwt(ok.body.access_token).claims;
    expect(claims).toMatchObject({
      aud: "https://management.azure.com/",
      tid: t.tenantId,
      appid: app.appId,
      oid: sp.body.id,
      idtyp: "app",
    });
    expect(ok.body.refresh_token).toBeUndefined();

    const wrong = await clientCredentials(emu, t.tenantId, app.appId, "not-the-secret");
    expect(wrong.status).toBe(401);
    expect(wrong.body.error_codes).toEqual([7000215]);

    const two = await clientCredentials(
      emu,
      t.tenantId,
      app.appId,
      secret,
      "https://management.azure.com/.default https://graph.microsoft.com/.default",
    );
    expect(two.body.error_codes).toEqual([70011]);
    const notDefault = await clientCredentials(
      emu,
      t.tenantId,
      app.appId,
      secret,
      "https://management.azure.com/user_impersonation",
    );
    expect(notDefault.body.error_codes).toEqual([1002012]);
    const common = await clientCredentials(emu, "organizations", app.appId, secret);
    expect(common.body.error_codes).toEqual([50194]);

    const now = Date.now();
    const expiring = (
      await g("POST", `/applications/${app.id}/addPassword`, {
        passwordCredential: {
          startDateTime: new Date(now - 3_600_000).toISOString(),
          endDateTime: new Date(now + 1500).toISOString(),
        },
      })
    ).body.secretText;
    await sleep(1700);
    const expired = await clientCredentials(emu, t.tenantId, app.appId, expiring);
    expect(expired.status).toBe(401);
    expect(expired.body.error_description).toMatch(/^AADSTS7000222: The provided client secret keys for app/);
  });
});
