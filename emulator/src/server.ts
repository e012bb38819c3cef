/**
 * The emulator's HTTPS server: one port on 127.0.0.1 with Entra at the root, Graph under /graph, ARM under
 * /arm and the control API under /_emulator. Tests start it in-process with startEmulator({ port: 0 }).
 * Optionally (browserPort) a second, plain-HTTP port serves only the browser-facing sign-in pages, so a
 * person's browser shows no certificate warning; discovery then advertises authorize and logout there.
 */
import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { handleArm } from "./arm/arm";
import { costThrottleHeaders } from "./arm/cost";
import { ensureCa, serverSpkiSha256 } from "./ca";
import { registerClient, type ClientRegistration } from "./clients";
import { handleControl, type ControlContext } from "./control";
import { tokenError } from "./entra/errors";
import { handleEntra, isBrowserRoute } from "./entra/entra";
import { defaultCode, defaultMessage, Faults, type Fault } from "./faults";
import { graphError } from "./graph/common";
import { handleGraph } from "./graph/graph";
import { decodeSegments, header, newRequestId, send, sendHtml, type Ctx, type Service } from "./http";
import { indexPage } from "./index-page";
import { loadSigningKeys, peekClaims } from "./keys";
import { loadState, snapshotState, StateSaver } from "./persist";
import { resumeSeed, seedScenario, type ScenarioSpec, type SeedResult } from "./scenario";
import type { DelayProfile } from "./settings";
import { Store } from "./store";
import { now, type World } from "./world";
import { armError, armHeaders } from "./arm/common";
import { graphHeaders } from "./graph/common";

export interface EmulatorOptions {
  /** 0 picks a free port. Default 8443. */
  port?: number;
  /** Holds the CA, server certificate and token keys. Default .data/emulator (or EMULATOR_DATA_DIR). */
  dataDir?: string;
  /** Control API on /_emulator; default true. */
  control?: boolean;
  /** Delay profile for tenants that do not name one; default "demo". */
  delays?: DelayProfile;
  /** Seed a scenario at start: a spec, or "contoso" for the demo preset with fixed ids. */
  scenario?: ScenarioSpec | "contoso";
  /** Register client apps at start (the portal's own app). */
  clients?: ClientRegistration[];
  /** Log each request to stderr. */
  log?: boolean;
  /**
   * Keep the state in <dataDir>/state.json (saved after changes and on close, restored at start), so a
   * restart resumes where it was. Default false: in memory only (tests).
   */
  persist?: boolean;
  /**
   * Also serve the browser-facing Entra pages (authorize, the account picker and consent posts, logout,
   * adminconsent) over plain HTTP on http://localhost:<browserPort> (bound to 127.0.0.1; 0 picks a free
   * port), and advertise authorization_endpoint and end_session_endpoint there in discovery. Everything
   * else stays on the HTTPS port only. Default: off.
   */
  browserPort?: number;
}

export interface RunningEmulator {
  baseUrl: string;
  port: number;
  host: string;
  caPath: string;
  /** For Chromium: --ignore-certificate-errors-spki-list=<this>. */
  spkiSha256: string;
  /** With browserPort: http://localhost:<port>, the origin of the sign-in pages. */
  browserUrl?: string;
  browserPort?: number;
  dataDir: string;
  seeded?: SeedResult;
  /** With persist: the state file, and whether the start restored it. */
  state?: { file: string; restored: boolean };
  world: World;
  faults: Faults;
  seed(spec: ScenarioSpec): SeedResult;
  registerClient(reg: ClientRegistration): { clientId: string; clientSecret: string };
  close(): Promise<void>;
}

const MAX_BODY = 2 * 1024 * 1024;

function serviceOf(first: string | undefined): Service {
  if (first === undefined) return "index";
  if (first === "graph") return "graph";
  if (first === "arm") return "arm";
  if (first === "_emulator") return "control";
  return "entra";
}

