/**
 * Contract: openid-client 5 (what next-auth 4 uses) against the emulator's discovery, JWKS, sign-in pages
 * and token endpoint, including its id_token checks (signature, issuer, audience, nonce, PKCE, state).
 */
import { Issuer, TokenSet, generators } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";
import {
  followSignIn,
  GRAPH_SCOPES,
  redeem,
  REDIRECT_URI,
  registerPortal,
  seedFast,
  startTestEmulator,
} from "../test/helpers";

let emu: RunningEmulator;
let tenant: SeedResult;
let portal: { clientId: string; clientSecret: string };

beforeAll(async () => {
  emu = await startTestEmulator();
  portal = await registerPortal(emu);
  tenant = await seedFast(emu);
});
afterAll(() => emu.close());

/** next-auth calls this method; openid-client 5 ships it without a type declaration. */
type Validating = {
  validateIdToken(tokenSet: TokenSet, nonce: string, returnedBy: "token"): Promise<TokenSet>;
};

async function clientFor(segment: string) {
  const issuer = await Issuer.discover(
    `${emu.baseUrl}/${segment}/v2.0/.well-known/openid-configuration?appid=${portal.clientId}`,
  );
  return new issuer.Client({
    client_id: portal.clientId,
    client_secret: portal.clientSecret,
    redirect_uris: [REDIRECT_URI],
    response_types: ["code"],
  });
}

async function signIn(segment: string) {
  const client = await clientFor(segment);
  const codeVerifier = generators.codeVerifier();
  const nonce = generators.nonce();
  const state = generators.state();
  const url = client.authorizationUrl({
    scope: GRAPH_SCOPES,
    code_challenge: generators.codeChallenge(codeVerifier),
    code_challenge_method: "S256",
    nonce,
    state,
  });
  const signed = await followSignIn(emu, url, tenant.users.admin!.userPrincipalName, "org");
  return { client, params: signed.params, checks: { code_verifier: codeVerifier, nonce, state } };
}

describe("openid-client 5 (next-auth's OIDC library)", () => {
  it("completes a tenant-specific code flow and validates the id_token", async () => {
    const { client, params, checks } = await signIn(tenant.tenantId);
    const tokenSet = await client.callback(REDIRECT_URI, params, checks);
    expect(tokenSet.claims()).toMatchObject({
      tid: tenant.tenantId,
      oid: tenant.users.admin!.id,
      nonce: checks.nonce,
    });
    await expect(
      (client as unknown as Validating).validateIdToken(tokenSet, checks.nonce, "token"),
    ).resolves.toBeTruthy();
    await expect(client.callback(REDIRECT_URI, { ...params, state: "tampered" }, checks)).rejects.toThrow(
      /state mismatch/,
    );
  });

  it("with organizations, leaves {tenantid} in the issuer unresolved for hosts other than login.microsoftonline.com", async () => {
    // openid-client substitutes {tenantid} only for Microsoft's own discovery URLs (AAD_MULTITENANT_DISCOVERY),
    // so an app validating multi-tenant id_tokens must check iss itself (or use the tenant-specific issuer),
    // against sovereign clouds and this emulator alike.
    const { client, params, checks } = await signIn("organizations");
    expect(client.issuer.issuer).toBe(`${emu.baseUrl}/{tenantid}/v2.0`);
    await expect(client.callback(REDIRECT_URI, params, checks)).rejects.toThrow(/unexpected iss value/);
    // The same kind of token validates against the tenant-specific issuer named by its tid.
    const again = await signIn("organizations");
    const r = await redeem(emu, {
      tenant: "organizations",
      ...portal,
      code: again.params.code!,
      verifier: again.checks.code_verifier,
      scope: GRAPH_SCOPES,
    });
    const tenantClient = await clientFor(String(new TokenSet(r.body).claims().tid));
    await expect(
      (tenantClient as unknown as Validating).validateIdToken(
        new TokenSet(r.body),
        again.checks.nonce,
        "token",
      ),
    ).resolves.toBeTruthy();
  });
});
