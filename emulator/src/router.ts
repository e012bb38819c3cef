/**
 * One request's way through the server: the plain-HTTP port's filter, the request context and its log
 * line, the control API and index page, faults, then Entra, Graph or ARM, and a 500 in the service's own
 * shape when a handler throws.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

import { handleArm } from "./arm/arm";
import { armError } from "./arm/common";
import { handleControl, type ControlContext } from "./control";
import { handleEntra, isBrowserRoute } from "./entra/entra";
import { answerFault, faultTenant, holdAnswer } from "./fault-answer";
import type { Faults } from "./faults";
import { graphError } from "./graph/common";
import { handleGraph } from "./graph/graph";
import { decodeSegments, header, newRequestId, send, sendHtml, type Ctx, type Service } from "./http";
import { indexPage } from "./index-page";
import type { StateSaver } from "./persist";
import { now, type World } from "./world";

export interface RouterDeps {
  world: World;
  faults: Faults;
  control: ControlContext;
  controlEnabled: boolean;
  caPath: string;
  saver?: StateSaver;
  log?: boolean;
}

export type Dispatch = (
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: Buffer,
  plainHttp: boolean,
  arrived: number,
) => Promise<void>;

function serviceOf(first: string | undefined): Service {
  if (first === undefined) return "index";
  if (first === "graph") return "graph";
  if (first === "arm") return "arm";
  if (first === "_emulator") return "control";
  return "entra";
}

function refuseOffBrowserRoute(world: World, res: ServerResponse, method: string, url: URL): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  res.end(
    `Not found: this plain-HTTP port serves only the sign-in pages (authorize, logout, adminconsent). ` +
      `Use the HTTPS base URL ${world.baseUrl} for ${method} ${url.pathname}.\n`,
  );
}

function newContext(
  req: IncomingMessage,
  res: ServerResponse,
  parts: { method: string; url: URL; segments: string[]; rawBody: Buffer; plainHttp: boolean },
): Ctx {
  const ctx: Ctx = {
    req,
    res,
    ...parts,
    service: serviceOf(parts.segments[0]),
    requestId: newRequestId(),
    extraHeaders: {},
  };
  if (ctx.service === "entra") {
    ctx.extraHeaders["x-ms-request-id"] = ctx.requestId;
    ctx.extraHeaders["x-ms-ests-server"] = "2.1.emulator";
    const clientRequestId = header(ctx, "client-request-id");
    if (clientRequestId) ctx.extraHeaders["client-request-id"] = clientRequestId;
  }
  return ctx;
}

/** Once answered: schedules a state save, and logs Entra, Graph and ARM requests (counters, --log). */
function recordWhenFinished(deps: RouterDeps, ctx: Ctx, arrived: number): void {
  const { world, saver } = deps;
  const { res, url } = ctx;
  res.on("finish", () => {
    // Any request may have changed the state (even reads settle due operations); unchanged is not written.
    saver?.schedule();
    if (ctx.service === "control" || ctx.service === "index") return;
    const record = {
      time: new Date().toISOString(),
      service: ctx.service as "entra" | "graph" | "arm",
      method: ctx.method,
      route: ctx.route ?? `${ctx.method} ${url.pathname}`,
      path: url.pathname,
      status: res.statusCode,
      tenantId: ctx.tenantId,
      ms: Math.round((performance.now() - arrived) * 10) / 10,
    };
    world.store.logRequest(ctx.tenantId, record);
    if (deps.log)
      process.stderr.write(
        `${record.time} ${record.status} ${ctx.method} ${url.pathname}${ctx.tenantId ? ` [${ctx.tenantId}]` : ""}\n`,
      );
  });
}

/** Plays the fault the request meets, if any: true when the fault answered (or dropped) it. */
async function playFault(deps: RouterDeps, ctx: Ctx): Promise<boolean> {
  const { world, faults } = deps;
  const fault = faults.take(
    ctx.method,
    ctx.url.pathname,
    `/${ctx.segments.join("/")}`,
    faultTenant(world, ctx),
  );
  if (!fault) return false;
  if (fault.after) {
    holdAnswer(ctx, fault);
    return false;
  }
  ctx.tenantId = faultTenant(world, ctx);
  const tenant = fault.expireTokens && ctx.tenantId ? world.store.tenants.get(ctx.tenantId) : undefined;
  if (tenant) tenant.tokensExpiredAt = Math.floor(now(world) / 1000);
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.drop) {
    ctx.req.socket.destroy();
    return true;
  }
  if (fault.status !== undefined) {
    answerFault(world, ctx, fault);
    return true;
  }
  return false;
}

async function route(deps: RouterDeps, ctx: Ctx): Promise<void> {
  const { world } = deps;
  if (ctx.service === "control") {
    if (!deps.controlEnabled)
      return send(ctx, 404, { error: { message: "The control API is disabled (--no-control)." } });
    return handleControl(deps.control, ctx);
  }
  if (ctx.service === "index") {
    if (ctx.method !== "GET") return send(ctx, 405, "");
    return sendHtml(ctx, 200, indexPage(world, deps.caPath, deps.controlEnabled));
  }
  if (ctx.segments[0] === "favicon.ico") return send(ctx, 204, "");
  if (await playFault(deps, ctx)) return;
  if (ctx.service === "graph") return handleGraph(world, ctx);
  if (ctx.service === "arm") return handleArm(world, ctx);
  if (!handleEntra(world, ctx)) {
    ctx.route = `${ctx.method} (unknown)`;
    send(ctx, 404, {
      error: "not_found",
      error_description: `No Entra, Graph or ARM route for ${ctx.method} ${ctx.url.pathname}. Graph lives under /graph and ARM under /arm.`,
    });
  }
}

function answerInternalError(ctx: Ctx, err: unknown): void {
  process.stderr.write(
    `emulator: ${ctx.method} ${ctx.url.pathname} failed: ${(err as Error).stack ?? String(err)}\n`,
  );
  if (ctx.service === "graph")
    return graphError(ctx, 500, "InternalServerError", "An internal server error occurred in the emulator.");
  if (ctx.service === "arm")
    return armError(ctx, 500, "InternalServerError", "An internal server error occurred in the emulator.");
  send(ctx, 500, {
    error: "server_error",
    error_description: "An internal error occurred in the emulator.",
  });
}

export function createDispatch(deps: RouterDeps): Dispatch {
  return async (req, res, rawBody, plainHttp, arrived) => {
    // The URL's origin is always the HTTPS base URL, so links that answers carry (error_uri) stay there;
    // the sign-in pages use relative form actions, so a browser on the HTTP port stays on it.
    const url = new URL(req.url ?? "/", deps.world.baseUrl);
    const segments = decodeSegments(url.pathname);
    const method = (req.method ?? "GET").toUpperCase();
    if (plainHttp && !isBrowserRoute(method, segments))
      return refuseOffBrowserRoute(deps.world, res, method, url);
    const ctx = newContext(req, res, { method, url, segments, rawBody, plainHttp });
    recordWhenFinished(deps, ctx, arrived);
    try {
      await route(deps, ctx);
    } catch (err) {
      answerInternalError(ctx, err);
    }
  };
}
