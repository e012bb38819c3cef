/**
 * Contract: @azure/msal-node (the portal's token broker) against the emulator, used exactly as the portal
 * uses it for real Entra: authority + knownAuthorities, auth code with PKCE and nonce, silent ARM token
 * from the Graph sign-in, client credentials for a new app, and Entra's errors surfacing as MSAL errors.
 */
import {
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  type AccountInfo,
  type Configuration,
} from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SeedResult } from "../src/scenario";
import type { RunningEmulator } from "../src/server";
import {
  control,
  decodeJwt,
  followSignIn,
  graph,
  REDIRECT_URI,
  registerPortal,
  sleep,
  startTestEmulator,
} from "../test/helpers";

let emu: RunningEmulator;
let tenant: SeedResult;
let portal: { clientId: string; clientSecret: string };

const GRAPH = [
  "https://graph.microsoft.com/User.Read",
  "https://graph.microsoft.com/Application.ReadWrite.All",
];
const ARM = ["https://management.azure.com/user_impersonation"];

function msalConfig(clientId: string, clientSecret: string, tenantSegment: string): Configuration {
  return {
    auth: {
      clientId,
      clientSecret,
      authority: `${emu.baseUrl}/${tenantSegment}`,
      knownAuthorities: [emu.host],
    },
    system: { loggerOptions: { loggerCallback: () => undefined, piiLoggingEnabled: false } },
  };
}

/** Signs a user in through the pages with an MSAL-built URL and redeems the code with MSAL. */
async function signInWithMsal(cca: ConfidentialClientApplication, upn: string): Promise<AccountInfo> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const nonce = crypto.createNewGuid();
  const state = crypto.createNewGuid();
  const url = await cca.getAuthCodeUrl({
    scopes: [...GRAPH, ...ARM],
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    nonce,
    state,
    prompt: "select_account",
  });
  expect(url.startsWith(`${emu.baseUrl}/`)).toBe(true);
  const signed = await followSignIn(emu, url, upn, "org");
  expect(signed.params.state).toBe(state);
  const result = await cca.acquireTokenByCode(
    {
      code: signed.params.code!,
      scopes: GRAPH,
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
      nonce,
      state,
    },
    { code: signed.params.code!, state, client_info: signed.params.client_info },
  );
  expect(result.account).toBeTruthy();
  return result.account!;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  portal = await registerPortal(emu);
  tenant = await control(emu).seed({
    preset: "contoso",
    settings: {
      delays: {
        appReplicationMs: 300,
        secretActivationMs: 500,
        billingPrincipalReplicationMs: 0,
        billingRolePropagationMs: 0,
      },
    },
  });
});
afterAll(() => emu.close());

