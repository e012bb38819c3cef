/**
 * The rules every Azure client (Graph and ARM) sends by.
 *
 * Retries. The Azure core pipeline's default policy re-sends any request after a transport error or a
 * 5xx, which for a non-idempotent POST (addPassword, createBillingRoleAssignment) could create a second
 * secret or assignment. Here: throttling (429) is retried for every method, since the service did not
 * act on it; other transient failures only for idempotent methods. The onboarding engine looks before it
 * re-sends a POST.
 *
 * Throttling. Services name their wait in different headers: Retry-After (seconds or a date),
 * retry-after-ms, x-ms-retry-after-ms, Cost Management's x-ms-ratelimit-microsoft.costmanagement-*-
 * retry-after and the consumption header its error reference names. The longest one is honoured, but
 * only up to a cap and never past the step's deadline: a longer wait goes back to the caller
 * (AzureCallError.retryAfterMs), which records "waiting" with that next attempt time, so no call
 * outlives the step's lease.
 *
 * Host. The bearer token goes only to the host the client was made for: a redirect or a polling address
 * on another host is refused before the token is attached.
 */
import {
  exponentialRetryPolicy,
  systemErrorRetryPolicy,
  type HttpHeaders,
  type Pipeline,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type SendRequest,
} from "@azure/core-rest-pipeline";

import { AzureCallError } from "@/lib/azure/errors";

const idempotentMethods = new Set(["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** The longest wait one call spends on throttling before handing the wait back to its caller. */
export const maxThrottleWaitMs = 10_000;

export type RetryTuning = {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
  /** Cap of the time one call waits on throttling (default maxThrottleWaitMs). */
  maxThrottleWaitMs?: number;
  /** Epoch ms by which a throttling wait must end (the step's deadline); a longer wait is handed back. */
  deadline?: number;
};

/** What the Graph and ARM clients take besides their credential and endpoints. */
export type ClientOptions = { deadline?: number };

const throttleHeader =
  /^(retry-after|retry-after-ms|x-ms-retry-after-ms|x-ms-ratelimit-microsoft\.costmanagement-[a-z]+-retry-after|x-ms-ratelimit-microsoft\.consumption-retry-after)$/;

function headerMs(name: string, value: string, now: number): number | undefined {
  const v = value.trim();
  if (name.endsWith("-ms")) {
    const ms = Number(v);
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long a throttled answer asks to wait, in milliseconds: the longest of every header that names a
 * wait. Undefined when none does.
 */
export function throttleWaitMs(
  headers: Pick<HttpHeaders, "toJSON"> | Record<string, string>,
  now = Date.now(),
): number | undefined {
  const all = "toJSON" in headers && typeof headers.toJSON === "function" ? headers.toJSON() : headers;
  let wait: number | undefined;
  for (const [rawName, value] of Object.entries(all as Record<string, string>)) {
    const name = rawName.toLowerCase();
    if (!throttleHeader.test(name) || typeof value !== "string") continue;
    const ms = headerMs(name, value, now);
    if (ms !== undefined) wait = Math.max(wait ?? 0, ms);
  }
  return wait;
}

function sleep(ms: number, signal?: PipelineRequest["abortSignal"]) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("The request was aborted"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new Error("The request was aborted"));
    });
  });
}

/** Retries 429 answers for every method, waiting as the service asks, up to a cap per call. */
export function throttlingPolicy(options: {
  maxRetries: number;
  maxWaitMs: number;
  deadline?: number;
}): PipelinePolicy {
  return {
    name: "mcaConnectThrottlingPolicy",
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      let waited = 0;
      for (let attempt = 0; ; attempt++) {
        const response = await next(request);
        if (response.status !== 429 || attempt >= options.maxRetries) return response;
        const wait = throttleWaitMs(response.headers) ?? 1000 * 2 ** attempt;
        // A longer wait is the caller's to schedule (it records "waiting" and comes back then).
        if (waited + wait > options.maxWaitMs) return response;
        if (options.deadline !== undefined && Date.now() + wait > options.deadline) return response;
        await sleep(wait, request.abortSignal);
        waited += wait;
      }
    },
  };
}

/** Refuses to send a request (and so its bearer token) to any host but the client's own. */
export function sameHostPolicy(baseUrl: string): PipelinePolicy {
  const allowed = new URL(baseUrl).host;
  return {
    name: "mcaConnectSameHostPolicy",
    sendRequest(request, next) {
      const host = new URL(request.url).host;
      if (host !== allowed) {
        throw new AzureCallError({
          kind: "fatal",
          message: `Azure pointed a request at another host (${host}); the portal sends your sign-in only to ${allowed}.`,
        });
      }
      return next(request);
    },
  };
}

function onlyForIdempotent(inner: PipelinePolicy): PipelinePolicy {
  return {
    name: `idempotent-${inner.name}`,
    sendRequest(request, next) {
      return idempotentMethods.has(request.method) ? inner.sendRequest(request, next) : next(request);
    },
  };
}

/** Replaces the pipeline's default retry policy with the rules above, and guards the token's host. */
export function applyRetryRules(pipeline: Pipeline, baseUrl: string, tuning: RetryTuning = {}): Pipeline {
  const options = {
    maxRetries: tuning.maxRetries ?? 3,
    retryDelayInMs: tuning.retryDelayInMs ?? 800,
    maxRetryDelayInMs: tuning.maxRetryDelayInMs ?? 10_000,
  };
  pipeline.removePolicy({ name: "defaultRetryPolicy" });
  pipeline.addPolicy(
    throttlingPolicy({
      maxRetries: options.maxRetries,
      maxWaitMs: tuning.maxThrottleWaitMs ?? maxThrottleWaitMs,
      deadline: tuning.deadline,
    }),
    { phase: "Retry" },
  );
  pipeline.addPolicy(onlyForIdempotent(systemErrorRetryPolicy(options)), { phase: "Retry" });
  pipeline.addPolicy(onlyForIdempotent(exponentialRetryPolicy(options)), { phase: "Retry" });
  // After retries and redirects, before the bearer token is attached (Sign phase).
  pipeline.addPolicy(sameHostPolicy(baseUrl), { afterPhase: "Retry" });
  return pipeline;
}
