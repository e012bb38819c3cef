/**
 * The emulator's private CA and its server certificate, made with Debian's openssl (Node cannot sign
 * certificates) and kept in the data folder. Clients trust the CA through NODE_EXTRA_CA_CERTS, which has
 * to be set before their Node process starts, so launchers call ensureCa() (through ca-cli.ts) first.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate, createHash, createPublicKey } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface CaFiles {
  dataDir: string;
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
}

const OPENSSL = process.env.EMULATOR_OPENSSL ?? "/usr/bin/openssl";
// Renew a little before expiry, so a long-running demo does not cross the date mid-session.
const RENEW_MARGIN_MS = 7 * 24 * 3600 * 1000;

export function defaultDataDir(): string {
  return path.resolve(process.env.EMULATOR_DATA_DIR ?? ".data/emulator");
}

export function caFiles(dataDir: string): CaFiles {
  const dir = path.resolve(dataDir);
  return {
    dataDir: dir,
    caCertPath: path.join(dir, "ca.crt"),
    caKeyPath: path.join(dir, "ca.key"),
    serverCertPath: path.join(dir, "server.crt"),
    serverKeyPath: path.join(dir, "server.key"),
  };
}

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

function readCert(file: string): X509Certificate | undefined {
  try {
    return new X509Certificate(fs.readFileSync(file));
  } catch {
    return undefined;
  }
}

function stillValid(cert: X509Certificate): boolean {
  return (
    new Date(cert.validTo).getTime() - RENEW_MARGIN_MS > Date.now() &&
    new Date(cert.validFrom).getTime() <= Date.now()
  );
}

function caIsUsable(files: CaFiles): boolean {
  const cert = readCert(files.caCertPath);
  return !!cert && fs.existsSync(files.caKeyPath) && cert.ca && stillValid(cert);
}

function serverIsUsable(files: CaFiles): boolean {
  const ca = readCert(files.caCertPath);
  const cert = readCert(files.serverCertPath);
  if (!ca || !cert || !fs.existsSync(files.serverKeyPath)) return false;
  const san = cert.subjectAltName ?? "";
  return (
    cert.verify(ca.publicKey) &&
    stillValid(cert) &&
    san.includes("IP Address:127.0.0.1") &&
    san.includes("DNS:localhost")
  );
}

/** Another process (a parallel test file, a launcher) may be creating the same files: take a lock file. */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, ".ca.lock");
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        // A lock left by a killed process is stale after a while; openssl takes well under a second.
        if (Date.now() - fs.statSync(lock).mtimeMs > 20_000) fs.rmSync(lock, { force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function createCa(files: CaFiles): void {
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-sha256",
      "-days",
      "3650",
      "-keyout",
      "ca.key.tmp",
      "-out",
      "ca.crt.tmp",
      "-subj",
      "/O=MCA Connect/CN=MCA Connect Azure Emulator CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE,pathlen:0",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    files.dataDir,
  );
  fs.chmodSync(path.join(files.dataDir, "ca.key.tmp"), 0o600);
  fs.renameSync(path.join(files.dataDir, "ca.key.tmp"), files.caKeyPath);
  fs.renameSync(path.join(files.dataDir, "ca.crt.tmp"), files.caCertPath);
}

function createServerCert(files: CaFiles): void {
  const dir = files.dataDir;
  const ext = path.join(dir, "server.ext.tmp");
  fs.writeFileSync(
    ext,
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "",
    ].join("\n"),
  );
  try {
    openssl(
      [
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key.tmp",
        "-out",
        "server.csr.tmp",
        "-subj",
        "/CN=localhost",
      ],
      dir,
    );
    fs.chmodSync(path.join(dir, "server.key.tmp"), 0o600);
    openssl(
      [
        "x509",
        "-req",
        "-sha256",
        "-days",
        "825",
        "-in",
        "server.csr.tmp",
        "-CA",
        files.caCertPath,
        "-CAkey",
        files.caKeyPath,
        "-set_serial",
        `0x${Date.now().toString(16)}`,
        "-extfile",
        ext,
        "-out",
        "server.crt.tmp",
      ],
      dir,
    );
    fs.renameSync(path.join(dir, "server.key.tmp"), files.serverKeyPath);
    fs.renameSync(path.join(dir, "server.crt.tmp"), files.serverCertPath);
  } finally {
    fs.rmSync(path.join(dir, "server.csr.tmp"), { force: true });
    fs.rmSync(ext, { force: true });
  }
}

/** Creates the CA and server certificate when missing, expired or mismatched; otherwise reuses them. */
export function ensureCa(dataDir: string = defaultDataDir()): CaFiles {
  const files = caFiles(dataDir);
  fs.mkdirSync(files.dataDir, { recursive: true, mode: 0o700 });
  if (caIsUsable(files) && serverIsUsable(files)) return files;
  return withLock(files.dataDir, () => {
    if (!caIsUsable(files)) createCa(files);
    if (!serverIsUsable(files)) createServerCert(files);
    return files;
  });
}

/**
 * Base64 SHA-256 of the server certificate's public key: Chromium (Playwright) does not read
 * NODE_EXTRA_CA_CERTS, but accepts this pin through --ignore-certificate-errors-spki-list.
 */
export function serverSpkiSha256(files: CaFiles): string {
  const der = createPublicKey(fs.readFileSync(files.serverKeyPath)).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}
