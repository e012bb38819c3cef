/**
 * Injected failures for the public API, matched by method and path prefix: a status (429 with
 * Retry-After, 5xx, ...), extra latency, or a dropped connection; for N requests or every one.
 * With `after`, the request is served first (an integration is created) and only its answer is held
 * or dropped: the client times out or sees a reset although Vantage did the work.
 */
import { randomBytes } from "node:crypto";

export interface FaultSpec {
  method?: string;
  /** A path prefix, with or without /v2 ("/integrations/azure", "/v2/me"), or "*" for every path. */
  path: string;
  status?: number;
  /** The error sentences of the answer (default: one that says what happened). */
  errors?: string[];
  /** How many matching requests it affects; 0 or null for every one. Default 1. */
  count?: number | null;
  latencyMs?: number;
  /** Seconds, sent as Retry-After (a 429 without it says 1). */
  retryAfter?: number;
  drop?: boolean;
  after?: boolean;
}

export interface Fault extends FaultSpec {
  id: string;
  remaining: number | null;
  hits: number;
}

export class FaultError extends Error {}

export class Faults {
  private list: Fault[] = [];

  add(spec: FaultSpec): Fault {
    if (typeof spec?.path !== "string" || spec.path === "")
      throw new FaultError('path is required: a path prefix such as "/integrations" or "*"');
    if (spec.path !== "*" && !spec.path.startsWith("/"))
      throw new FaultError('path must start with "/" or be "*"');
    if (spec.status === undefined && !spec.drop && !spec.latencyMs)
      throw new FaultError("A fault needs status, drop or latencyMs");
    if (
      spec.status !== undefined &&
      (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)
    )
      throw new FaultError("status must be an HTTP error status (400-599)");
    if (spec.latencyMs !== undefined && (!Number.isFinite(spec.latencyMs) || spec.latencyMs < 0))
      throw new FaultError("latencyMs must be a number of milliseconds >= 0");
    if (spec.retryAfter !== undefined && (!Number.isInteger(spec.retryAfter) || spec.retryAfter < 0))
      throw new FaultError("retryAfter must be a whole number of seconds");
    if (spec.after && spec.status !== undefined)
      throw new FaultError(
        "A fault with after holds or drops the real answer: give latencyMs or drop, not status",
      );
    const count = spec.count === undefined ? 1 : spec.count;
    const fault: Fault = {
      ...spec,
      method: spec.method?.toUpperCase(),
      id: randomBytes(8).toString("hex"),
      remaining: count === null || count === 0 ? null : count,
      hits: 0,
    };
    this.list.push(fault);
    return fault;
  }

  clear(): number {
    const n = this.list.length;
    this.list = [];
    return n;
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return before !== this.list.length;
  }

  all(): Fault[] {
    return this.list.map((f) => ({ ...f }));
  }

  /** The first live fault for the request (path below /v2), using up one of its count. */
  take(method: string, path: string): Fault | undefined {
    const full = `/v2${path}`;
    const fault = this.list.find(
      (f) =>
        (f.remaining === null || f.remaining > 0) &&
        (!f.method || f.method === method) &&
        (f.path === "*" || path.startsWith(f.path) || full.startsWith(f.path)),
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null) fault.remaining--;
    return fault;
  }
}

export function faultMessage(status: number): string {
  if (status === 429) return "Rate limit exceeded. Retry after the time given in the Retry-After header.";
  if (status >= 500) return "Vantage is temporarily unavailable. Please retry the request.";
  return "The request failed (injected fault).";
}
