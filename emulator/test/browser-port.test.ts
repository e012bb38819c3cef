/**
 * The browserPort option: the sign-in pages also come over plain HTTP on http://localhost:N, discovery
 * advertises authorize and logout there, and everything else stays on the HTTPS base URL only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  decodeJwt,
  followSignIn,
  GRAPH_SCOPES,
  pkce,
  PORTAL_SCOPES,
  redeem,
  REDIRECT_URI,
  registerPortal,
  seedFast,
  startTestEmulator,
} from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let contoso: SeedResult;
let portal: { clientId: string; clientSecret: string };
let http: string;

beforeAll(async () => {
  emu = await startTestEmulator({ browserPort: 0 });
  http = emu.browserUrl!;
  portal = await registerPortal(emu);
  contoso = await seedFast(emu);
});
afterAll(() => emu.close());

function authorizeQuery(challenge: string, extra: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    client_id: portal.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: PORTAL_SCOPES,
    state: "st-browser",
    response_mode: "query",
    client_info: "1",
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...extra,
  });
}

describe("browser port", () => {
  it("listens on http://localhost with its own port", () => {
    expect(emu.browserPort).toBeGreaterThan(0);
    expect(emu.browserPort).not.toBe(emu.port);
    expect(http).toBe(`http://localhost:${emu.browserPort}`);
  });

  it("makes discovery advertise authorize and logout on it, and nothing else", async () => {
    for (const segment of ["organizations", contoso.tenantId]) {
      const r = await call(`${emu.baseUrl}/${segment}/v2.0/.well-known/openid-configuration`);
      expect(r.status).toBe(200);
      expect(r.body.authorization_endpoint).toBe(`${http}/${segment}/oauth2/v2.0/authorize`);
      expect(r.body.end_session_endpoint).toBe(`${http}/${segment}/oauth2/v2.0/logout`);
      expect(r.body.issuer).toBe(
        `${emu.baseUrl}/${segment === "organizations" ? "{tenantid}" : segment}/v2.0`,
      );
      expect(r.body.token_endpoint).toBe(`${emu.baseUrl}/${segment}/oauth2/v2.0/token`);
      expect(r.body.jwks_uri).toBe(`${emu.baseUrl}/${segment}/discovery/v2.0/keys`);
      expect(r.body.userinfo_endpoint).toBe(`${emu.baseUrl}/graph/oidc/userinfo`);
      expect(r.body.device_authorization_endpoint).toBe(`${emu.baseUrl}/${segment}/oauth2/v2.0/devicecode`);
      const others = Object.entries(r.body as Record<string, unknown>).filter(
        ([k, v]) =>
          typeof v === "string" &&
          v.startsWith(http) &&
          k !== "authorization_endpoint" &&
          k !== "end_session_endpoint",
      );
      expect(others).toEqual([]);
    }
  });

  it("serves the sign-in flow end to end; the HTTPS token endpoint redeems the code", async () => {
    const p = pkce();
    const disco = await call(`${emu.baseUrl}/organizations/v2.0/.well-known/openid-configuration`);
    const authorize = `${disco.body.authorization_endpoint as string}?${authorizeQuery(p.challenge)}`;
    expect(authorize.startsWith(`${http}/organizations/oauth2/v2.0/authorize?`)).toBe(true);

    const picker = await call(authorize);
    expect(picker.status).toBe(200);
    expect(picker.headers.get("content-type")).toMatch(/^text\/html/);
    // Relative form actions keep the browser on the HTTP origin.
    expect(picker.text).toContain('<form method="post" action="/organizations/login">');
    expect(picker.text).not.toContain("https://");

    const signed = await followSignIn(emu, authorize, contoso.users.admin!.userPrincipalName, "org");
    expect(signed.pages).toEqual(["Pick an account", "Permissions requested"]);
    expect(signed.params.state).toBe("st-browser");
    expect(signed.params.code).toBeTruthy();

    const tokens = await redeem(emu, {
      tenant: "organizations",
      ...portal,
      code: signed.params.code!,
      verifier: p.verifier,
      scope: GRAPH_SCOPES,
    });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token as string).claims.iss).toBe(
      `${emu.baseUrl}/${contoso.tenantId}/v2.0`,
    );
  });

  it("redirects to the client's redirect_uri exactly as the HTTPS port does", async () => {
    // Consent was given above, so the picker's answer goes straight to the client.
    const upn = contoso.users.admin!.userPrincipalName;
    for (const base of [http, emu.baseUrl]) {
      const p = pkce();
      const signed = await followSignIn(
        emu,
        `${base}/${contoso.tenantId}/oauth2/v2.0/authorize?${authorizeQuery(p.challenge)}`,
        upn,
      );
      expect(signed.pages).toEqual(["Pick an account"]);
      expect(Object.keys(signed.params).sort()).toEqual(["client_info", "code", "session_state", "state"]);
    }
    const picker = await call(
      `${http}/${contoso.tenantId}/oauth2/v2.0/authorize?${authorizeQuery(pkce().challenge)}`,
    );
    const flow = /name="flow" value="([^"]+)"/.exec(picker.text)![1]!;
    const user = contoso.users.admin!.id;
    const answer = await call(`${http}/${contoso.tenantId}/login`, {
      method: "POST",
      form: { flow, user },
    });
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    // The session cookie works over plain HTTP: not Secure, so SameSite=Lax.
    const cookie = answer.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^emu_sso=/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // ...and a silent sign-in on the HTTP port uses it.
    const silent = await call(
      `${http}/${contoso.tenantId}/oauth2/v2.0/authorize?${authorizeQuery(pkce().challenge, { prompt: "none" })}`,
      { headers: { cookie: cookie.split(";")[0]! } },
    );
    expect(silent.status).toBe(302);
    expect(new URL(silent.headers.get("location")!).searchParams.get("code")).toBeTruthy();
  });

  it("keeps an error's error_uri on the HTTPS base URL", async () => {
    const r = await call(
      `${http}/${contoso.tenantId}/oauth2/v2.0/authorize?${authorizeQuery(pkce().challenge, { response_type: "token" })}`,
    );
    expect(r.status).toBe(302);
    const location = new URL(r.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("unsupported_response_type");
    expect(location.searchParams.get("error_uri")).toBe(`${emu.baseUrl}/error?code=700054`);
  });

  it("serves logout and admin consent", async () => {
    const logout = await call(
      `${http}/${contoso.tenantId}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent("http://localhost:3000/")}`,
    );
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe("http://localhost:3000/");
    expect(logout.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    const admin = await call(`${http}/${contoso.tenantId}/adminconsent?client_id=${portal.clientId}`);
    expect(admin.status).toBe(200);
    expect(admin.text).toContain("Pick an account");
  });

  it("answers 404 with a pointer to the HTTPS base URL for everything else", async () => {
    const notServed: [string, string][] = [
      ["GET", "/"],
      ["GET", "/_emulator"],
      ["GET", "/_emulator/health"],
      ["POST", "/_emulator/scenarios"],
      ["GET", "/organizations/v2.0/.well-known/openid-configuration"],
      ["GET", `/${contoso.tenantId}/v2.0/.well-known/openid-configuration`],
      ["GET", `/${contoso.tenantId}/discovery/v2.0/keys`],
      ["POST", `/${contoso.tenantId}/oauth2/v2.0/token`],
      ["GET", "/common/discovery/instance"],
      ["GET", "/graph/v1.0/me"],
      ["GET", "/arm/subscriptions"],
      ["GET", "/error?code=50011"],
      ["GET", `/${contoso.tenantId}/login`],
      ["GET", "/graph/oauth2/v2.0/authorize"],
    ];
    for (const [method, p] of notServed) {
      const r = await call(`${http}${p}`, { method });
      expect(r.status, `${method} ${p}`).toBe(404);
      expect(r.text).toContain(`Use the HTTPS base URL ${emu.baseUrl}`);
    }
    // The HTTPS port still serves them all.
    expect((await call(`${emu.baseUrl}/_emulator/health`)).status).toBe(200);
    expect((await call(`${emu.baseUrl}/_emulator`)).body.browserUrl).toBe(http);
  });

  it("is off by default: discovery stays on HTTPS", async () => {
    const plain = await startTestEmulator();
    try {
      expect(plain.browserUrl).toBeUndefined();
      const r = await call(`${plain.baseUrl}/organizations/v2.0/.well-known/openid-configuration`);
      expect(r.body.authorization_endpoint).toBe(`${plain.baseUrl}/organizations/oauth2/v2.0/authorize`);
      expect(r.body.end_session_endpoint).toBe(`${plain.baseUrl}/organizations/oauth2/v2.0/logout`);
    } finally {
      await plain.close();
    }
  });
});
