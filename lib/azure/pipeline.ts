/**
 * Retry rules shared by every Azure client (Graph and ARM). The Azure core pipeline's default policy
 * re-sends any request after a transport error or a 5xx, which for a non-idempotent POST (addPassword,
 * createBillingRoleAssignment) could create a second secret or assignment. Here: throttling (429 with
 * Retry-After) is retried for every method, since the service did not act on it; other transient
 * failures only for idempotent methods. The onboarding engine looks before it re-sends a POST.
 */
import {
  exponentialRetryPolicy,
  systemErrorRetryPolicy,
  throttlingRetryPolicy,
  type Pipeline,
  type PipelinePolicy,
} from "@azure/core-rest-pipeline";

const idempotentMethods = new Set(["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]);

export type RetryTuning = { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };

function onlyForIdempotent(inner: PipelinePolicy): PipelinePolicy {
  return {
    name: `idempotent-${inner.name}`,
    sendRequest(request, next) {
      return idempotentMethods.has(request.method) ? inner.sendRequest(request, next) : next(request);
    },
  };
}

/** Replaces the pipeline's default retry policy with the rules above. */
export function applyRetryRules(pipeline: Pipeline, tuning: RetryTuning = {}): Pipeline {
  const options = {
    maxRetries: tuning.maxRetries ?? 3,
    retryDelayInMs: tuning.retryDelayInMs ?? 800,
    maxRetryDelayInMs: tuning.maxRetryDelayInMs ?? 10_000,
  };
  pipeline.removePolicy({ name: "defaultRetryPolicy" });
  pipeline.addPolicy(throttlingRetryPolicy({ maxRetries: options.maxRetries }), { phase: "Retry" });
  pipeline.addPolicy(onlyForIdempotent(systemErrorRetryPolicy(options)), { phase: "Retry" });
  pipeline.addPolicy(onlyForIdempotent(exponentialRetryPolicy(options)), { phase: "Retry" });
  return pipeline;
}
