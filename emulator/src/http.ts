/** Request context and small response helpers shared by the services. */
import type { IncomingMessage, ServerResponse } from "node:http";

import { guid } from "./ids";

export type Service = "entra" | "graph" | "arm" | "control" | "index";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  /** Path with percent-escapes decoded per segment (billing account names arrive as %3A). */
  segments: string[];
  rawBody: Buffer;
  service: Service;
  requestId: string;
  /** Route label for request logs, e.g. "POST /applications"; set by handlers. */
  route?: string;
  /** Tenant that the request acts in (token tid or Entra path), for logs and faults. */
  tenantId?: string;
  extraHeaders: Record<string, string>;
  /** The request came over the plain-HTTP browser port (sign-in pages only): cookies cannot be Secure. */
  plainHttp?: boolean;
  /** ARM: how this route's resource provider writes error bodies (unset: ARM's envelope). */
  errorShape?: "arm" | "flat" | "aspnet";
}

export function header(ctx: Ctx, name: string): string | undefined {
  const v = ctx.req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function decodeSegments(pathname: string): string[] {
  return pathname
    .split("/")
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export function send(
  ctx: Ctx,
  status: number,
  body: unknown,
  contentType = "application/json; charset=utf-8",
  headers: Record<string, string> = {},
): void {
  if (ctx.res.headersSent) return;
  const payload =
    body === undefined || body === null
      ? ""
      : typeof body === "string" || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body);
  const all: Record<string, string> = { ...ctx.extraHeaders, ...headers };
  if (payload !== "" || status !== 204) all["Content-Type"] = contentType;
  if (status === 204 || status === 304) delete all["Content-Type"];
  for (const [k, v] of Object.entries(all)) ctx.res.setHeader(k, v);
  ctx.res.statusCode = status;
  ctx.res.end(status === 204 ? undefined : payload);
}

export function sendHtml(ctx: Ctx, status: number, html: string, headers: Record<string, string> = {}): void {
  send(ctx, status, html, "text/html; charset=utf-8", {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy":
      "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *",
    ...headers,
  });
}

export function redirect(ctx: Ctx, location: string, headers: Record<string, string> = {}): void {
  send(ctx, 302, "", "text/plain", { Location: location, "Cache-Control": "no-store", ...headers });
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

export function readForm(ctx: Ctx): URLSearchParams {
  return new URLSearchParams(ctx.rawBody.toString("utf8"));
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function newRequestId(): string {
  return guid();
}

export function parseCookies(ctx: Ctx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header(ctx, "cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export function bearer(ctx: Ctx): string | undefined {
  const h = header(ctx, "authorization");
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1]!.trim() : "";
}
