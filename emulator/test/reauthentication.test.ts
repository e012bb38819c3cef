/**
 * How recent a sign-in is, as Entra tells it: id tokens carry `auth_time`, the time the user last
 * authenticated, which single sign-on (picking the account the browser is signed in with, or no page at
 * all) keeps; `max_age` and `prompt=login` make the sign-in page show again and the pick count as a new
 * authentication. Driven as a browser would, with the emulator's session cookie carried between pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  control,
  decodeJwt,
  formAction,
  formFields,
  pkce,
  PORTAL_SCOPES,
  redeem,
  REDIRECT_URI,
  registerPortal,
  seedFast,
  startTestEmulator,
  userButtonValue,
  type Reply,
} from "./helpers";
import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";

let emu: RunningEmulator;
let portal: { clientId: string; clientSecret: string };
let tenant: SeedResult;

beforeAll(async () => {
  emu = await startTestEmulator();
  portal = await registerPortal(emu);
  tenant = await seedFast(emu);
  // Consent once for the organisation: the pages below are the sign-in pages only.
  await control(emu).post("/consents", { tenantId: tenant.tenantId, clientId: portal.clientId });
});
afterAll(() => emu.close());

/** A browser: one cookie jar for the emulator's pages. */
function browser() {
  let cookie = "";
  async function go(url: string, init: Parameters<typeof call>[1] = {}): Promise<Reply> {
    const r = await call(url, { ...init, headers: cookie ? { cookie } : {} });
    const set = r.headers.get("set-cookie");
    if (set) {
      const [pair] = set.split(";");
      cookie = pair!.endsWith("=") ? "" : pair!;
    }
    return r;
  }
  return { go, cookie: () => cookie };
}

type Outcome =
  | { page: "picker"; html: string; pick: (upn: string) => Promise<Outcome> }
  | { page: "redirect"; params: Record<string, string>; verifier: string };

async function authorize(
  b: ReturnType<typeof browser>,
  extra: Record<string, string> = {},
): Promise<Outcome> {
  const p = pkce();
  const q = new URLSearchParams({
    client_id: portal.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: PORTAL_SCOPES,
    state: "st",
    code_challenge: p.challenge,
    code_challenge_method: "S256",
    ...extra,
  });
  const url = `${emu.baseUrl}/${tenant.tenantId}/oauth2/v2.0/authorize?${q}`;
  const follow = (r: Reply): Outcome => {
    if (r.status === 302)
      return {
        page: "redirect",
        params: Object.fromEntries(new URL(r.headers.get("location")!).searchParams),
        verifier: p.verifier,
      };
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.text).toContain("<h1>Pick an account</h1>");
    return {
      page: "picker",
      html: r.text,
      pick: async (upn: string) =>
        follow(
          await b.go(new URL(formAction(r.text), url).toString(), {
            method: "POST",
            form: { ...formFields(r.text), user: userButtonValue(r.text, upn) },
          }),
        ),
    };
  };
  return follow(await b.go(url));
}

/** The auth_time of the id token the code is redeemed for. */
async function authTimeOf(outcome: Outcome): Promise<number> {
  if (outcome.page !== "redirect") throw new Error("the sign-in page showed instead of an answer");
  expect(outcome.params.code, JSON.stringify(outcome.params)).toBeTruthy();
  const tokens = await redeem(emu, {
    tenant: tenant.tenantId,
    clientId: portal.clientId,
    clientSecret: portal.clientSecret,
    code: outcome.params.code!,
    verifier: outcome.verifier,
    scope: "openid profile offline_access https://graph.microsoft.com/User.Read",
  });
  expect(tokens.status, tokens.text).toBe(200);
  const claims = decodeJwt(tokens.body.id_token as string).claims as { auth_time: number; iat: number };
  expect(typeof claims.auth_time).toBe("number");
  return claims.auth_time;
}

const adele = () => tenant.users.admin!;

/** Signs Adele in, then makes that sign-in `seconds` old. */
async function signedInEarlier(seconds: number) {
  const b = browser();
  const first = await authorize(b, { prompt: "select_account" });
  if (first.page !== "picker") throw new Error("expected the account picker");
  const at = await authTimeOf(await first.pick(adele().userPrincipalName));
  const aged = await control(emu).post(`/tenants/${tenant.tenantId}/users/${adele().id}/sessions`, {
    olderBySeconds: seconds,
  });
  expect(aged.status, aged.text).toBe(200);
  return { b, signedInAt: at - seconds };
}

