/**
 * Faults as the server plays them (faults.ts holds the rules): the tenant a request counts for, a fault's
 * answer in the service's own error shape, and an answer held or dropped after the handler acted.
 */
import type { ServerResponse } from "node:http";

import { armError, armHeaders } from "./arm/common";
import { costThrottleHeaders } from "./arm/cost";
import { tokenError } from "./entra/errors";
import { defaultCode, defaultMessage, type Fault } from "./faults";
import { graphError, graphHeaders } from "./graph/common";
import { header, send, type Ctx } from "./http";
import { peekClaims } from "./keys";
import type { World } from "./world";

export function faultTenant(world: World, ctx: Ctx): string | undefined {
  if (ctx.service === "graph" || ctx.service === "arm") {
    const token = /^Bearer\s+(.+)$/i.exec(header(ctx, "authorization") ?? "")?.[1];
    const tid = token ? peekClaims(token)?.tid : undefined;
    return typeof tid === "string" ? tid.toLowerCase() : undefined;
  }
  const seg = ctx.segments[0];
  return seg ? world.store.tenantByIdOrDomain(seg)?.id : undefined;
}

export function answerFault(world: World, ctx: Ctx, fault: Fault): void {
  const status = fault.status!;
  const headers: Record<string, string> = { ...(fault.headers ?? {}) };
  if (fault.retryAfter !== undefined) {
    // Cost Management's throttling answers name the wait in its own headers (the tenant's switch says
    // which); every other service in Retry-After.
    if (status === 429 && /costmanagement/i.test(ctx.url.pathname)) {
      const tenantId = faultTenant(world, ctx);
      const tenant = tenantId ? world.store.tenants.get(tenantId) : undefined;
      for (const [k, v] of Object.entries(costThrottleHeaders(tenant, fault.retryAfter))) headers[k] ??= v;
    } else headers["Retry-After"] = String(fault.retryAfter);
  }
  ctx.route = `${ctx.method} (fault)`;
  if (fault.body !== undefined)
    return send(
      ctx,
      status,
      fault.body,
      typeof fault.body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      headers,
    );
  const code = fault.code ?? defaultCode(status);
  const message = fault.message ?? defaultMessage(status);
  if (ctx.service === "graph") {
    graphHeaders(ctx);
    return graphError(ctx, status, code, message, headers);
  }
  if (ctx.service === "arm") {
    armHeaders(ctx);
    return armError(ctx, status, code, message, headers);
  }
  const aadsts = /^\d+$/.test(code) ? Number(code) : status >= 500 ? 90033 : 90000;
  for (const [k, v] of Object.entries(headers)) ctx.extraHeaders[k] = v;
  return tokenError(
    world,
    ctx,
    /^\d+$/.test(code) ? (status >= 500 ? "temporarily_unavailable" : "invalid_request") : code,
    aadsts,
    message,
    status,
  );
}

/**
 * A fault with `after`: the handler runs and acts as usual, and its answer is held for latencyMs, then
 * sent, or the connection is dropped instead. Its log line says the answer was held (a client that gave
 * up meanwhile never sees it).
 */
export function holdAnswer(ctx: Ctx, fault: Fault): void {
  const res = ctx.res;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    ctx.route = `${ctx.route ?? `${ctx.method} ${ctx.url.pathname}`} (answer held by fault)`;
    const release = () => {
      if (fault.drop) ctx.req.socket.destroy();
      else end(...args);
    };
    if (!fault.latencyMs) {
      release();
      return res;
    }
    const timer = setTimeout(release, fault.latencyMs);
    // A client that gave up (or a process that died) closed the socket: nothing left to answer.
    ctx.req.socket.once("close", () => clearTimeout(timer));
    return res;
  }) as typeof res.end;
}
