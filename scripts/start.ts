/**
 * The portal's launcher (run by scripts/start.sh, which installs packages and, for the demo, makes the
 * emulator's CA first). It builds when the sources changed, migrates the database, and in demo mode
 * starts the Azure emulator, registers the portal's own Entra app in it and points the portal at it,
 * and starts the Vantage emulator beside it (a seeded "Contoso on Vantage" account, emulator/vantage).
 *
 *   --demo                  run against the Azure emulator (start.sh decides)
 *   --port N                portal port (default $PORT or 3000)
 *   --emulator-port N       emulator port in demo mode (default 8443)
 *   --browser-port N        demo mode: the emulator's plain-HTTP port for the sign-in pages, so a
 *                           person's browser shows no certificate warning (default 8080)
 *   --data-dir DIR          the portal's data folder (default $MCA_DATA_DIR or .data)
 *   --vantage-port N        demo mode: the Vantage emulator's port (default 8450)
 *   --emulator-data-dir DIR the emulator's folder, holding its CA (default <data-dir>/emulator)
 *   --delays test|demo|real the emulator's replication delays (default demo)
 *   --no-build              never build (the caller built already)
 *   --ephemeral             the emulator forgets its state when it stops (tests)
 *   --log-file FILE         also append the portal's output (its logs) to FILE, which tests search
 *                           for secrets
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { loadEnvConfig } from "@next/env";

import { stableGuid } from "../emulator/src/ids";
import { DEMO_WRITE_TOKEN } from "../emulator/vantage/src/seed";
import { ConfigError, parseEnv } from "../lib/env";

const { values: args } = parseArgs({
  options: {
    demo: { type: "boolean", default: false },
    port: { type: "string" },
    "emulator-port": { type: "string", default: "8443" },
    "browser-port": { type: "string", default: "8080" },
    "vantage-port": { type: "string", default: "8450" },
    "data-dir": { type: "string" },
    "emulator-data-dir": { type: "string" },
    delays: { type: "string", default: "demo" },
    "no-build": { type: "boolean", default: false },
    ephemeral: { type: "boolean", default: false },
    "log-file": { type: "string" },
  },
});

const root = path.resolve(__dirname, "..");
// The same .env files `next start` reads, so the configuration checked here is the one it will use.
loadEnvConfig(root, false, { info: () => {}, error: console.error });
const dataDir = path.resolve(root, args["data-dir"] ?? process.env.MCA_DATA_DIR ?? ".data");
const port = Number(args.port ?? process.env.PORT ?? 3000);
const children: ChildProcess[] = [];

function bin(name: string) {
  return path.join(root, "node_modules", ".bin", name);
}

function stopAll(code: number) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 300).unref();
}

process.on("SIGINT", () => stopAll(130));
process.on("SIGTERM", () => stopAll(143));

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".") || entry.name === "generated") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function needsBuild(): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  const sources = ["app", "components", "lib", "public", "prisma"].map((dir) =>
    newestMtime(path.join(root, dir)),
  );
  const files = ["next.config.ts", "package-lock.json", "postcss.config.mjs"].map((file) =>
    fs.existsSync(path.join(root, file)) ? fs.statSync(path.join(root, file)).mtimeMs : 0,
  );
  return Math.max(...sources, ...files) > built;
}

async function waitForEmulator(child: ChildProcess, infoFile: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The Azure emulator exited with code ${child.exitCode}.`);
    try {
      // tsx runs the emulator in a child process, so its pid is not child.pid: the file was removed
      // before the start, so any file present now is this emulator's.
      const info = JSON.parse(fs.readFileSync(infoFile, "utf8")) as {
        baseUrl: string;
        browserUrl: string | null;
      };
      const res = await fetch(`${info.baseUrl}/`).catch((error: unknown) => {
        lastError =
          error instanceof Error
            ? `${error.message} (${String((error as { cause?: unknown }).cause ?? "")})`
            : String(error);
        return null;
      });
      if (res?.ok) return info;
    } catch {
      // Not written yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `The Azure emulator did not answer within a minute${lastError ? `: ${lastError}` : ""}. ` +
      "Is NODE_EXTRA_CA_CERTS set to its CA (scripts/start.sh does that)?",
  );
}

/** The emulator's plain-HTTP origin for the sign-in pages, once it runs (for the start line). */
let emulatorSignInUrl: string | undefined;

