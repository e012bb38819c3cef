/**
 * One error type for every Azure call, classified so the engine knows whether to retry, wait, or ask
 * a person to act, and cleaned so nothing secret reaches a log, a page or the database: bodies of
 * failed requests can echo tokens, and MSAL errors can carry request details.
 */
export type ErrorKind = "transient" | "consistency" | "permission" | "input" | "policy" | "sign-in" | "fatal";

export type AzureService = "graph" | "arm" | "entra";

export type SafeError = {
  kind: ErrorKind;
  /** What the person reads: Azure's message, or a step's own words about it. */
  message: string;
  /** Azure's own message (cleaned), kept when a step words the error its own way. */
  azureMessage?: string;
  code?: string;
  status?: number;
  service?: AzureService;
  requestId?: string;
  /** How long Azure asked us to wait before trying again (throttling), in milliseconds. */
  retryAfterMs?: number;
};

export class AzureCallError extends Error {
  readonly kind: ErrorKind;
  readonly azureMessage?: string;
  readonly code?: string;
  readonly status?: number;
  readonly service?: AzureService;
  readonly requestId?: string;
  readonly retryAfterMs?: number;

  constructor(details: SafeError) {
    super(details.message);
    this.name = "AzureCallError";
    this.kind = details.kind;
    this.azureMessage = details.azureMessage;
    this.code = details.code;
    this.status = details.status;
    this.service = details.service;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }

