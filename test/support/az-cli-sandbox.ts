/**
 * Debian's real Azure CLI (`az`, MSAL for Python inside) against an in-process Azure emulator, unmodified:
 * the emulator is registered as a custom cloud and trusted through REQUESTS_CA_BUNDLE (toolchain.md, "The
 * Azure CLI against a local authority").
 *
 * MSAL for Python makes two calls no cloud setting redirects: instance discovery on
 * https://login.microsoftonline.com and user realm discovery on port 443 of the authority's host. So each
 * `az` runs in its own mount namespace (`unshare -m`, hence root) whose /etc/hosts maps
 * login.microsoftonline.com and localhost to a loopback address picked for this sandbox (127.x.y.z), where
 * a small HTTPS relay (certificate signed by the emulator's CA) passes those calls to the emulator. The
 * cloud's authority is https://localhost:PORT (a name the emulator's certificate carries, so user realm
 * discovery lands on the relay); Resource Manager and Graph are the emulator's https://127.0.0.1:PORT, as
 * its nextLinks say. Nothing binds 127.0.0.1:443, so sandboxes and other runs never collide.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";

import { caFiles } from "@/emulator/src/ca";
import type { RunningEmulator } from "@/emulator/src/server";

export type AzResult = { code: number; stdout: string; stderr: string };

export type AzSandbox = {
  /** The sandbox's own folder (commands run there); removed on close. */
  dir: string;
  configDir: string;
  /** Runs a command (argv) inside the sandbox with the CLI's environment; never throws on exit codes. */
  run(argv: string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<AzResult>;
  /** `az <args>`, failing loudly unless it exits 0. */
  az(...args: string[]): Promise<string>;
  close(): Promise<void>;
};

/** Why the sandbox cannot run here, or undefined when it can. */
export function azSandboxUnavailable(): string | undefined {
  if (process.getuid?.() !== 0)
    return "The Azure CLI integration test needs root: each `az` runs in its own mount namespace (unshare -m) with its own /etc/hosts. Run it as root (CI does).";
  for (const tool of ["az", "unshare", "mount", "openssl"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" });
    } catch {
      return `The Azure CLI integration test needs '${tool}' on PATH (scripts/test.sh installs Debian's azure-cli).`;
    }
  }
  try {
    execFileSync("unshare", ["--mount", "--propagation", "private", "--", "true"], { stdio: "pipe" });
  } catch (err) {
    return `The Azure CLI integration test needs to create mount namespaces (unshare -m), which failed here: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}. Run it as root with CAP_SYS_ADMIN (CI does).`;
  }
  return undefined;
}

function randomLoopback(): string {
  const octet = () => 2 + Math.floor(Math.random() * 250);
  return `127.${octet()}.${octet()}.${octet()}`;
}

/** A certificate for the relay, signed by the emulator's CA, so the CLI trusts both with one bundle. */
function relayCertificate(emu: RunningEmulator, dir: string, ip: string): { key: Buffer; cert: Buffer } {
  const ca = caFiles(path.dirname(emu.caPath));
  fs.writeFileSync(
    path.join(dir, "relay.ext"),
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=DNS:login.microsoftonline.com,DNS:localhost,IP:${ip}`,
      "",
    ].join("\n"),
  );
  const openssl = (args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl([
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "relay.key",
    "-out",
    "relay.csr",
    "-subj",
    "/CN=login.microsoftonline.com",
  ]);
  openssl([
    "x509",
    "-req",
    "-sha256",
    "-days",
    "2",
    "-in",
    "relay.csr",
    "-CA",
    ca.caCertPath,
    "-CAkey",
    ca.caKeyPath,
    "-set_serial",
    `0x${Date.now().toString(16)}`,
    "-extfile",
    "relay.ext",
    "-out",
    "relay.crt",
  ]);
  return {
    key: fs.readFileSync(path.join(dir, "relay.key")),
    cert: fs.readFileSync(path.join(dir, "relay.crt")),
  };
}

function listen(server: https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export async function startAzSandbox(emu: RunningEmulator): Promise<AzSandbox> {
  const reason = azSandboxUnavailable();
  if (reason) throw new Error(reason);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mca-az-"));
  const configDir = path.join(dir, "azure-config");
  fs.mkdirSync(configDir, { mode: 0o700 });
  const ip = randomLoopback();
  const { key, cert } = relayCertificate(emu, dir, ip);

  // The relay: whatever MSAL asks of login.microsoftonline.com or of localhost:443 goes to the emulator.
  const relay = https.createServer({ key, cert }, (req, res) => {
    const upstream = https.request(
      `${emu.baseUrl}${req.url ?? "/"}`,
      { method: req.method, headers: { ...req.headers, host: emu.host }, ca: fs.readFileSync(emu.caPath) },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await listen(relay, 443, ip);

  const hostsFile = path.join(dir, "hosts");
  fs.writeFileSync(hostsFile, `${ip} localhost\n${ip} login.microsoftonline.com\n`);
  fs.writeFileSync(
    path.join(dir, "cloud.json"),
    JSON.stringify({
      endpoints: {
        activeDirectory: `https://localhost:${emu.port}`,
        activeDirectoryResourceId: "https://management.core.windows.net/",
        // Azure AD Graph (retired, unused here); register needs it or asks ARM's metadata endpoint.
        activeDirectoryGraphResourceId: "https://graph.windows.net/",
        resourceManager: `${emu.baseUrl}/arm/`,
        microsoftGraphResourceId: `${emu.baseUrl}/graph/`,
      },
    }),
  );

  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: dir,
    LANG: "C.UTF-8",
    AZURE_CONFIG_DIR: configDir,
    REQUESTS_CA_BUNDLE: emu.caPath,
    AZURE_CORE_COLLECT_TELEMETRY: "false",
    AZURE_CORE_SURVEY_MESSAGE: "false",
    AZURE_CORE_NO_COLOR: "true",
    AZ_SANDBOX_HOSTS: hostsFile,
  };

  const run: AzSandbox["run"] = (argv, options = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(
        "unshare",
        [
          "--mount",
          "--propagation",
          "private",
          "--",
          "bash",
          "-c",
          'mount --bind "$AZ_SANDBOX_HOSTS" /etc/hosts && exec "$@"',
          "az-sandbox",
          ...argv,
        ],
        {
          cwd: dir,
          env: { ...baseEnv, ...(options.env ?? {}) } as NodeJS.ProcessEnv,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 180_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });

  const az: AzSandbox["az"] = async (...args) => {
    const r = await run(["az", ...args]);
    if (r.code !== 0) throw new Error(`az ${args.join(" ")} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };

  await az("cloud", "register", "--name", "Emulator", "--cloud-config", `@${path.join(dir, "cloud.json")}`);
  await az("cloud", "set", "--name", "Emulator");

  return {
    dir,
    configDir,
    run,
    az,
    async close() {
      relay.closeAllConnections();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
