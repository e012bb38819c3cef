/**
 * CLI: npx tsx emulator/src/main.ts [--port 8443] [--data-dir DIR] [--no-control] [--delays test|demo|real]
 *   [--seed contoso] [--client-id GUID --client-secret S --redirect-uri URL ... --client-name NAME] [--log]
 *   [--persist] [--browser-port N]
 * Prints one human line and writes <dataDir>/emulator.json for launchers. With --persist the state is kept
 * in <dataDir>/state.json and restored at the next start. With --browser-port N the sign-in pages are
 * also served over plain HTTP on http://localhost:N (no certificate warning in a person's browser).
 */
import fs from "node:fs";
import path from "node:path";

import type { ClientRegistration } from "./clients";
import { startEmulator } from "./server";
import type { DelayProfile } from "./settings";

interface Args {
  port: number;
  dataDir?: string;
  control: boolean;
  delays: DelayProfile;
  seed?: string;
  client?: ClientRegistration;
  log: boolean;
  persist: boolean;
  browserPort?: number;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`emulator: ${message}\n`);
  process.stderr.write(
    "usage: tsx emulator/src/main.ts [--port N] [--data-dir DIR] [--no-control] [--delays test|demo|real] [--seed contoso]\n" +
      "       [--client-id GUID] [--client-secret SECRET] [--redirect-uri URL]... [--client-name NAME] [--log]\n" +
      "       [--persist]   keep the state in <data-dir>/state.json and restore it at start\n" +
      "       [--browser-port N]   also serve the sign-in pages over plain HTTP on http://localhost:N\n",
  );
  process.exit(message ? 2 : 0);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 8443, control: true, delays: "demo", log: false, persist: false };
  const redirectUris: string[] = [];
  const client: ClientRegistration = {};
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const [flag, inline] = raw.includes("=")
      ? [raw.slice(0, raw.indexOf("=")), raw.slice(raw.indexOf("=") + 1)]
      : [raw, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) usage(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) usage("--port must be 0..65535");
        args.port = n;
        break;
      }
      case "--browser-port": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) usage("--browser-port must be 0..65535");
        args.browserPort = n;
        break;
      }
      case "--data-dir":
        args.dataDir = value();
        break;
      case "--no-control":
        args.control = false;
        break;
      case "--delays": {
        const v = value();
        if (!["test", "demo", "real"].includes(v)) usage("--delays must be test, demo or real");
        args.delays = v as DelayProfile;
        break;
      }
      case "--seed": {
        const v = value();
        if (v !== "contoso") usage("--seed knows only 'contoso'");
        args.seed = v;
        break;
      }
      case "--client-id":
        client.clientId = value();
        break;
      case "--client-secret":
        client.clientSecret = value();
        break;
      case "--client-name":
        client.displayName = value();
        break;
      case "--redirect-uri":
        redirectUris.push(value());
        break;
      case "--log":
        args.log = true;
        break;
      case "--persist":
        args.persist = true;
        break;
      case "--help":
      case "-h":
        usage();
        break;
      default:
        usage(`unknown argument ${raw}`);
    }
  }
  if (client.clientId || client.clientSecret || redirectUris.length) {
    if (!client.clientId || !client.clientSecret) usage("--client-id and --client-secret go together");
    args.client = { ...client, redirectUris, consentedTenants: [] };
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator({
    port: args.port,
    dataDir: args.dataDir,
    control: args.control,
    delays: args.delays,
    scenario: args.seed === "contoso" ? "contoso" : undefined,
    clients: args.client ? [args.client] : [],
    log: args.log,
    persist: args.persist,
    browserPort: args.browserPort,
  });
  const infoFile = path.join(emulator.dataDir, "emulator.json");
  const seeded = emulator.seeded
    ? {
        tenantId: emulator.seeded.tenantId,
        domain: emulator.seeded.domain,
        users: emulator.seeded.users,
        billingAccounts: emulator.seeded.billingAccounts,
        subscriptions: emulator.seeded.subscriptions,
      }
    : null;
  fs.writeFileSync(
    infoFile,
    `${JSON.stringify({ baseUrl: emulator.baseUrl, browserUrl: emulator.browserUrl ?? null, caPath: emulator.caPath, spkiSha256: emulator.spkiSha256, pid: process.pid, seeded }, null, 2)}\n`,
  );
  process.stdout.write(
    `Azure emulator listening on ${emulator.baseUrl}` +
      (emulator.browserUrl ? ` (sign-in pages also on ${emulator.browserUrl})` : "") +
      (emulator.seeded ? ` · demo tenant ${emulator.seeded.displayName} ${emulator.seeded.tenantId}` : "") +
      ` · CA ${emulator.caPath} · delays ${args.delays}${args.control ? "" : " · control API off"}` +
      (emulator.state
        ? ` · state ${emulator.state.restored ? "restored from" : "kept in"} ${emulator.state.file}`
        : "") +
      "\n",
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`emulator: ${signal}, shutting down\n`);
    try {
      const current = JSON.parse(fs.readFileSync(infoFile, "utf8")) as { pid?: number };
      if (current.pid === process.pid) fs.rmSync(infoFile, { force: true });
    } catch {
      /* already gone */
    }
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(`emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
