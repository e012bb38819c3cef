/**
 * Injected failures, matched per request by method, path regex and tenant: a status with a body in the
 * service's own error shape, extra latency, Retry-After, or a dropped connection; for N requests or forever.
 */
import { guid } from "./ids";

export interface FaultSpec {
  method?: string;
  /** Regular expression tested against the path (as sent and percent-decoded), e.g. "^/graph/v1.0/applications$". */
  path: string;
  tenantId?: string;
  status?: number;
  /** Error code in the service's shape (Graph/ARM: error.code; Entra: error, with an AADSTS number in message). */
  code?: string;
  message?: string;
  /** A raw body instead of the service-shaped error. */
  body?: unknown;
  /** How many matching requests it affects; null or 0 for every one. Default 1. */
  count?: number | null;
  latencyMs?: number;
  retryAfter?: number;
  drop?: boolean;
  /**
   * Let the request reach its handler first (the service acts: a write happens), then apply latencyMs to
   * its answer and/or drop the connection instead of answering: the client sees a timeout or a reset
   * although Azure did what it asked. Needs latencyMs or drop, and no status.
   */
  after?: boolean;
  /**
   * When the fault is taken, every token of the request's tenant issued so far counts as expired (as
   * POST /_emulator/tenants/{id}/expire-tokens), before latencyMs: a token that expires mid-flow. With
   * latencyMs of 1000 or more, tokens issued after the request (the client's retry) are valid again.
   */
  expireTokens?: boolean;
  headers?: Record<string, string>;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number | null;
  hits: number;
  regex: RegExp;
}

export class FaultError extends Error {}

export class Faults {
  private list: Fault[] = [];

  add(spec: FaultSpec): Fault {
    if (typeof spec.path !== "string" || spec.path === "")
      throw new FaultError("path (a regular expression) is required");
    let regex: RegExp;
    try {
      regex = new RegExp(spec.path, "i");
    } catch (err) {
      throw new FaultError(`Invalid path regex: ${(err as Error).message}`);
    }
    if (spec.status === undefined && !spec.drop && !spec.latencyMs)
      throw new FaultError("A fault needs status, drop or latencyMs");
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)
    )
      throw new FaultError("status must be an HTTP status code");
    if (spec.after && (spec.status !== undefined || (!spec.drop && !spec.latencyMs)))
      throw new FaultError(
        "A fault with after applies latencyMs or drop to the service's answer, not a status",
      );
    if (spec.after && spec.expireTokens)
      throw new FaultError("expireTokens applies before the service acts, so not with after");
    const count = spec.count === undefined ? 1 : spec.count;
    const fault: Fault = {
      ...spec,
      id: guid(),
      remaining: count === null || count === 0 ? null : count,
      hits: 0,
      regex,
    };
    this.list.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return this.list.length !== before;
  }

  clear(): number {
    const n = this.list.length;
    this.list = [];
    return n;
  }

  all(): Omit<Fault, "regex">[] {
    return this.list.map(({ regex: _regex, ...rest }) => rest);
  }

  /** Finds the first live fault for the request and uses up one of its count. */
  take(
    method: string,
    rawPath: string,
    decodedPath: string,
    tenantId: string | undefined,
  ): Fault | undefined {
    const fault = this.list.find(
      (f) =>
        (f.remaining === null || f.remaining > 0) &&
        (!f.method || f.method.toUpperCase() === method) &&
        (!f.tenantId || f.tenantId.toLowerCase() === tenantId) &&
        (f.regex.test(rawPath) || f.regex.test(decodedPath)),
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null) fault.remaining--;
    return fault;
  }
}

export function defaultCode(status: number): string {
  const codes: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    412: "PreconditionFailed",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  };
  return codes[status] ?? "Error";
}

export function defaultMessage(status: number): string {
  if (status === 429)
    return "Too many requests. Please retry after the time given in the Retry-After header.";
  if (status >= 500) return "The service is temporarily unavailable. Please retry the request.";
  return "The request failed (injected fault).";
}
