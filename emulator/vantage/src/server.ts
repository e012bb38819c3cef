/**
 * The Vantage emulator: Vantage's public API (written from its OpenAPI document, spec/) under /v2 and a
 * control API under /_vantage, on plain HTTP bound to loopback. New Azure integrations progress in the
 * background by signing in as the app at the configured Azure (the Azure emulator in the demo and tests).
 * It shares no code with the portal nor with the Azure emulator.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { handleApi } from "./api";
import type { AzureEndpoints } from "./azure-check";
import { handleControl, type ControlDeps } from "./control";
import { resolveDelays, type DelayProfile, type Delays } from "./delays";
import { faultMessage, Faults, type Fault } from "./faults";
import { sendErrors, type Ctx } from "./http";
import { requestId } from "./ids";
import type { ApiDeps } from "./integrations";
import { restore, Saver } from "./persist";
import { Progression } from "./progression";
import { DEMO_ACCOUNT, DEMO_ACCOUNT_ID } from "./seed";
import { Store } from "./store";

export interface VantageEmulatorOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  host?: "127.0.0.1";
  azure: AzureEndpoints;
  delays?: DelayProfile | Delays;
  /** Seed the demo account "Contoso on Vantage" with its fixed tokens (seed.ts). */
  seedDemo?: boolean;
  /** Keep the state in <dataDir>/vantage-state.json and restore it at start (needs dataDir). */
  persist?: boolean;
  dataDir?: string;
  /** One line per public API request on stderr. */
  log?: boolean;
}

export interface RunningVantageEmulator {
  /** The VANTAGE_API_URL to give the portal: http://127.0.0.1:<port>/v2 */
  url: string;
  /** http://127.0.0.1:<port>/_vantage */
  controlUrl: string;
  port: number;
  store: Store;
  faults: Faults;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;

function readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ errors: ["The request body is too large."] }));
        req.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}

/** `after` faults: the handler acts as usual; its answer is then held for latencyMs, or dropped. */
function holdAnswer(ctx: Ctx, fault: Fault): void {
  const res = ctx.res;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const release = () => (fault.drop ? ctx.req.socket.destroy() : end(...args));
    if (!fault.latencyMs) release();
    else {
      const timer = setTimeout(release, fault.latencyMs);
      ctx.req.socket.once("close", () => clearTimeout(timer));
    }
    return res;
  }) as typeof res.end;
}

/** Applies a fault taken for the request; true when it answered (or dropped) the request itself. */
async function applyFault(ctx: Ctx, fault: Fault): Promise<boolean> {
  if (fault.after) {
    holdAnswer(ctx, fault);
    return false;
  }
  if (fault.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
  if (fault.drop) {
    ctx.req.socket.destroy();
    return true;
  }
  if (fault.status === undefined) return false;
  const retryAfter = fault.retryAfter ?? (fault.status === 429 ? 1 : undefined);
  sendErrors(
    ctx,
    fault.status,
    fault.errors ?? [faultMessage(fault.status)],
    retryAfter === undefined ? {} : { "Retry-After": String(retryAfter) },
  );
  return true;
}

export async function startVantageEmulator(options: VantageEmulatorOptions): Promise<RunningVantageEmulator> {
  if (!options?.azure?.authorityHost || !options.azure.armBase)
    throw new Error("startVantageEmulator needs azure: { authorityHost, armBase }");
  if (options.persist && !options.dataDir) throw new Error("persist needs dataDir");
  let delays = resolveDelays(options.delays);
  const store = new Store();
  const restored = options.persist ? restore(store, path.resolve(options.dataDir!)) : false;
  if (options.seedDemo && !store.accounts.has(DEMO_ACCOUNT_ID)) store.addAccount(DEMO_ACCOUNT);
  const saver = options.persist ? new Saver(store, path.resolve(options.dataDir!)) : undefined;
  const changed = () => saver?.schedule();
  const faults = new Faults();
  const progression = new Progression(store, options.azure, () => delays, changed);
  let baseUrl = "";

  const api: ApiDeps = { store, progression, baseUrl: "", changed };
  const control: ControlDeps = {
    store,
    faults,
    changed,
    delays: { get: () => delays, set: (d) => (delays = d) },
    info: () => ({ url: `${baseUrl}/v2`, controlUrl: `${baseUrl}/_vantage`, azure: options.azure, delays }),
  };

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req, res);
    if (!rawBody) return;
    const url = new URL(req.url ?? "/", baseUrl);
    const method = (req.method ?? "GET").toUpperCase();
    const segment = /^\/(v2|_vantage)(\/.*)?$/.exec(url.pathname);
    const ctx: Ctx = { req, res, method, url, path: segment?.[2] ?? "", rawBody, requestId: requestId() };
    if (segment?.[1] === "_vantage") return handleControl(control, ctx);
    if (segment?.[1] !== "v2")
      return sendErrors(ctx, 404, [
        `Not found: the API lives under ${baseUrl}/v2, the control API under /_vantage.`,
      ]);
    const arrived = Date.now();
    res.on("finish", () => {
      store.logRequest({
        method,
        path: url.pathname,
        status: res.statusCode,
        at: arrived,
        requestId: ctx.requestId,
      });
      if (options.log) process.stderr.write(`vantage ${res.statusCode} ${method} ${url.pathname}\n`);
    });
    const fault = faults.take(method, ctx.path);
    if (fault && (await applyFault(ctx, fault))) return;
    handleApi(api, ctx);
  }

  const server = http.createServer((req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      process.stderr.write(`vantage emulator: ${req.method} ${req.url} failed: ${String(error)}\n`);
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ errors: ["An internal error occurred in the Vantage emulator."] }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  api.baseUrl = `${baseUrl}/v2`;
  // After a restart, pending and importing integrations carry on where they were.
  if (restored) for (const record of store.integrations) progression.follow(record);
  saver?.save();

  return {
    url: `${baseUrl}/v2`,
    controlUrl: `${baseUrl}/_vantage`,
    port,
    store,
    faults,
    close: async () => {
      progression.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      saver?.save();
    },
  };
}