describe("auth_time, max_age and prompt=login", () => {
  it("issues auth_time, and keeps it through single sign-on: the account picker and no page at all", async () => {
    const before = Math.floor(Date.now() / 1000);
    const b = browser();
    const first = await authorize(b, { prompt: "select_account" });
    if (first.page !== "picker") throw new Error("expected the account picker");
    const at = await authTimeOf(await first.pick(adele().userPrincipalName));
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));

    await control(emu).post(`/tenants/${tenant.tenantId}/users/${adele().id}/sessions`, {
      olderBySeconds: 3600,
    });
    // Picking the account the browser is signed in with is single sign-on: the same authentication.
    const again = await authorize(b, { prompt: "select_account" });
    if (again.page !== "picker") throw new Error("expected the account picker");
    expect(await authTimeOf(await again.pick(adele().userPrincipalName))).toBe(at - 3600);
    // With the account hinted and no prompt, there is no page at all.
    const silentSso = await authorize(b, { login_hint: adele().userPrincipalName });
    expect(silentSso.page).toBe("redirect");
    expect(await authTimeOf(silentSso)).toBe(at - 3600);
  });

  it("prompt=login shows the sign-in page again, even with a session and a hint, and the pick is a new authentication", async () => {
    const { b, signedInAt } = await signedInEarlier(600);
    const before = Math.floor(Date.now() / 1000);
    const outcome = await authorize(b, { prompt: "login", login_hint: adele().userPrincipalName });
    if (outcome.page !== "picker") throw new Error("prompt=login reused the session");
    expect(outcome.html).toContain("asks you to sign in again");
    const at = await authTimeOf(await outcome.pick(adele().userPrincipalName));
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeGreaterThan(signedInAt);
    // That new authentication is the browser's session from then on.
    expect(await authTimeOf(await authorize(b, { login_hint: adele().userPrincipalName }))).toBe(at);
  });

  it("max_age: a session older than it must sign in again; a recent enough one is reused; max_age=0 always asks", async () => {
    const { b, signedInAt } = await signedInEarlier(600);
    const hint = { login_hint: adele().userPrincipalName };
    // Recent enough for max_age=3600: single sign-on, the old auth_time.
    expect(await authTimeOf(await authorize(b, { ...hint, max_age: "3600" }))).toBe(signedInAt);
    // prompt=none with a max_age the session does not meet: login_required, no code.
    const none = await authorize(b, { ...hint, prompt: "none", max_age: "300" });
    if (none.page !== "redirect") throw new Error("prompt=none showed a page");
    expect(none.params.error).toBe("login_required");
    expect(none.params.code).toBeUndefined();
    // Older than max_age=300: the sign-in page shows, and picking the same account authenticates anew.
    const stale = await authorize(b, { ...hint, max_age: "300" });
    if (stale.page !== "picker") throw new Error("a session older than max_age was reused");
    const fresh = await authTimeOf(await stale.pick(adele().userPrincipalName));
    expect(fresh).toBeGreaterThan(signedInAt);
    // max_age=0: the page shows even right after a sign-in.
    const zero = await authorize(b, { ...hint, max_age: "0" });
    expect(zero.page).toBe("picker");
    // prompt=select_account with max_age: picking the signed-in account is not enough once it is too old.
    await control(emu).post(`/tenants/${tenant.tenantId}/users/${adele().id}/sessions`, {
      olderBySeconds: 900,
    });
    const picked = await authorize(b, { prompt: "select_account", max_age: "300" });
    if (picked.page !== "picker") throw new Error("expected the account picker");
    expect(await authTimeOf(await picked.pick(adele().userPrincipalName))).toBeGreaterThan(fresh - 900);
  });

  it("refuses a max_age that is not a whole number of seconds", async () => {
    const outcome = await authorize(browser(), { max_age: "soon" });
    if (outcome.page !== "redirect") throw new Error("expected an error answer");
    expect(outcome.params.error).toBe("invalid_request");
    expect(outcome.params.error_description).toMatch(/^AADSTS90100: max_age/);
  });

  it("signing out ends the session: single sign-on no longer answers", async () => {
    const { b } = await signedInEarlier(0);
    await b.go(`${emu.baseUrl}/${tenant.tenantId}/oauth2/v2.0/logout`);
    const none = await authorize(b, { prompt: "none", login_hint: adele().userPrincipalName });
    if (none.page !== "redirect") throw new Error("prompt=none showed a page");
    expect(none.params.error).toBe("login_required");
  });

  it("keeps auth_time in id tokens got with a refresh token", async () => {
    const { b, signedInAt } = await signedInEarlier(1200);
    const outcome = await authorize(b, { login_hint: adele().userPrincipalName });
    if (outcome.page !== "redirect") throw new Error("expected single sign-on");
    const tokens = await redeem(emu, {
      tenant: tenant.tenantId,
      clientId: portal.clientId,
      clientSecret: portal.clientSecret,
      code: outcome.params.code!,
      verifier: outcome.verifier,
      scope: "openid profile offline_access https://graph.microsoft.com/User.Read",
    });
    const refreshed = await call(`${emu.baseUrl}/${tenant.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      form: {
        grant_type: "refresh_token",
        client_id: portal.clientId,
        client_secret: portal.clientSecret,
        refresh_token: tokens.body.refresh_token as string,
        scope: "openid profile offline_access https://graph.microsoft.com/User.Read",
      },
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(decodeJwt(refreshed.body.id_token as string).claims.auth_time).toBe(signedInAt);
  });

  it("ages only a known user's sessions, by a whole number of seconds", async () => {
    const base = `/tenants/${tenant.tenantId}/users`;
    expect((await control(emu).post(`${base}/nobody/sessions`, { olderBySeconds: 1 })).status).toBe(404);
    expect((await control(emu).post(`${base}/${adele().id}/sessions`, { olderBySeconds: -1 })).status).toBe(
      400,
    );
  });
});
