/**
 * One error type for every Azure call, classified so the engine knows whether to retry, wait, or ask
 * a person to act, and cleaned so nothing secret reaches a log, a page or the database: bodies of
 * failed requests can echo tokens, and MSAL errors can carry request details.
 */
export type ErrorKind = "transient" | "consistency" | "permission" | "input" | "policy" | "sign-in" | "fatal";

export type AzureService = "graph" | "arm" | "entra";

export type SafeError = {
  kind: ErrorKind;
  message: string;
  code?: string;
  status?: number;
  service?: AzureService;
  requestId?: string;
};

export class AzureCallError extends Error {
  readonly kind: ErrorKind;
  readonly code?: string;
  readonly status?: number;
  readonly service?: AzureService;
  readonly requestId?: string;

  constructor(details: SafeError) {
    super(details.message);
    this.name = "AzureCallError";
    this.kind = details.kind;
    this.code = details.code;
    this.status = details.status;
    this.service = details.service;
    this.requestId = details.requestId;
  }

  toJSON(): SafeError {
    return {
      kind: this.kind,
      message: this.message,
      code: this.code,
      status: this.status,
      service: this.service,
      requestId: this.requestId,
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

type ErrorBody = {
  error?: { code?: string; message?: string; innerError?: { code?: string } } | string;
  error_description?: string;
  error_codes?: number[];
};

function transientStatus(status: number) {
  return status === 408 || status === 429 || status >= 500;
}

/** Turns a failed Graph or ARM response into a classified, cleaned error. */
export function errorFromResponse(
  service: AzureService,
  status: number,
  body: unknown,
  requestId?: string,
): AzureCallError {
  const parsed = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
  const error = typeof parsed.error === "object" ? parsed.error : undefined;
  const code = error?.code ?? (typeof parsed.error === "string" ? parsed.error : undefined) ?? String(status);
  const rawMessage =
    error?.message ?? parsed.error_description ?? (typeof body === "string" ? body : `HTTP ${status}`);
  const message = scrub(rawMessage);
  let kind: ErrorKind = "fatal";
  if (transientStatus(status)) kind = "transient";
  else if (status === 401) kind = "sign-in";
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
  return new AzureCallError({ kind, code, status, service, requestId, message });
}

/** Classifies an error thrown by MSAL (sign-in, silent token, client credentials). */
export function errorFromMsal(error: unknown): AzureCallError {
  const e = error as {
    errorCode?: string;
    errorMessage?: string;
    message?: string;
    name?: string;
    subError?: string;
    status?: number;
  };
  const text = `${e.errorCode ?? ""} ${e.errorMessage ?? e.message ?? ""}`;
  const aadsts = /AADSTS(\d+)/.exec(text)?.[1];
  const message = scrub(
    (e.errorMessage ?? e.message ?? "Sign-in failed").split(/\r?\n|Trace ID:/)[0]!.trim(),
  );
  let kind: ErrorKind = "fatal";
  if (
    e.name === "InteractionRequiredAuthError" ||
    /interaction_required|no_tokens_found|invalid_grant|consent_required|login_required/.test(text)
  )
    kind = "sign-in";
  // Entra throttling or a server error: its answer says nothing about the request itself.
  else if (e.status === 429 || (e.status ?? 0) >= 500) kind = "transient";
  else if (aadsts === "7000215" || aadsts === "700016" || aadsts === "7000222") kind = "consistency";
  else if (aadsts === "65001" || aadsts === "90094" || aadsts === "65004") kind = "permission";
  else if (/network|ECONN|ETIMEDOUT|timed out|temporarily_unavailable|server_error/i.test(text))
    kind = "transient";
  return new AzureCallError({
    kind,
    code: aadsts ? `AADSTS${aadsts}` : e.errorCode,
    message,
    service: "entra",
  });
}

/** Any thrown value as a safe, storable shape. */
export function toSafeError(error: unknown): SafeError {
  if (error instanceof AzureCallError) return error.toJSON();
  const restError = error as {
    name?: string;
    statusCode?: number;
    code?: string;
    message?: string;
    request?: { headers?: { get(name: string): string | undefined } };
  };
  if (restError?.name === "RestError") {
    const status = restError.statusCode;
    return {
      kind:
        status === undefined || transientStatus(status)
          ? "transient"
          : status === 403
            ? "permission"
            : status === 401
              ? "sign-in"
              : "fatal",
      status,
      code: restError.code,
      message: scrub(restError.message ?? "Request failed"),
    };
  }
  return { kind: "fatal", message: scrub(error instanceof Error ? error.message : String(error)) };
}