type DemoClient = { clientId: string; clientSecret: string };

/** The portal's own Entra app in the emulator: kept in the data folder so restarts keep the same one. */
function demoClient(): DemoClient {
  const file = path.join(dataDir, "demo-client.json");
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as DemoClient;
  } catch {
    const client = { clientId: randomUUID(), clientSecret: randomBytes(30).toString("base64url") };
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(client), { mode: 0o600 });
    return client;
  }
}

async function startDemoEmulator(publicBaseUrl: string): Promise<Record<string, string>> {
  const emulatorDir = path.resolve(root, args["emulator-data-dir"] ?? path.join(dataDir, "emulator"));
  const infoFile = path.join(emulatorDir, "emulator.json");
  fs.rmSync(infoFile, { force: true });
  const emulator = spawn(
    bin("tsx"),
    [
      "emulator/src/main.ts",
      "--port",
      args["emulator-port"] ?? "8443",
      "--data-dir",
      emulatorDir,
      "--seed",
      "contoso",
      "--delays",
      args.delays ?? "demo",
      // The sign-in pages also over http://localhost, so a person's browser shows no certificate warning.
      "--browser-port",
      args["browser-port"] ?? "8080",
      // The demo keeps what was created in simulated Azure across restarts, as Azure would.
      ...(args.ephemeral ? [] : ["--persist"]),
    ],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  children.push(emulator);
  emulator.on("exit", (code) => {
    console.error(`The Azure emulator stopped (code ${code}); stopping the portal.`);
    stopAll(code ?? 1);
  });
  const info = await waitForEmulator(emulator, infoFile);
  emulatorSignInUrl = info.browserUrl ?? undefined;
  const client = demoClient();
  const res = await fetch(`${info.baseUrl}/_emulator/clients`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      ...client,
      displayName: "MCA Connect (demo)",
      redirectUris: [`${publicBaseUrl}/api/auth/callback/azure-ad`],
    }),
  });
  if (!res.ok)
    throw new Error(`Could not register the portal in the emulator: ${res.status} ${await res.text()}`);
  return {
    AZURE_AD_CLIENT_ID: client.clientId,
    AZURE_AD_CLIENT_SECRET: client.clientSecret,
    AZURE_AUTHORITY_HOST: info.baseUrl,
    GRAPH_BASE_URL: `${info.baseUrl}/graph`,
    GRAPH_RESOURCE: "https://graph.microsoft.com",
    ARM_BASE_URL: `${info.baseUrl}/arm`,
    ARM_RESOURCE: "https://management.azure.com",
    AZURE_EMULATOR_URL: info.baseUrl,
    // The demo's operator is Nestor Wilke of the seeded Contoso (fixed ids), unless OPERATORS is set.
    OPERATORS: process.env.OPERATORS || demoOperator(),
  };
}

/** `<tenant id>/<object id>` of the Contoso preset's operator, as the emulator seeds it with fixed ids. */
function demoOperator(): string {
  const tenantId = stableGuid("emulator/contoso/tenant");
  return `${tenantId}/${stableGuid(`emulator/${tenantId}/user/operator`)}`;
}

/**
 * The Vantage emulator, started at the same time as the Azure one: it talks to Azure only when an
 * integration is created, so it needs the Azure emulator's address, not its readiness.
 */
