/**
 * What keeps one Azure call from hanging a step or stopping it for nothing (issue #8's fault matrix):
 * - every request has a timeout, and a timeout reads as a transport failure (ETIMEDOUT), so the retry
 *   rules re-send idempotent requests and the steps look before re-sending a POST;
 * - a token that Graph or ARM refuse (401 with a challenge) although MSAL still holds it as valid (it was
 *   revoked, or the clocks disagree) is replaced by a freshly issued one, once per request;
 * - a request that got no answer becomes a classified AzureCallError instead of a bare library error.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  bearerTokenAuthenticationPolicyName,
  isRestError,
  RestError,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";

import { AzureCallError, errorFromRestError, type AzureService } from "@/lib/azure/errors";
import { getEnv } from "@/lib/env";

/** How long one request to Entra, Graph or ARM may take before it counts as lost. */
export function requestTimeoutMs(): number {
  return getEnv().azureRequestTimeoutMs;
}

/** A credential that can skip its cache when a service refused the token it handed out. */
export type RefreshableCredential = TokenCredential & {
  getFreshToken?(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
};

const requestTimeoutPolicyName = "mcaRequestTimeout";

/** Bounds each attempt (it sits below the retry policies) and turns its timeout into ETIMEDOUT. */
export function requestTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: requestTimeoutPolicyName,
    async sendRequest(request, next) {
      if (!request.timeout || request.timeout > timeoutMs) request.timeout = timeoutMs;
      try {
        return await next(request);
      } catch (error) {
        // The HTTP client aborts on its timeout with an AbortError, which no retry policy retries.
        if ((error as Error)?.name === "AbortError" && !request.abortSignal?.aborted) {
          throw new RestError(`Azure did not answer within ${Math.round(timeoutMs / 1000)} s`, {
            code: "ETIMEDOUT",
            request,
          });
        }
        throw error;
      }
    },
  };
}

/**
 * Puts the timeout and the fresh-token-on-401 rule into a client's pipeline (Graph's ServiceClient or
 * an ARM SDK client), replacing the bearer policy the client made from `credential`.
 */
export function hardenPipeline(
  pipeline: Pipeline,
  credential: RefreshableCredential,
  scopes: string[],
  timeoutMs = requestTimeoutMs(),
) {
  pipeline.removePolicy({ name: requestTimeoutPolicyName });
  pipeline.addPolicy(requestTimeoutPolicy(timeoutMs), { phase: "Sign" });

  let fresh: AccessToken | null = null;
  pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential,
      scopes,
      challengeCallbacks: {
        async authorizeRequest({ scopes: wanted, request, getAccessToken }) {
          const token =
            fresh && fresh.expiresOnTimestamp - 120_000 > Date.now()
              ? fresh
              : await getAccessToken(wanted, { abortSignal: request.abortSignal });
          if (token) request.headers.set("Authorization", `Bearer ${token.token}`);
        },
        // Called at most once per request: a fresh token refused again is a real refusal.
        async authorizeRequestOnChallenge({ scopes: wanted, request }) {
          const token = credential.getFreshToken
            ? await credential.getFreshToken(wanted, { abortSignal: request.abortSignal })
            : await credential.getToken(wanted, { abortSignal: request.abortSignal });
          if (!token) return false;
          fresh = token;
          request.headers.set("Authorization", `Bearer ${token.token}`);
          return true;
        },
      },
    }),
  );
  return pipeline;
}

/**
 * A failed call as an AzureCallError: a service's answer classified by errorFromResponse, no answer at
 * all (timeout, reset connection) as transient. Anything else is returned as it was.
 */
export function asAzureCallError(error: unknown, service: AzureService): unknown {
  if (error instanceof AzureCallError || !isRestError(error)) return error;
  // An answer, in whichever shape the service gives: read as any other failed response.
  if (error.response) return errorFromRestError(error, service) ?? error;
  return new AzureCallError({
    kind: "transient",
    service,
    code: error.code,
    message:
      error.code === "ETIMEDOUT"
        ? "Azure did not answer in time."
        : "The connection to Azure was lost before it answered.",
  });
}

/**
 * MSAL's network client with a timeout on every request (msal-node sets none on its token requests, so
 * a silent Entra would hold a step until the operating system gives up, minutes later).
 */
export function msalNetworkClient(timeoutMs: number): INetworkModule {
  async function send<T>(
    url: string,
    method: "GET" | "POST",
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const response = await fetch(url, {
      method,
      headers: options?.headers,
      body: method === "POST" ? (options?.body ?? "") : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      headers: Object.fromEntries(response.headers.entries()),
      body: (await response.json()) as T,
      status: response.status,
    };
  }
  return {
    sendGetRequestAsync: (url, options) => send(url, "GET", options),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}
