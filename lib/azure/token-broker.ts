/**
 * MSAL is the portal's token broker. The sign-in's authorization code is redeemed here, so MSAL, not a
 * cookie, holds the refresh token; Graph and ARM tokens then come silently from that one sign-in, on
 * any portal instance and after restarts. Each account's MSAL cache is one encrypted database row
 * (lib/data/token-cache), loaded into a short-lived client per call: a process-wide client would mix
 * accounts between concurrent requests. Discovery documents are fetched once per tenant and handed to
 * each client, so a new client costs no network round trip.
 */
import "server-only";

import type { AccessToken, TokenCredential } from "@azure/core-auth";
import {
  ConfidentialClientApplication,
  LogLevel,
  type AuthenticationResult,
  type Configuration,
  type ICachePlugin,
  type TokenCacheContext,
} from "@azure/msal-node";

import { azureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError, errorFromMsal } from "@/lib/azure/errors";
import { msalNetworkClient, requestTimeoutMs, type RefreshableCredential } from "@/lib/azure/resilience";
import { deleteTokenCache, readTokenCache, writeTokenCache } from "@/lib/data/token-cache";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";

export type Resource = "graph" | "arm";

/** Delegated scopes per resource. Entra issues a token for one resource per request. */
export function delegatedScopes(resource: Resource): string[] {
  const { graph, arm } = azureEndpoints();
  return resource === "graph"
    ? [`${graph.resource}/Application.ReadWrite.All`, `${graph.resource}/User.Read`]
    : [`${arm.resource}/user_impersonation`];
}

/**
 * What a sign-in asks consent for: only the resources the person's remaining steps need (incremental
 * consent). Microsoft Graph's Application.ReadWrite.All needs an administrator's consent; a colleague
 * who only assigns the billing role (step 4) needs ARM's user_impersonation, which any user may grant.
 * User.Read (sign-in and profile) is always asked, so every sign-in's code can be redeemed for it.
 */
export function signInScopes(needs: readonly Resource[] = ["graph", "arm"]): string[] {
  const { graph } = azureEndpoints();
  const scopes = ["openid", "profile", "offline_access", `${graph.resource}/User.Read`];
  for (const resource of needs)
    for (const scope of delegatedScopes(resource)) if (!scopes.includes(scope)) scopes.push(scope);
  return scopes;
}

/** The resources whose delegated rights these steps use: Graph for steps 1-2, ARM for steps 3-4. */
export function resourcesForSteps(stepIds: readonly string[]): Resource[] {
  const needs: Resource[] = [];
  if (stepIds.some((id) => id === "app-registration" || id === "client-secret")) needs.push("graph");
  if (stepIds.some((id) => id === "billing-account" || id === "role-assignment")) needs.push("arm");
  return needs;
}

type Metadata = { authorityMetadata: string; cloudDiscoveryMetadata: string };
const metadataByAuthority = new Map<string, Promise<Metadata>>();