function startDemoVantage(): () => Promise<Record<string, string>> {
  const vantagePort = args["vantage-port"] ?? "8450";
  const azureBase = `https://127.0.0.1:${args["emulator-port"] ?? "8443"}`;
  const vantage = spawn(
    bin("tsx"),
    [
      "emulator/vantage/src/main.ts",
      "--port",
      vantagePort,
      "--azure",
      azureBase,
      "--seed-demo",
      "--delays",
      args.delays ?? "demo",
      "--data-dir",
      path.join(dataDir, "vantage"),
      ...(args.ephemeral ? [] : ["--persist"]),
    ],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  children.push(vantage);
  vantage.on("exit", (code) => {
    console.error(`The Vantage emulator stopped (code ${code}); stopping the portal.`);
    stopAll(code ?? 1);
  });
  const base = `http://127.0.0.1:${vantagePort}`;
  return async () => {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (vantage.exitCode !== null)
        throw new Error(`The Vantage emulator exited with code ${vantage.exitCode}.`);
      const res = await fetch(`${base}/_vantage/health`).catch(() => null);
      if (res?.ok) return { VANTAGE_API_URL: `${base}/v2` };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`The Vantage emulator did not answer on ${base} within a minute.`);
  };
}

function run(command: string, commandArgs: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, commandArgs, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`${path.basename(command)} ${commandArgs.join(" ")} failed.`);
    stopAll(result.status ?? 1);
    throw new Error("start aborted");
  }
}

async function main() {
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    MCA_DATA_DIR: dataDir,
    PORT: String(port),
    // Next's own SIGTERM handler exits before the embedded database has closed; lib/db closes it.
    NEXT_MANUAL_SIG_HANDLE: "1",
  };
  baseEnv.DATABASE_URL ||= `pglite:${path.join(dataDir, "db")}`;
  if (args.demo) baseEnv.PUBLIC_BASE_URL ??= `http://localhost:${port}`;
  // The demo listens on 127.0.0.1 only: a webhook receiver on this machine may be plain http.
  if (args.demo) baseEnv.WEBHOOK_ALLOW_INSECURE_LOCALHOST ??= "true";

  // Fail fast with the variable's name rather than after a build.
  if (!args.demo) {
    try {
      parseEnv(baseEnv);
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(1);
      }
      throw error;
    }
  }

  if (!args["no-build"] && needsBuild()) {
    console.log("Building the portal (next build)...");
    run(bin("next"), ["build"], baseEnv);
  }

  const vantageReady = args.demo ? startDemoVantage() : undefined;
  const azureEnv = args.demo ? await startDemoEmulator(baseEnv.PUBLIC_BASE_URL!) : {};
  const vantageEnv = vantageReady ? await vantageReady() : {};
  const env = { ...baseEnv, ...azureEnv, ...vantageEnv };
  try {
    parseEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      stopAll(1);
      return;
    }
    throw error;
  }

  run(bin("tsx"), ["scripts/db-migrate.ts", "deploy"], env);

  const host = args.demo ? "127.0.0.1" : (process.env.HOSTNAME ?? "0.0.0.0");
  const logFile = args["log-file"] ? path.resolve(root, args["log-file"]) : null;
  // Next's production server behind the listener that stamps each request with its client's address.
  const portal = spawn(bin("tsx"), ["scripts/serve.ts", "--port", String(port), "--hostname", host], {
    cwd: root,
    env,
    stdio: logFile ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  if (logFile) {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const file = fs.createWriteStream(logFile, { flags: "a", mode: 0o600 });
    const tee = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
      out.write(chunk);
      file.write(chunk);
    };
    portal.stdout!.on("data", tee(process.stdout));
    portal.stderr!.on("data", tee(process.stderr));
  }
  children.push(portal);
  portal.on("exit", (code) => stopAll(code ?? 0));
  console.log(
    `\nMCA Connect: http://localhost:${port}` +
      (args.demo
        ? `  (demo: simulated Azure at ${azureEnv.AZURE_EMULATOR_URL}, sign-in pages at ${emulatorSignInUrl}; ` +
          `simulated Vantage at ${vantageEnv.VANTAGE_API_URL}, API token ${DEMO_WRITE_TOKEN})`
        : "") +
      "\n",
  );
}

main().catch((error: unknown) => {
  if (!(error instanceof Error && error.message === "start aborted")) console.error(error);
  stopAll(1);
});
