/**
 * Every way a call to Vantage can fail, as a sentence that says what to do. The kinds decide what the
 * delivery job does next: wait and try again (rate-limited, unavailable), or stop until a person acts
 * (bad-token, read-only, refused). Nothing here may carry the API token or the password: messages are
 * built from our words and Vantage's error list, scrubbed of both.
 */
import { scrub } from "@/lib/azure/errors";

export type VantageErrorKind =
  /** 401: the token is wrong, expired or revoked. */
  | "bad-token"
  /** 403 on a write: the token has the read scope only. */
  | "read-only"
  /** 403 on a read: the token may not see this. */
  | "forbidden"
  /** 429: Vantage asked us to slow down. */
  | "rate-limited"
  /** 5xx, no answer, or no answer in time: Vantage is down or slow. */
  | "unavailable"
  /** 400 on create: Vantage refused the credentials or the request. */
  | "refused"
  | "not-found"
  /** An answer we cannot read (not JSON, an unexpected status). */
  | "unexpected";

export class VantageError extends Error {
  readonly kind: VantageErrorKind;
  /** The HTTP status, when an answer came. */
  readonly status: number | null;
  /** Retry-After, in milliseconds from when the answer came. */
  readonly retryAfterMs: number | null;
  /** Vantage's own messages ({"errors": [...]}), scrubbed. */
  readonly vantageMessages: string[];

  constructor(init: {
    kind: VantageErrorKind;
    message: string;
    status?: number | null;
    retryAfterMs?: number | null;
    vantageMessages?: string[];
  }) {
    super(init.message);
    this.name = "VantageError";
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.vantageMessages = init.vantageMessages ?? [];
  }

  /** Worth trying again later without anyone changing anything. */
  get transient(): boolean {
    return this.kind === "rate-limited" || this.kind === "unavailable";
  }

  toJSON() {
    return {
      kind: this.kind,
      message: this.message,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      vantageMessages: this.vantageMessages,
    };
  }
}

const tokenPage = "Vantage's console, Settings > API Access Tokens";

function said(messages: string[]) {
  return messages.length ? ` Vantage said: ${messages.join("; ")}` : "";
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from now. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Vantage's error list, whatever the body held; never more than a few short lines. */
export function errorMessages(body: unknown, secrets: readonly string[]): string[] {
  const list =
    typeof body === "object" && body !== null && Array.isArray((body as { errors?: unknown }).errors)
      ? ((body as { errors: unknown[] }).errors as unknown[])
      : [];
  return list
    .filter((m): m is string => typeof m === "string" && m.trim() !== "")
    .slice(0, 5)
    .map((m) => scrub(m.trim(), secrets).slice(0, 300));
}

/** The error for an answer that is not a success. `write`: the call needs the write scope. */
export function errorForStatus(
  status: number,
  input: { write: boolean; create?: boolean; messages: string[]; retryAfter: string | null },
): VantageError {
  const { messages } = input;
  if (status === 401)
    return new VantageError({
      kind: "bad-token",
      status,
      message: `Vantage refused the API token (401): it is wrong, expired or revoked. Make a new token with the Write scope in ${tokenPage}, and paste it under Settings > Vantage.`,
      vantageMessages: messages,
    });
  if (status === 403)
    return input.write
      ? new VantageError({
          kind: "read-only",
          status,
          message: `The Vantage API token may only read (403 on a change). Make a token with the Write scope in ${tokenPage}, paste it under Settings > Vantage, then try again.`,
          vantageMessages: messages,
        })
      : new VantageError({
          kind: "forbidden",
          status,
          message: `Vantage refused this token access (403).${said(messages)} Check the token's user may see the workspace, or paste another token under Settings > Vantage.`,
          vantageMessages: messages,
        });
  if (status === 429) {
    const wait = retryAfterMs(input.retryAfter);
    return new VantageError({
      kind: "rate-limited",
      status,
      retryAfterMs: wait,
      message: `Vantage asked us to slow down (429); trying again ${wait ? `in ${Math.ceil(wait / 1000)} s` : "shortly"}. Nothing to do.`,
      vantageMessages: messages,
    });
  }
  if (status >= 500)
    return new VantageError({
      kind: "unavailable",
      status,
      retryAfterMs: retryAfterMs(input.retryAfter),
      message: `Vantage is not working right now (HTTP ${status}); trying again shortly. Nothing was lost.`,
      vantageMessages: messages,
    });
  if (status === 404)
    return new VantageError({
      kind: "not-found",
      status,
      message: "Vantage has no such integration (404).",
      vantageMessages: messages,
    });
  if (status === 400 || status === 422)
    return new VantageError({
      kind: "refused",
      status,
      message: input.create
        ? `Vantage refused the credentials (${status}).${said(messages)} Check the connection works (Check now on its page), then try again.`
        : `Vantage refused the request (${status}).${said(messages)}`,
      vantageMessages: messages,
    });
  return new VantageError({
    kind: "unexpected",
    status,
    message: `Vantage answered with HTTP ${status}, which we did not expect.${said(messages)} Try again later.`,
    vantageMessages: messages,
  });
}

export function noAnswer(timedOut: boolean, timeoutMs: number): VantageError {
  return new VantageError({
    kind: "unavailable",
    message: timedOut
      ? `Vantage did not answer within ${Math.round(timeoutMs / 1000)} s; trying again shortly. Nothing was lost.`
      : "Vantage could not be reached; trying again shortly. Nothing was lost.",
  });
}
