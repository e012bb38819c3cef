/**
 * JSON requests over an Azure core ServiceClient (so Graph and ARM share the same bearer-token, retry
 * and request-id policies), returning the status, the parsed body and the service's request id.
 */
import type { ServiceClient } from "@azure/core-client";
import { createPipelineRequest, type HttpMethods } from "@azure/core-rest-pipeline";

import { errorFromResponse, type AzureService } from "@/lib/azure/errors";
import { throttleWaitMs } from "@/lib/azure/pipeline";
import { asAzureCallError } from "@/lib/azure/resilience";

export type JsonResponse<T> = {
  status: number;
  body: T;
  requestId?: string;
  headers: Record<string, string>;
};

export async function sendJson<T>(
  client: ServiceClient,
  service: AzureService,
  method: HttpMethods,
  url: string,
  options: { body?: unknown; headers?: Record<string, string>; okStatuses?: number[] } = {},
): Promise<JsonResponse<T>> {
  // The request's timeout comes from the pipeline (lib/azure/resilience).
  const request = createPipelineRequest({ url, method });
  request.headers.set("accept", "application/json");
  if (options.body !== undefined) {
    request.headers.set("content-type", "application/json");
    request.body = JSON.stringify(options.body);
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) request.headers.set(name, value);
  const response = await client.sendRequest(request).catch((error: unknown) => {
    throw asAzureCallError(error, service);
  });
  const text = response.bodyAsText ?? "";
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const requestId =
    response.headers.get(service === "graph" ? "request-id" : "x-ms-request-id") ??
    response.headers.get("x-ms-request-id") ??
    undefined;
  const ok = options.okStatuses
    ? options.okStatuses.includes(response.status)
    : response.status >= 200 && response.status < 300;
  if (!ok) {
    const wait =
      response.status === 429 || response.status === 503 ? throttleWaitMs(response.headers) : undefined;
    throw errorFromResponse(service, response.status, body, requestId, wait);
  }
  return { status: response.status, body: body as T, requestId, headers: response.headers.toJSON() };
}