describe("msal-node ConfidentialClientApplication", () => {
  it("signs in with auth code + PKCE + nonce, then gets an ARM token silently from the same sign-in", async () => {
    const cca = new ConfidentialClientApplication(
      msalConfig(portal.clientId, portal.clientSecret, tenant.tenantId),
    );
    const account = await signInWithMsal(cca, tenant.users.admin!.userPrincipalName);
    expect(account.homeAccountId).toBe(`${tenant.users.admin!.id}.${tenant.tenantId}`);
    expect(account.tenantId).toBe(tenant.tenantId);
    expect(account.username).toBe(tenant.users.admin!.userPrincipalName);
    expect(account.environment).toBe(emu.host);

    const graphToken = await cca.acquireTokenSilent({ account, scopes: GRAPH });
    expect(decodeJwt(graphToken.accessToken).claims.aud).toBe("https://graph.microsoft.com");
    const armToken = await cca.acquireTokenSilent({ account, scopes: ARM });
    const claims = decodeJwt(armToken.accessToken).claims;
    expect(claims.aud).toBe("https://management.azure.com/");
    expect(claims.scp).toBe("user_impersonation");
    expect(armToken.fromCache).toBe(false);
    // A second silent call is answered from MSAL's cache: the response scopes matched what MSAL asked for.
    const again = await cca.acquireTokenSilent({ account, scopes: ARM });
    expect(again.fromCache).toBe(true);
    const defaultScope = await cca.acquireTokenSilent({
      account,
      scopes: ["https://management.azure.com/.default"],
    });
    expect(decodeJwt(defaultScope.accessToken).claims.aud).toBe("https://management.azure.com/");
  });

  it("works with the organizations authority too", async () => {
    const cca = new ConfidentialClientApplication(
      msalConfig(portal.clientId, portal.clientSecret, "organizations"),
    );
    const account = await signInWithMsal(cca, tenant.users.appAdmin!.userPrincipalName);
    expect(account.tenantId).toBe(tenant.tenantId);
    const armToken = await cca.acquireTokenSilent({ account, scopes: ARM });
    expect(decodeJwt(armToken.accessToken).claims.tid).toBe(tenant.tenantId);
  });

  it("works with authorityMetadata + cloudDiscoveryMetadata instead of network discovery (the portal's setup)", async () => {
    const authority = `${emu.baseUrl}/${tenant.tenantId}`;
    const authorityMetadata = await (
      await fetch(`${authority}/v2.0/.well-known/openid-configuration`)
    ).text();
    const cloudDiscoveryMetadata = JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: emu.host, preferred_cache: emu.host, aliases: [emu.host] }],
    });
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: portal.clientId,
        clientSecret: portal.clientSecret,
        authority,
        knownAuthorities: [emu.host],
        authorityMetadata,
        cloudDiscoveryMetadata,
      },
    });
    const account = await signInWithMsal(cca, tenant.users.admin!.userPrincipalName);
    const armToken = await cca.acquireTokenSilent({ account, scopes: ARM });
    expect(decodeJwt(armToken.accessToken).claims.aud).toBe("https://management.azure.com/");
  });

  it("surfaces AADSTS28000 when one request names two resources", async () => {
    const cca = new ConfidentialClientApplication(
      msalConfig(portal.clientId, portal.clientSecret, tenant.tenantId),
    );
    const crypto = new CryptoProvider();
    const { verifier, challenge } = await crypto.generatePkceCodes();
    const url = await cca.getAuthCodeUrl({
      scopes: [...GRAPH, ...ARM],
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    const signed = await followSignIn(emu, url, tenant.users.admin!.userPrincipalName, "org");
    await expect(
      cca.acquireTokenByCode({
        code: signed.params.code!,
        scopes: [...GRAPH, ...ARM],
        redirectUri: REDIRECT_URI,
        codeVerifier: verifier,
      }),
    ).rejects.toMatchObject({
      errorCode: "invalid_scope",
      errorMessage: expect.stringContaining("AADSTS28000"),
    });
  });

  it("gets an app token by client credentials for an app created through Graph, once its secret is active", async () => {
    const cca = new ConfidentialClientApplication(
      msalConfig(portal.clientId, portal.clientSecret, tenant.tenantId),
    );
    const account = await signInWithMsal(cca, tenant.users.admin!.userPrincipalName);
    const token = (await cca.acquireTokenSilent({ account, scopes: GRAPH })).accessToken;
    const g = graph(emu, token);
    const app = (await g("POST", "/applications", { displayName: "vantage", signInAudience: "AzureADMyOrg" }))
      .body;
    await sleep(350);
    expect((await g("POST", "/servicePrincipals", { appId: app.appId })).status).toBe(201);
    const secret = (
      await g("POST", `/applications/${app.id}/addPassword`, {
        passwordCredential: { displayName: "vantage-secret" },
      })
    ).body.secretText as string;

    const fresh = new ConfidentialClientApplication(msalConfig(app.appId, secret, tenant.tenantId));
    await expect(
      fresh.acquireTokenByClientCredential({ scopes: ["https://management.azure.com/.default"] }),
    ).rejects.toMatchObject({
      errorCode: "invalid_client",
      errorMessage: expect.stringContaining("AADSTS7000215"),
    });
    await sleep(600);
    const ok = new ConfidentialClientApplication(msalConfig(app.appId, secret, tenant.tenantId));
    const result = await ok.acquireTokenByClientCredential({
      scopes: ["https://management.azure.com/.default"],
    });
    expect(result?.accessToken).toBeTruthy();
    expect(decodeJwt(result!.accessToken).claims).toMatchObject({
      appid: app.appId,
      tid: tenant.tenantId,
      idtyp: "app",
    });

    const wrong = new ConfidentialClientApplication(msalConfig(app.appId, `${secret}x`, tenant.tenantId));
    await expect(
      wrong.acquireTokenByClientCredential({ scopes: ["https://management.azure.com/.default"] }),
    ).rejects.toMatchObject({
      errorCode: "invalid_client",
      errorMessage: expect.stringContaining("AADSTS7000215"),
    });
  });

  it("a token without the needed scope is refused by Graph with 403 Authorization_RequestDenied", async () => {
    const narrow = await registerPortal(emu, {
      displayName: "Narrow app",
      permissions: ["https://graph.microsoft.com/User.Read"],
    });
    const cca = new ConfidentialClientApplication(
      msalConfig(narrow.clientId, narrow.clientSecret, tenant.tenantId),
    );
    const crypto = new CryptoProvider();
    const { verifier, challenge } = await crypto.generatePkceCodes();
    const url = await cca.getAuthCodeUrl({
      scopes: ["https://graph.microsoft.com/User.Read"],
      redirectUri: REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    const signed = await followSignIn(emu, url, tenant.users.admin!.userPrincipalName, "accept");
    const result = await cca.acquireTokenByCode({
      code: signed.params.code!,
      scopes: ["https://graph.microsoft.com/User.Read"],
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
    });
    const g = graph(emu, result.accessToken);
    expect((await g("GET", "/me")).status).toBe(200);
    // Nothing was consented for ARM: MSAL must ask for interaction, as with Entra's consent_required.
    await expect(cca.acquireTokenSilent({ account: result.account!, scopes: ARM })).rejects.toBeInstanceOf(
      InteractionRequiredAuthError,
    );
    const denied = await g("POST", "/applications", { displayName: "nope" });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("Authorization_RequestDenied");
    expect(denied.body.error.message).toBe("Insufficient privileges to complete the operation.");
    expect(Object.keys(denied.body.error.innerError).sort()).toEqual([
      "client-request-id",
      "date",
      "request-id",
    ]);
  });
});
