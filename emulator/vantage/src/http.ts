/** Request context and response helpers: JSON in and out, errors as {"errors": [...]}. */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** The path below /v2 (public API) or /_vantage (control API), e.g. "/integrations/azure". */
  path: string;
  rawBody: Buffer;
  requestId: string;
}

export function send(ctx: Ctx, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  if (ctx.res.headersSent || ctx.res.destroyed) return;
  ctx.res.statusCode = status;
  ctx.res.setHeader("X-Request-Id", ctx.requestId);
  ctx.res.setHeader("Cache-Control", "no-store");
  for (const [k, v] of Object.entries(headers)) ctx.res.setHeader(k, v);
  if (status === 204 || body === undefined) {
    ctx.res.end();
    return;
  }
  ctx.res.setHeader("Content-Type", "application/json; charset=utf-8");
  ctx.res.end(JSON.stringify(body));
}

/** Vantage's error body (definition Errors): a list of sentences. */
export function sendErrors(
  ctx: Ctx,
  status: number,
  errors: string[],
  headers: Record<string, string> = {},
): void {
  send(ctx, status, { errors }, headers);
}

export type JsonResult = { ok: true; value: unknown } | { ok: false };

export function readJson(ctx: Ctx): JsonResult {
  const text = ctx.rawBody.toString("utf8").trim();
  if (text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function bearer(ctx: Ctx): string | undefined {
  const h = ctx.req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : "";
}
