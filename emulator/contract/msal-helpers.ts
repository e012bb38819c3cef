/** Shared by the contract tests: MSAL clients pointed at the emulator and TokenCredentials built on them. */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  ConfidentialClientApplication,
  CryptoProvider,
  type AccountInfo,
  type Configuration,
} from "@azure/msal-node";

import type { RunningEmulator } from "../src/server";
import { followSignIn, REDIRECT_URI } from "../test/helpers";

export const GRAPH_SCOPES = [
  "https://graph.microsoft.com/User.Read",
  "https://graph.microsoft.com/Application.ReadWrite.All",
];
export const ARM_SCOPES = ["https://management.azure.com/user_impersonation"];

export function msalClient(
  emu: RunningEmulator,
  clientId: string,
  clientSecret: string,
  tenantSegment: string,
): ConfidentialClientApplication {
  const config: Configuration = {
    auth: {
      clientId,
      clientSecret,
      authority: `${emu.baseUrl}/${tenantSegment}`,
      knownAuthorities: [emu.host],
    },
    system: { loggerOptions: { loggerCallback: () => undefined, piiLoggingEnabled: false } },
  };
  return new ConfidentialClientApplication(config);
}

/** Interactive sign-in with an MSAL-built authorize URL, the pages driven over HTTP, and MSAL redeeming the code. */
export async function signInWithMsal(
  emu: RunningEmulator,
  cca: ConfidentialClientApplication,
  upn: string,
): Promise<AccountInfo> {
  const crypto = new CryptoProvider();
  const { verifier, challenge } = await crypto.generatePkceCodes();
  const nonce = crypto.createNewGuid();
  const url = await cca.getAuthCodeUrl({
    scopes: [...GRAPH_SCOPES, ...ARM_SCOPES],
    redirectUri: REDIRECT_URI,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    nonce,
  });
  const signed = await followSignIn(emu, url, upn, "org");
  if (!signed.params.code) throw new Error(`sign-in failed: ${JSON.stringify(signed)}`);
  const result = await cca.acquireTokenByCode({
    code: signed.params.code,
    scopes: GRAPH_SCOPES,
    redirectUri: REDIRECT_URI,
    codeVerifier: verifier,
    nonce,
  });
  return result.account!;
}

function toAccessToken(accessToken: string, expiresOn: Date | null): AccessToken {
  return {
    token: accessToken,
    expiresOnTimestamp: (expiresOn ?? new Date(Date.now() + 3_000_000)).getTime(),
  };
}

/** The portal's pattern: a TokenCredential that asks MSAL's cache for the signed-in user's token. */
export function delegatedCredential(
  cca: ConfidentialClientApplication,
  account: AccountInfo,
): TokenCredential {
  return {
    async getToken(scopes) {
      const r = await cca.acquireTokenSilent({ account, scopes: Array.isArray(scopes) ? scopes : [scopes] });
      return toAccessToken(r.accessToken, r.expiresOn);
    },
  };
}

/** The verification step's pattern: a throwaway MSAL client using the new app's secret. */
export function appCredential(cca: ConfidentialClientApplication): TokenCredential {
  return {
    async getToken(scopes) {
      const r = await cca.acquireTokenByClientCredential({
        scopes: Array.isArray(scopes) ? scopes : [scopes],
      });
      if (!r) throw new Error("no token");
      return toAccessToken(r.accessToken, r.expiresOn);
    },
  };
}
