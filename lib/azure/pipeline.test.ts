import {
  bearerTokenAuthenticationPolicy,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";

import { applyRetryRules, throttleWaitMs } from "@/lib/azure/pipeline";

describe("throttleWaitMs", () => {
  const now = Date.parse("2026-11-30T10:00:00Z");

  it("reads every header Azure names its wait in, and takes the longest", () => {
    expect(throttleWaitMs({ "Retry-After": "3" }, now)).toBe(3000);
    expect(throttleWaitMs({ "retry-after": "Mon, 30 Nov 2026 10:00:05 GMT" }, now)).toBe(5000);
    expect(throttleWaitMs({ "retry-after-ms": "1500" }, now)).toBe(1500);
    expect(throttleWaitMs({ "x-ms-retry-after-ms": "250" }, now)).toBe(250);
    expect(
      throttleWaitMs(
        {
          "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "2",
          "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": "9",
          "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "0",
          "x-ms-ratelimit-microsoft.costmanagement-clienttype-retry-after": "0",
        },
        now,
      ),
    ).toBe(9000);
    expect(throttleWaitMs({ "x-ms-ratelimit-microsoft.consumption-retry-after": "4" }, now)).toBe(4000);
    expect(
      throttleWaitMs({ "Retry-After": "1", "x-ms-ratelimit-microsoft.consumption-retry-after": "6" }, now),
    ).toBe(6000);
  });

  it("ignores other headers and unreadable values", () => {
    expect(throttleWaitMs({ "x-ms-ratelimit-remaining-tenant-reads": "11999" }, now)).toBeUndefined();
    expect(throttleWaitMs({ "retry-after": "soon" }, now)).toBeUndefined();
  });
});

/** A pipeline as the clients build it, over a fake transport that answers from a script. */
function pipelineWith(
  answers: { status: number; headers?: Record<string, string> }[],
  maxThrottleWaitMs?: number,
) {
  const sent: { url: string; authorization?: string; at: number }[] = [];
  const client: HttpClient = {
    async sendRequest(request: PipelineRequest) {
      sent.push({ url: request.url, authorization: request.headers.get("authorization"), at: Date.now() });
      const answer = answers.shift() ?? { status: 200 };
      return {
        request,
        status: answer.status,
        headers: createHttpHeaders(answer.headers ?? {}),
        bodyAsText: "",
      };
    },
  };
  const pipeline = createPipelineFromOptions({});
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential: { getToken: async () => ({ token: "token", expiresOnTimestamp: Date.now() + 3600_000 }) },
      scopes: "https://management.azure.com/.default",
    }),
    { phase: "Sign" },
  );
  applyRetryRules(pipeline, "https://arm.example", { maxThrottleWaitMs });
  return {
    sent,
    send: (method: "GET" | "POST", url = "https://arm.example/x") =>
      pipeline.sendRequest(client, createPipelineRequest({ url, method })),
  };
}

describe("the Azure pipeline's rules", () => {
  it("retries a 429 for every method, after the wait Cost Management names without Retry-After", async () => {
    const p = pipelineWith([
      { status: 429, headers: { "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "1" } },
      { status: 200 },
    ]);
    const res = await p.send("POST");
    expect(res.status).toBe(200);
    expect(p.sent).toHaveLength(2);
    expect(p.sent[1]!.at - p.sent[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("hands a wait longer than its cap back to the caller instead of sleeping through it", async () => {
    const p = pipelineWith(
      [{ status: 429, headers: { "x-ms-ratelimit-microsoft.consumption-retry-after": "45" } }],
      2000,
    );
    const started = Date.now();
    const res = await p.send("GET");
    expect(res.status).toBe(429);
    expect(p.sent).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("never re-sends a POST after a 5xx, and retries a GET", async () => {
    const post = pipelineWith([{ status: 503 }, { status: 200 }]);
    expect((await post.send("POST")).status).toBe(503);
    expect(post.sent).toHaveLength(1);
    const get = pipelineWith([{ status: 503 }, { status: 200 }]);
    expect((await get.send("GET")).status).toBe(200);
    expect(get.sent).toHaveLength(2);
  });

  it("sends the bearer token only to its own host", async () => {
    const p = pipelineWith([]);
    await expect(p.send("GET", "https://elsewhere.example/operationResults/1")).rejects.toThrow(
      /another host/,
    );
    expect(p.sent).toHaveLength(0);
    const redirected = pipelineWith([
      { status: 302, headers: { location: "https://elsewhere.example/steal" } },
    ]);
    // The core pipeline does not follow a redirect to another origin either.
    expect((await redirected.send("GET")).status).toBe(302);
    expect(redirected.sent.map((s) => s.url)).toEqual(["https://arm.example/x"]);
    expect(redirected.sent[0]!.authorization).toBe("Bearer token");
  });
});
