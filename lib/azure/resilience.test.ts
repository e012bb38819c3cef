import type { AccessToken } from "@azure/core-auth";
import {
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";

import { AzureCallError, errorFromMsal } from "@/lib/azure/errors";
import { asAzureCallError, hardenPipeline, requestTimeoutPolicy } from "@/lib/azure/resilience";

const token = (value: string): AccessToken => ({ token: value, expiresOnTimestamp: Date.now() + 3_600_000 });

describe("asAzureCallError", () => {
  it("reads a service's answer as errorFromResponse does", () => {
    const request = createPipelineRequest({ url: "https://example.test/x" });
    const error = new RestError("Forbidden", {
      statusCode: 403,
      request,
      response: {
        status: 403,
        request,
        headers: createHttpHeaders({ "x-ms-request-id": "req-1" }),
        bodyAsText: JSON.stringify({ error: { code: "AuthorizationFailed", message: "No." } }),
      },
    });
    const out = asAzureCallError(error, "arm") as AzureCallError;
    expect(out).toBeInstanceOf(AzureCallError);
    expect(out.toJSON()).toMatchObject({
      kind: "permission",
      code: "AuthorizationFailed",
      requestId: "req-1",
    });
  });

  it("makes a request that got no answer transient", () => {
    const reset = asAzureCallError(new RestError("socket hang up", { code: "ECONNRESET" }), "graph");
    expect(reset).toMatchObject({
      kind: "transient",
      message: "The connection to Azure was lost before it answered.",
    });
    const late = asAzureCallError(new RestError("late", { code: "ETIMEDOUT" }), "graph");
    expect(late).toMatchObject({ kind: "transient", message: "Azure did not answer in time." });
    const other = new Error("not a request");
    expect(asAzureCallError(other, "graph")).toBe(other);
  });
});

describe("errorFromMsal", () => {
  it("reads Entra's throttling and server errors as transient, whatever their AADSTS code", () => {
    expect(
      errorFromMsal({ errorCode: "TooManyRequests", errorMessage: "AADSTS90000: slow down", status: 429 })
        .kind,
    ).toBe("transient");
    expect(
      errorFromMsal({ errorCode: "InternalServerError", errorMessage: "AADSTS90033: x", status: 503 }).kind,
    ).toBe("transient");
    expect(
      errorFromMsal({ errorCode: "invalid_client", errorMessage: "AADSTS7000215: bad", status: 401 }).kind,
    ).toBe("consistency");
  });
});

describe("the hardened pipeline", () => {
  it("turns a timeout into ETIMEDOUT, which the retry rules know", async () => {
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(requestTimeoutPolicy(50));
    const hangs: HttpClient = {
      sendRequest: (request) =>
        new Promise((_resolve, reject) => {
          // As the Node HTTP client does when request.timeout passes.
          setTimeout(
            () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
            request.timeout,
          );
        }),
    };
    const request = createPipelineRequest({ url: "https://example.test/x" });
    await expect(pipeline.sendRequest(hangs, request)).rejects.toMatchObject({
      name: "RestError",
      code: "ETIMEDOUT",
    });
    expect(request.timeout).toBe(50);
  });

  it("replaces a token the service refused with a fresh one, once per request", async () => {
    const seen: string[] = [];
    const refusing = new Set(["stale"]);
    const client: HttpClient = {
      async sendRequest(request: PipelineRequest) {
        const presented = request.headers.get("authorization")!.replace("Bearer ", "");
        seen.push(presented);
        const refused = refusing.has(presented);
        return {
          request,
          status: refused ? 401 : 200,
          headers: createHttpHeaders(refused ? { "WWW-Authenticate": 'Bearer realm=""' } : {}),
          bodyAsText: "{}",
        };
      },
    };
    let fresh = 0;
    const credential = {
      getToken: async () => token("stale"),
      getFreshToken: async () => token(`fresh-${++fresh}`),
    };
    const pipeline = hardenPipeline(createEmptyPipeline(), credential, ["https://x/.default"], 1_000);
    const send = () => pipeline.sendRequest(client, createPipelineRequest({ url: "https://example.test/x" }));
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200); // the fresh token is kept for later requests
    expect(seen).toEqual(["stale", "fresh-1", "fresh-1"]);

    refusing.add("fresh-1");
    refusing.add("fresh-2");
    expect((await send()).status).toBe(401); // refused again after one fresh token: a real refusal
    expect(seen.slice(3)).toEqual(["fresh-1", "fresh-2"]);
  });
});