  toJSON(): SafeError {
    return {
      kind: this.kind,
      message: this.message,
      azureMessage: this.azureMessage,
      code: this.code,
      status: this.status,
      service: this.service,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

const jwtPattern = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;
const bearerPattern = /(bearer\s+)[^\s"']+/gi;
const secretLikeKeys =
  /("?(?:secretText|client_secret|refresh_token|access_token|id_token|password|code)"?\s*[:=]\s*)("[^"]*"|[^\s&,]+)/gi;

/** Removes anything token- or secret-shaped from text that came back from a service. */
export function scrub(text: string, knownSecrets: readonly string[] = []): string {
  let out = text
    .replace(jwtPattern, "[token]")
    .replace(bearerPattern, "$1[token]")
    .replace(secretLikeKeys, "$1[redacted]");
  for (const secret of knownSecrets) if (secret) out = out.split(secret).join("[redacted]");
  return out.length > 600 ? `${out.slice(0, 600)}…` : out;
}

type Json = Record<string, unknown>;

const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** Entra's descriptions go on with "Trace ID: … Correlation ID: … Timestamp: …": keep the first line. */
function firstLine(value: string): string {
  return value.split(/\r?\n|\s*Trace ID:/)[0]!.trim();
}

type ParsedBody = { code?: string; message?: string; requestId?: string };

/**
 * The code, message and request id of an error body, whatever its shape: ARM's and Graph's
 * {error: {code, message, innerError}}, a flat {code, message}, ASP.NET's {errors: {field: [...]},
 * title, status, traceId} and problem details {title, detail}, Entra's {error, error_description,
 * trace_id}, the older directory {"odata.error": {code, message: {value}}}, or plain text.
 */
export function parseErrorBody(body: unknown): ParsedBody {
  if (typeof body === "string") return { message: text(body) };
  if (!isJson(body)) return {};
  const odata = body["odata.error"];
  if (isJson(odata)) {
    const message = isJson(odata.message) ? text(odata.message.value) : text(odata.message);
    return { code: text(odata.code), message, requestId: text(odata.requestId) };
  }
  if (isJson(body.error)) {
    const inner = isJson(body.error.innerError)
      ? body.error.innerError
      : isJson(body.error.innererror)
        ? body.error.innererror
        : {};
    return {
      code: text(body.error.code),
      message: text(body.error.message),
      requestId: text(inner["request-id"]) ?? text(inner.requestId),
    };
  }
  if (typeof body.error === "string") {
    const description = text(body.error_description);
    return {
      code: (description && /^AADSTS\d+/.exec(description)?.[0]) ?? body.error,
      message: description ? firstLine(description) : body.error,
      requestId: text(body.trace_id) ?? text(body.correlation_id),
    };
  }
  if (isJson(body.errors)) {
    const parts = Object.entries(body.errors).map(([field, messages]) => {
      const list = Array.isArray(messages) ? messages.filter((m) => typeof m === "string") : [messages];
      return `${field ? `${field}: ` : ""}${list.join(" ")}`;
    });
    return {
      code: text(body.code),
      message: parts.join(" ") || text(body.title),
      requestId: text(body.traceId),
    };
  }
  if (text(body.title) || text(body.detail))
    return {
      code: text(body.code) ?? text(body.title),
      message: text(body.detail) ?? text(body.title),
      requestId: text(body.traceId),
    };
  return { code: text(body.code), message: text(body.message), requestId: text(body.requestId) };
}

function transientStatus(status: number) {
  return status === 408 || status === 429 || status >= 500;
}

const backingAppNotLocal =
  /backing application of the service principal being created must in the local tenant/i;

/** Turns a failed Graph or ARM response into a classified, cleaned error. */
export function errorFromResponse(
  service: AzureService,
  status: number,
  body: unknown,
  requestId?: string,
  retryAfterMs?: number,
): AzureCallError {
  const parsed = parseErrorBody(body);
  const code = parsed.code ?? String(status);
  const rawMessage = parsed.message ?? "";
  const azureMessage = rawMessage ? scrub(rawMessage) : undefined;
  let kind: ErrorKind = "fatal";
  if (transientStatus(status)) kind = "transient";
  else if (status === 401) kind = "sign-in";
  else if (status === 403 && backingAppNotLocal.test(rawMessage))
    // Graph's misleading answer while a new app replicates (public reports; tools retry it).
    kind = "consistency";
  else if (status === 403) kind = "permission";
  else if (
    /does not reference a valid application object|does not exist or one of its queried reference-property objects are not present|PrincipalNotFound|replicat/i.test(
      rawMessage + code,
    )
  )
    kind = "consistency";
  else if (/AsPerAppPolicy|app management policy|credential.*policy/i.test(rawMessage + code))
    kind = "policy";
  else if (status === 400 || status === 404 || status === 409 || status === 422) kind = "input";
  return new AzureCallError({
    kind,
    code,
    status,
    service,
    requestId: requestId ?? parsed.requestId,
    message: azureMessage ?? `Azure answered HTTP ${status} with no message.`,
    azureMessage,
    retryAfterMs,
  });
}

/** Classifies an error thrown by MSAL (sign-in, silent token, client credentials). */
export function errorFromMsal(error: unknown): AzureCallError {
  const e = error as {
    errorCode?: string;
    errorMessage?: string;
    message?: string;
    name?: string;
    subError?: string;
    correlationId?: string;
    status?: number;
  };
  const all = `${e.errorCode ?? ""} ${e.errorMessage ?? e.message ?? ""}`;
  const aadsts = /AADSTS(\d+)/.exec(all)?.[1];
  const message = scrub(firstLine(e.errorMessage ?? e.message ?? "Sign-in failed"));
  const traceId = /Trace ID:\s*([0-9a-f-]+)/i.exec(all)?.[1] ?? e.correlationId;
  let kind: ErrorKind = "fatal";
  if (
    e.name === "InteractionRequiredAuthError" ||
    /interaction_required|no_tokens_found|invalid_grant|consent_required|login_required/.test(all)
  )
    kind = "sign-in";
  // Entra throttling or a server error: its answer says nothing about the request itself.
  else if (e.status === 429 || (e.status ?? 0) >= 500) kind = "transient";
  else if (aadsts === "7000215" || aadsts === "700016" || aadsts === "7000222") kind = "consistency";
  else if (aadsts === "65001" || aadsts === "90094" || aadsts === "65004") kind = "permission";
  else if (/network|ECONN|ETIMEDOUT|timed out|temporarily_unavailable|server_error/i.test(all))
    kind = "transient";
  return new AzureCallError({
    kind,
    code: aadsts ? `AADSTS${aadsts}` : e.errorCode,
    message,
    azureMessage: message,
    service: "entra",
    requestId: traceId || undefined,
  });
}

type RestErrorLike = {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { bodyAsText?: string | null; headers?: { get(name: string): string | undefined } };
};

/**
 * An Azure SDK RestError (thrown by @azure/arm-billing's operations) read like any other answer: its
 * body in whatever shape, the request id from the response headers. Undefined for anything else.
 */
export function errorFromRestError(error: unknown, service: AzureService): AzureCallError | undefined {
  const e = error as RestErrorLike;
  if (e?.name !== "RestError") return undefined;
  if (e.statusCode === undefined)
    return new AzureCallError({
      kind: "transient",
      service,
      code: e.code,
      message: scrub(e.message ?? "Request failed"),
    });
  const raw = e.response?.bodyAsText ?? "";
  let body: unknown = raw;
  try {
    body = raw ? JSON.parse(raw) : e.message;
  } catch {
    /* plain text */
  }
  const headers = e.response?.headers;
  const requestId =
    headers?.get(service === "graph" ? "request-id" : "x-ms-request-id") ?? headers?.get("x-ms-request-id");
  const wait = headers?.get("retry-after");
  const retryAfterMs = wait && /^\d+$/.test(wait) ? Number(wait) * 1000 : undefined;
  return errorFromResponse(service, e.statusCode, body, requestId, retryAfterMs);
}

/** Any thrown value as a safe, storable shape. */
export function toSafeError(error: unknown): SafeError {
  if (error instanceof AzureCallError) return error.toJSON();
  const fromRest = errorFromRestError(error, "arm");
  if (fromRest) return fromRest.toJSON();
  return { kind: "fatal", message: scrub(error instanceof Error ? error.message : String(error)) };
}