function faultTenant(world: World, ctx: Ctx): string | undefined {
  if (ctx.service === "graph" || ctx.service === "arm") {
    const token = /^Bearer\s+(.+)$/i.exec(header(ctx, "authorization") ?? "")?.[1];
    const tid = token ? peekClaims(token)?.tid : undefined;
    return typeof tid === "string" ? tid.toLowerCase() : undefined;
  }
  const seg = ctx.segments[0];
  return seg ? world.store.tenantByIdOrDomain(seg)?.id : undefined;
}

function answerFault(world: World, ctx: Ctx, fault: Fault): void {
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
function holdAnswer(ctx: Ctx, fault: Fault): void {
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

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = path.resolve(options.dataDir ?? process.env.EMULATOR_DATA_DIR ?? ".data/emulator");
  const ca = ensureCa(dataDir);
  const keys = loadSigningKeys(dataDir);
  const restored = options.persist ? loadState(dataDir) : undefined;
  const world: World = {
    store: restored?.store ?? new Store(),
    keys,
    baseUrl: "",
    host: "",
    defaultProfile: options.delays ?? "demo",
    flows: new Map(),
    codes: new Map(),
    sessions: new Map(),
    revokedRefreshTokens: restored?.revokedRefreshTokens ?? new Set(),
    clockOffsetMs: restored?.clockOffsetMs ?? 0,
  };
  const saver = options.persist ? new StateSaver(dataDir, () => snapshotState(world)) : undefined;
  const faults = new Faults();
  const spkiSha256 = serverSpkiSha256(ca);
  const control: ControlContext = { world, faults, caPath: ca.caCertPath, spkiSha256 };
  const controlEnabled = options.control !== false;

  /** Reads the body (up to MAX_BODY) and hands the request to dispatch. */
  const receive =
    (plainHttp: boolean) =>
    (req: IncomingMessage, res: ServerResponse): void => {
      const arrived = performance.now();
      const chunks: Buffer[] = [];
      let size = 0;
      let aborted = false;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY && !aborted) {
          aborted = true;
          res.statusCode = 413;
          res.end();
          req.destroy();
        } else chunks.push(chunk);
      });
      req.on("end", () => {
        if (aborted) return;
        void dispatch(req, res, Buffer.concat(chunks), plainHttp, arrived);
      });
    };

  const server = https.createServer(
    { key: fs.readFileSync(ca.serverKeyPath), cert: fs.readFileSync(ca.serverCertPath) },
    receive(false),
  );
  const browserServer = options.browserPort === undefined ? undefined : http.createServer(receive(true));

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    rawBody: Buffer,
    plainHttp: boolean,
    arrived: number,
  ): Promise<void> {
    // The URL's origin is always the HTTPS base URL, so links that answers carry (error_uri) stay there;
    // the sign-in pages use relative form actions, so a browser on the HTTP port stays on it.
    const url = new URL(req.url ?? "/", world.baseUrl);
    const segments = decodeSegments(url.pathname);
    const method = (req.method ?? "GET").toUpperCase();
    if (plainHttp && !isBrowserRoute(method, segments)) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
      res.end(
        `Not found: this plain-HTTP port serves only the sign-in pages (authorize, logout, adminconsent). ` +
          `Use the HTTPS base URL ${world.baseUrl} for ${method} ${url.pathname}.\n`,
      );
      return;
    }
    const ctx: Ctx = {
      req,
      res,
      method,
      url,
      segments,
      rawBody,
      service: serviceOf(segments[0]),
      requestId: newRequestId(),
      extraHeaders: {},
      plainHttp,
    };
    if (ctx.service === "entra") {
      ctx.extraHeaders["x-ms-request-id"] = ctx.requestId;
      ctx.extraHeaders["x-ms-ests-server"] = "2.1.emulator";
      const clientRequestId = header(ctx, "client-request-id");
      if (clientRequestId) ctx.extraHeaders["client-request-id"] = clientRequestId;
    }
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
      if (options.log)
        process.stderr.write(
          `${record.time} ${record.status} ${ctx.method} ${url.pathname}${ctx.tenantId ? ` [${ctx.tenantId}]` : ""}\n`,
        );
    });
    try {
      if (ctx.service === "control") {
        if (!controlEnabled)
          return send(ctx, 404, { error: { message: "The control API is disabled (--no-control)." } });
        return handleControl(control, ctx);
      }
      if (ctx.service === "index") {
        if (ctx.method !== "GET") return send(ctx, 405, "");
        return sendHtml(ctx, 200, indexPage(world, ca.caCertPath, controlEnabled));
      }
      if (segments[0] === "favicon.ico") return send(ctx, 204, "");
      const fault = faults.take(ctx.method, url.pathname, `/${segments.join("/")}`, faultTenant(world, ctx));
      if (fault?.after) holdAnswer(ctx, fault);
      else if (fault) {
        ctx.tenantId = faultTenant(world, ctx);
        const tenant = fault.expireTokens && ctx.tenantId ? world.store.tenants.get(ctx.tenantId) : undefined;
        if (tenant) tenant.tokensExpiredAt = Math.floor(now(world) / 1000);
        if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
        if (fault.drop) {
          req.socket.destroy();
          return;
        }
        if (fault.status !== undefined) return answerFault(world, ctx, fault);
      }
      if (ctx.service === "graph") return handleGraph(world, ctx);
      if (ctx.service === "arm") return handleArm(world, ctx);
      if (!handleEntra(world, ctx)) {
        ctx.route = `${ctx.method} (unknown)`;
        send(ctx, 404, {
          error: "not_found",
          error_description: `No Entra, Graph or ARM route for ${ctx.method} ${url.pathname}. Graph lives under /graph and ARM under /arm.`,
        });
      }
    } catch (err) {
      process.stderr.write(
        `emulator: ${ctx.method} ${url.pathname} failed: ${(err as Error).stack ?? String(err)}\n`,
      );
      if (ctx.service === "graph")
        return graphError(
          ctx,
          500,
          "InternalServerError",
          "An internal server error occurred in the emulator.",
        );
      if (ctx.service === "arm")
        return armError(
          ctx,
          500,
          "InternalServerError",
          "An internal server error occurred in the emulator.",
        );
      send(ctx, 500, {
        error: "server_error",
        error_description: "An internal error occurred in the emulator.",
      });
    }
  }

  const port = options.port ?? 8443;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  world.host = `127.0.0.1:${actualPort}`;
  world.baseUrl = `https://${world.host}`;
  let browserPort: number | undefined;
  if (browserServer) {
    try {
      await new Promise<void>((resolve, reject) => {
        browserServer.once("error", reject);
        browserServer.listen(options.browserPort, "127.0.0.1", () => {
          browserServer.off("error", reject);
          resolve();
        });
      });
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw err;
    }
    browserPort = (browserServer.address() as AddressInfo).port;
    world.browserUrl = `http://localhost:${browserPort}`;
  }

  for (const reg of options.clients ?? []) registerClient(world, reg);
  let seeded: SeedResult | undefined;
  if (options.scenario) {
    const spec: ScenarioSpec =
      options.scenario === "contoso" ? { preset: "contoso", fixedIds: true } : options.scenario;
    // A restored tenant is resumed, not replaced: replacing would drop what was created in it since.
    seeded = (restored && resumeSeed(world, spec)) || seedScenario(world, spec);
    control.seeded = seeded;
  }
  saver?.save();

  return {
    baseUrl: world.baseUrl,
    port: actualPort,
    host: world.host,
    caPath: ca.caCertPath,
    spkiSha256,
    browserUrl: world.browserUrl,
    browserPort,
    dataDir,
    seeded,
    state: saver ? { file: saver.file, restored: !!restored } : undefined,
    world,
    faults,
    seed: (spec) => {
      const result = seedScenario(world, spec);
      saver?.schedule();
      return result;
    },
    registerClient: (reg) => {
      const c = registerClient(world, reg);
      saver?.schedule();
      return { clientId: c.clientId, clientSecret: c.clientSecret };
    },
    close: async () => {
      if (browserServer)
        await new Promise<void>((resolve) => {
          browserServer.close(() => resolve());
          browserServer.closeAllConnections();
        });
      await new Promise<void>((resolve) => {
        server.close(() => {
          saver?.save();
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
