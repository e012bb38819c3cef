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

import { ensureCa, serverSpkiSha256 } from "./ca";
import { registerClient, type ClientRegistration } from "./clients";
import type { ControlContext } from "./control";
import { Faults } from "./faults";
import { loadSigningKeys } from "./keys";
import { loadState, snapshotState, StateSaver, type RestoredState } from "./persist";
import { createDispatch, type Dispatch } from "./router";
import { resumeSeed, seedScenario, type ScenarioSpec, type SeedResult } from "./scenario";
import type { DelayProfile } from "./settings";
import { Store } from "./store";
import type { World } from "./world";

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

/** Reads the body (up to MAX_BODY) and hands the request to dispatch. */
function receive(dispatch: Dispatch, plainHttp: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
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
}

function listen(server: http.Server, port: number | undefined): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server, then?: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => {
      then?.();
      resolve();
    });
    server.closeAllConnections();
  });
}

function newWorld(options: EmulatorOptions, keys: World["keys"], restored: RestoredState | undefined): World {
  return {
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
}

/** The start-up registrations and seed; a restored tenant is resumed, not replaced. */
function seedAtStart(world: World, options: EmulatorOptions, restored: boolean): SeedResult | undefined {
  for (const reg of options.clients ?? []) registerClient(world, reg);
  if (!options.scenario) return undefined;
  const spec: ScenarioSpec =
    options.scenario === "contoso" ? { preset: "contoso", fixedIds: true } : options.scenario;
  // Replacing a restored tenant would drop what was created in it since.
  return (restored && resumeSeed(world, spec)) || seedScenario(world, spec);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const dataDir = path.resolve(options.dataDir ?? process.env.EMULATOR_DATA_DIR ?? ".data/emulator");
  const ca = ensureCa(dataDir);
  const keys = loadSigningKeys(dataDir);
  const restored = options.persist ? loadState(dataDir) : undefined;
  const world = newWorld(options, keys, restored);
  const saver = options.persist ? new StateSaver(dataDir, () => snapshotState(world)) : undefined;
  const faults = new Faults();
  const spkiSha256 = serverSpkiSha256(ca);
  const control: ControlContext = { world, faults, caPath: ca.caCertPath, spkiSha256 };
  const controlEnabled = options.control !== false;
  const dispatch = createDispatch({
    world,
    faults,
    control,
    controlEnabled,
    caPath: ca.caCertPath,
    saver,
    log: options.log,
  });

  const server = https.createServer(
    { key: fs.readFileSync(ca.serverKeyPath), cert: fs.readFileSync(ca.serverCertPath) },
    receive(dispatch, false),
  );
  const browserServer =
    options.browserPort === undefined ? undefined : http.createServer(receive(dispatch, true));

  const actualPort = await listen(server, options.port ?? 8443);
  world.host = `127.0.0.1:${actualPort}`;
  world.baseUrl = `https://${world.host}`;
  let browserPort: number | undefined;
  if (browserServer) {
    try {
      browserPort = await listen(browserServer, options.browserPort);
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw err;
    }
    world.browserUrl = `http://localhost:${browserPort}`;
  }

  const seeded = seedAtStart(world, options, !!restored);
  if (seeded) control.seeded = seeded;
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
      if (browserServer) await closeServer(browserServer);
      await closeServer(server, () => saver?.save());
    },
  };
}
