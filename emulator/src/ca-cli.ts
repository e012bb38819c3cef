/**
 * Ensures the emulator's CA exists and prints only its absolute path, for
 * `export NODE_EXTRA_CA_CERTS=$(npx tsx emulator/src/ca-cli.ts [--data-dir DIR])`.
 */
import { defaultDataDir, ensureCa } from "./ca";

function dataDirFromArgs(argv: string[]): string {
  const i = argv.indexOf("--data-dir");
  if (i >= 0) {
    const value = argv[i + 1];
    if (!value) throw new Error("--data-dir needs a value");
    return value;
  }
  const eq = argv.find((a) => a.startsWith("--data-dir="));
  return eq ? eq.slice("--data-dir=".length) : defaultDataDir();
}

try {
  const files = ensureCa(dataDirFromArgs(process.argv.slice(2)));
  process.stdout.write(`${files.caCertPath}\n`);
} catch (err) {
  process.stderr.write(`ca-cli: ${(err as Error).message}\n`);
  process.exit(1);
}
