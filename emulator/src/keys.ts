/**
 * The token signing key (RS256, published in JWKS) and the key that seals refresh tokens. Both live in the
 * data folder so tokens issued before a restart still verify and refresh.
 */
import { execFileSync } from "node:child_process";
import {
  X509Certificate,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface SigningKeys {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  certDerBase64: string;
  sealKey: Buffer;
}

/** Writes a file only if absent; a concurrent writer (parallel test processes) wins and we read theirs. */
function writeOnce(file: string, content: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export function loadSigningKeys(dataDir: string): SigningKeys {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dataDir, "token-signing.key");
  const certFile = path.join(dataDir, "token-signing.crt");
  const sealFile = path.join(dataDir, "refresh-token.key");
  if (!fs.existsSync(keyFile)) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeOnce(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  }
  if (!fs.existsSync(certFile)) {
    // Entra's JWKS entries carry x5c (a self-signed certificate for the key) and x5t; some clients read them.
    const pem = execFileSync("/usr/bin/openssl", [
      "req",
      "-x509",
      "-new",
      "-key",
      keyFile,
      "-days",
      "3650",
      "-sha256",
      "-subj",
      "/CN=accounts.emulator.local",
    ]).toString();
    writeOnce(certFile, pem);
  }
  if (!fs.existsSync(sealFile)) writeOnce(sealFile, randomBytes(32).toString("base64"));
  const privateKey = createPrivateKey(fs.readFileSync(keyFile));
  const cert = new X509Certificate(fs.readFileSync(certFile));
  const kid = createHash("sha1").update(cert.raw).digest("base64url");
  return {
    kid,
    privateKey,
    publicKey: createPublicKey(privateKey),
    certDerBase64: cert.raw.toString("base64"),
    sealKey: Buffer.from(fs.readFileSync(sealFile, "utf8").trim(), "base64"),
  };
}

export function jwks(keys: SigningKeys, issuer: string): unknown {
  const jwk = keys.publicKey.export({ format: "jwk" }) as { n: string; e: string };
  return {
    keys: [
      {
        kty: "RSA",
        use: "sig",
        kid: keys.kid,
        x5t: keys.kid,
        n: jwk.n,
        e: jwk.e,
        x5c: [keys.certDerBase64],
        issuer,
      },
    ],
  };
}

export type Claims = Record<string, unknown>;

export function signJwt(keys: SigningKeys, claims: Claims): string {
  const header = { typ: "JWT", alg: "RS256", x5t: keys.kid, kid: keys.kid };
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const signature = sign("RSA-SHA256", Buffer.from(input), keys.privateKey).toString("base64url");
  return `${input}.${signature}`;
}

export type JwtCheck = { ok: true; claims: Claims } | { ok: false; reason: "malformed" | "signature" };

export function verifyJwt(keys: SigningKeys, token: string): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string; kid?: string };
  let claims: Claims;
  try {
    header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.alg !== "RS256" || header.kid !== keys.kid) return { ok: false, reason: "signature" };
  const valid = verify("RSA-SHA256", Buffer.from(`${h}.${p}`), keys.publicKey, Buffer.from(s, "base64url"));
  return valid ? { ok: true, claims } : { ok: false, reason: "signature" };
}

/** Reads claims without checking the signature: only for routing decisions such as fault matching. */
export function peekClaims(token: string): Claims | undefined {
  const p = token.split(".")[1];
  if (!p) return undefined;
  try {
    return JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Claims;
  } catch {
    return undefined;
  }
}

/** Opaque, tamper-proof blobs (refresh tokens): AES-256-GCM with the data folder's seal key. */
export function seal(keys: SigningKeys, payload: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keys.sealKey, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
  return `1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

export function unseal<T>(keys: SigningKeys, token: string): T | undefined {
  if (!token.startsWith("1.")) return undefined;
  try {
    const raw = Buffer.from(token.slice(2), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", keys.sealKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const text = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
