// Encryption at rest (AES-256-GCM) for client secrets and MSAL's token cache, with key rotation:
// each ciphertext is stored beside the id of the key that made it, new data uses the current key,
// and older keys stay readable until their data is rewritten. Errors never carry plaintext or keys.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export type Sealed = {
  /** base64 of: format version (1 byte) | IV (12) | GCM tag (16) | encrypted data. */
  ciphertext: string;
  /** Id of the key that encrypted it (see keyIdOf). */
  keyId: string;
};

export class CryptoError extends Error {
  override name = "CryptoError";
}

export function sha256Hex(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("hex");
}

/** A random token, base64url without padding: 32 bytes (256 bits) unless told otherwise. */
export function randomToken(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new CryptoError("A token needs at least 16 bytes.");
  return randomBytes(bytes).toString("base64url");
}

/** Short public id of a key: its SHA-256 under a fixed label, first 16 hex digits. */
export function keyIdOf(key: Uint8Array): string {
  return createHash("sha256")
    .update("mca-connect/encryption-key-id/v1\0")
    .update(key)
    .digest("hex")
    .slice(0, 16);
}

/** A fresh key, base64: what ENCRYPTION_KEY holds (`openssl rand -base64 32` makes one too). */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

function decodeKey(encoded: string, label: string): Buffer {
  const trimmed = encoded.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64") : null;
  if (key === null || key.length !== KEY_BYTES) {
    throw new CryptoError(`${label} must be ${KEY_BYTES} random bytes in base64 (44 characters).`);
  }
  return key;
}

export type EncryptionKeys = {
  /** Current key, base64 of 32 bytes: encrypts everything new. */
  key: string;
  /** Retired keys, base64, still accepted for decryption: an array or a comma-separated list. */
  oldKeys?: string | readonly string[];
};

export type Encryption = {
  /** Id of the current key: data sealed under another id should be re-encrypted when next written. */
  readonly currentKeyId: string;
  /**
   * Encrypts `plaintext`. `context` (e.g. "msal-cache:<homeAccountId>") is authenticated, not
   * stored: decryption must pass the same value, so a ciphertext copied to another row fails.
   */
  encrypt(plaintext: string, context?: string): Sealed;
  /** Decrypts, or throws CryptoError when the key is unknown or the data or context was altered. */
  decrypt(sealed: Sealed, context?: string): string;
};

export function createEncryption({ key, oldKeys }: EncryptionKeys): Encryption {
  const current = decodeKey(key, "ENCRYPTION_KEY");
  const currentKeyId = keyIdOf(current);
  const keys = new Map<string, Buffer>([[currentKeyId, current]]);
  const old = typeof oldKeys === "string" ? oldKeys.split(",") : (oldKeys ?? []);
  for (const encoded of old) {
    if (encoded.trim() === "") continue;
    const oldKey = decodeKey(encoded, "ENCRYPTION_KEYS_OLD");
    keys.set(keyIdOf(oldKey), oldKey);
  }

  return {
    currentKeyId,
    encrypt(plaintext, context = "") {
      if (typeof plaintext !== "string") throw new CryptoError("Only strings can be encrypted.");
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const header = Buffer.from([FORMAT_VERSION]);
      return {
        ciphertext: Buffer.concat([header, iv, cipher.getAuthTag(), data]).toString("base64"),
        keyId: currentKeyId,
      };
    },
    decrypt({ ciphertext, keyId }, context = "") {
      const secretKey = keys.get(keyId);
      if (secretKey === undefined) {
        throw new CryptoError(
          `Cannot decrypt: key ${keyId} is neither ENCRYPTION_KEY nor in ENCRYPTION_KEYS_OLD.`,
        );
      }
      const raw = Buffer.from(ciphertext, "base64");
      if (raw.length < 1 + IV_BYTES + TAG_BYTES || raw[0] !== FORMAT_VERSION) {
        throw new CryptoError("Cannot decrypt: the ciphertext is malformed.");
      }
      const iv = raw.subarray(1, 1 + IV_BYTES);
      const tag = raw.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const data = raw.subarray(1 + IV_BYTES + TAG_BYTES);
      try {
        const decipher = createDecipheriv(ALGORITHM, secretKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
      } catch {
        throw new CryptoError("Cannot decrypt: the data, its context or its key does not match.");
      }
    },
  };
}
