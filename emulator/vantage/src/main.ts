/**
 * CLI: npx tsx emulator/vantage/src/main.ts --azure https://127.0.0.1:8443 [--port 8450] [--arm URL]
 *   [--seed-demo] [--delays test|demo|real] [--data-dir DIR] [--persist] [--log]
 * Prints one line when it listens; Ctrl-C / SIGTERM stop it (saving the state with --persist).
 * NODE_EXTRA_CA_CERTS must name the Azure emulator's CA, set before Node starts.
 */
import type { DelayProfile } from "./delays";
import { DEMO_READ_TOKEN, DEMO_WRITE_TOKEN } from "./seed";
import { startVantageEmulator } from "./server";

interface Args {
  port: number;
  azure?: string;
  arm?: string;
  seedDemo: boolean;
  delays: DelayProfile;
  dataDir?: string;
  persist: boolean;
  log: boolean;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`vantage emulator: ${message}\n`);
  process.stderr.write(
    "usage: tsx emulator/vantage/src/main.ts --azure <Azure emulator base URL> [--port N] [--arm URL]\n" +
      "       [--seed-demo] [--delays test|demo|real] [--data-dir DIR] [--persist] [--log]\n",
  );
  process.exit(message ? 2 : 0);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { port: 8450, seedDemo: false, delays: "demo", persist: false, log: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => argv[++i] ?? usage(`${flag} needs a value`);
    switch (flag) {
      case "--port": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) usage("--port must be 0..65535");
        args.port = n;
        break;
      }
      case "--azure":
        args.azure = value().replace(/\/+$/, "");
        break;
      case "--arm":
        args.arm = value().replace(/\/+$/, "");
        break;
      case "--seed-demo":
        args.seedDemo = true;
        break;
      case "--delays": {
        const v = value();
        if (!["test", "demo", "real"].includes(v)) usage("--delays must be test, demo or real");
        args.delays = v as DelayProfile;
        break;
      }
      case "--data-dir":
        args.dataDir = value();
        break;
      case "--persist":
        args.persist = true;
        break;
      case "--log":
        args.log = true;
        break;
      case "--help":
      case "-h":
        usage();
      default:
        usage(`unknown option ${flag}`);
    }
  }
  if (!args.azure) usage("--azure is required (the Azure emulator's base URL, e.g. https://127.0.0.1:8443)");
  if (args.persist && !args.dataDir) usage("--persist needs --data-dir");
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const emulator = await startVantageEmulator({
    port: args.port,
    azure: { authorityHost: args.azure!, armBase: args.arm ?? `${args.azure}/arm` },
    delays: args.delays,
    seedDemo: args.seedDemo,
    persist: args.persist,
    dataDir: args.dataDir,
    log: args.log,
  });
  process.stdout.write(
    `Vantage emulator listening on ${emulator.url}` +
      (args.seedDemo ? ` · demo tokens ${DEMO_WRITE_TOKEN} (read write), ${DEMO_READ_TOKEN} (read)` : "") +
      ` · delays ${args.delays}\n`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`vantage emulator: ${(error as Error).message}\n`);
  process.exit(1);
});