async function fetchMetadata(authority: string): Promise<Metadata> {
  const host = new URL(authority).host;
  const res = await fetch(`${authority}/v2.0/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(requestTimeoutMs()),
  }).catch(() => {
    throw new AzureCallError({
      kind: "transient",
      service: "entra",
      message: "Microsoft Entra discovery did not answer",
    });
  });
  if (!res.ok) {
    throw new AzureCallError({
      kind: "transient",
      service: "entra",
      status: res.status,
      message: `Microsoft Entra discovery answered ${res.status}`,
    });
  }
  const authorityMetadata = await res.text();
  const cloudDiscoveryMetadata = JSON.stringify({
    tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
  return { authorityMetadata, cloudDiscoveryMetadata };
}

function metadataFor(authority: string): Promise<Metadata> {
  let entry = metadataByAuthority.get(authority);
  if (!entry) {
    entry = fetchMetadata(authority);
    entry.catch(() => metadataByAuthority.delete(authority));
    metadataByAuthority.set(authority, entry);
  }
  return entry;
}

export function authorityFor(tenant: string): string {
  return `${azureEndpoints().authorityHost}/${tenant}`;
}

/** Loads and stores one account's cache; merges on a concurrent write instead of losing tokens. */
class AccountCachePlugin implements ICachePlugin {
  private version: number | null = null;

  constructor(public homeAccountId: string | null) {}

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!this.homeAccountId) return;
    const row = await readTokenCache(this.homeAccountId);
    this.version = row?.version ?? null;
    if (row?.serialized) context.tokenCache.deserialize(row.serialized);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (!context.cacheHasChanged) return;
    const serialized = context.tokenCache.serialize();
    if (!this.homeAccountId) {
      // The first write after a sign-in: the cache holds exactly the one account just signed in.
      const accounts = Object.values(
        (JSON.parse(serialized) as { Account?: Record<string, { home_account_id?: string }> }).Account ?? {},
      );
      this.homeAccountId = accounts[0]?.home_account_id ?? null;
      if (!this.homeAccountId) return;
    }
    this.version = await writeTokenCache(this.homeAccountId, serialized, this.version);
  }
}

async function clientFor(
  tenant: string,
  plugin?: ICachePlugin,
  credentials?: { clientId: string; clientSecret: string },
) {
  const env = getEnv();
  const authority = authorityFor(tenant);
  const metadata = await metadataFor(authority);
  const config: Configuration = {
    auth: {
      clientId: credentials?.clientId ?? env.azureAd.clientId,
      clientSecret: credentials?.clientSecret ?? env.azureAd.clientSecret,
      authority,
      knownAuthorities: [new URL(authority).host],
      ...metadata,
    },
    cache: plugin ? { cachePlugin: plugin } : undefined,
    system: {
      networkClient: msalNetworkClient(requestTimeoutMs()),
      loggerOptions: {
        piiLoggingEnabled: false,
        // Warnings are routine here (an app token carries no client_info); errors are worth a line.
        logLevel: LogLevel.Error,
        loggerCallback: (level, message) => {
          if (level <= LogLevel.Error) log.error({ msal: message.slice(0, 300) }, "msal");
        },
      },
    },
  };
  return new ConfidentialClientApplication(config);
}

/** Redeems the sign-in's authorization code; the tokens land in the account's encrypted cache. */
export async function redeemAuthorizationCode(input: {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  nonce?: string;
  /** The state this sign-in sent (from next-auth's cookie) and the one that came back: MSAL compares them. */
  state?: string;
  returnedState?: string;
  clientInfo?: string;
}): Promise<AuthenticationResult> {
  const client = await clientFor(getEnv().azureAd.tenant, new AccountCachePlugin(null));
  try {
    return await client.acquireTokenByCode(
      {
        code: input.code,
        codeVerifier: input.codeVerifier,
        redirectUri: input.redirectUri,
        // Every sign-in asks for User.Read; its other scopes come later from the refresh token.
        scopes: [`${azureEndpoints().graph.resource}/User.Read`],
        nonce: input.nonce,
        state: input.state,
      },
      { code: input.code, state: input.returnedState, client_info: input.clientInfo },
    );
  } catch (error) {
    throw errorFromMsal(error);
  }
}

/**
 * A delegated token for the signed-in account, in the onboarding's tenant. forceRefresh skips MSAL's
 * cached access token (one the service refused) and redeems the refresh token for a new one.
 */
export async function acquireDelegatedToken(
  homeAccountId: string,
  tenantId: string,
  resource: Resource,
  options: { forceRefresh?: boolean } = {},
): Promise<AuthenticationResult> {
  const client = await clientFor(tenantId, new AccountCachePlugin(homeAccountId));
  const account = await client.getTokenCache().getAccountByHomeId(homeAccountId);
  if (!account) {
    throw new AzureCallError({
      kind: "sign-in",
      service: "entra",
      message: "Your Microsoft sign-in has expired. Sign in again to continue.",
    });
  }
  try {
    return await client.acquireTokenSilent({
      account,
      scopes: delegatedScopes(resource),
      authority: authorityFor(tenantId),
      forceRefresh: options.forceRefresh,
    });
  } catch (error) {
    throw errorFromMsal(error);
  }
}

const warmedAt = new Map<string, number>();
const warmEveryMs = 5 * 60_000;

/**
 * Gets, in the background, the delegated tokens a run is about to ask for (Microsoft Graph and Azure
 * Resource Manager, and the tenant's sign-in metadata), while the person reads the page with Connect on
 * it: Connect's first Azure call then finds them in the account's cache instead of waiting two round
 * trips to Entra. Tokens still valid cost no call. Failures are left to the run, which reports them.
 */
export function warmDelegatedTokens(homeAccountId: string, tenantId: string): void {
  const key = `${homeAccountId}|${tenantId}`;
  const last = warmedAt.get(key);
  if (last && Date.now() - last < warmEveryMs) return;
  warmedAt.set(key, Date.now());
  if (warmedAt.size > 10_000) warmedAt.delete(warmedAt.keys().next().value!);
  void Promise.allSettled(
    (["graph", "arm"] as const).map((resource) => acquireDelegatedToken(homeAccountId, tenantId, resource)),
  ).then((results) => {
    if (results.some((r) => r.status === "rejected")) warmedAt.delete(key);
  });
}

function toAccessToken(result: AuthenticationResult): AccessToken {
  return {
    token: result.accessToken,
    expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000,
  };
}

/** A TokenCredential for the Azure SDK clients, acting as the signed-in account. */
export function delegatedCredential(
  homeAccountId: string,
  tenantId: string,
  resource: Resource,
): RefreshableCredential {
  return {
    getToken: async () => toAccessToken(await acquireDelegatedToken(homeAccountId, tenantId, resource)),
    getFreshToken: async () =>
      toAccessToken(await acquireDelegatedToken(homeAccountId, tenantId, resource, { forceRefresh: true })),
  };
}

/** Forgets an account's tokens (sign-out, or a sign-in the portal refused). */
export async function forgetAccount(homeAccountId: string): Promise<void> {
  await deleteTokenCache(homeAccountId);
}

/**
 * Signs in as a created app with its secret (client credentials), through a throwaway MSAL client with
 * no persistent cache: this is how step 5 proves the credentials work.
 */
export function appCredential(
  tenantId: string,
  clientId: string,
  clientSecret: string,
  resourceUrl: string,
): TokenCredential {
  return {
    getToken: async () => {
      const client = await clientFor(tenantId, undefined, { clientId, clientSecret });
      try {
        const result = await client.acquireTokenByClientCredential({ scopes: [`${resourceUrl}/.default`] });
        if (!result)
          throw new AzureCallError({
            kind: "fatal",
            service: "entra",
            message: "Microsoft Entra returned no token",
          });
        return toAccessToken(result);
      } catch (error) {
        throw error instanceof AzureCallError ? error : errorFromMsal(error);
      }
    },
  };
}
