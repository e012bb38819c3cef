import { describe, expect, it } from "vitest";

import {
  createEncryption,
  CryptoError,
  generateEncryptionKey,
  keyIdOf,
  randomToken,
  sha256Hex,
} from "./cipher";

const KEY_A = generateEncryptionKey();
const KEY_B = generateEncryptionKey();
const SECRET = "Xy8Q~not-a-real-secret-but-looks-like-one";

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("createEncryption", () => {
  it("round-trips, with a fresh IV each time", () => {
    const enc = createEncryption({ key: KEY_A });
    const one = enc.encrypt(SECRET);
    const two = enc.encrypt(SECRET);
    expect(one.ciphertext).not.toBe(two.ciphertext);
    expect(one.ciphertext).not.toContain(SECRET);
    expect(one.keyId).toBe(enc.currentKeyId);
    expect(enc.decrypt(one)).toBe(SECRET);
    expect(enc.decrypt(two)).toBe(SECRET);
    expect(enc.decrypt(enc.encrypt(""))).toBe("");
    expect(enc.decrypt(enc.encrypt("ünïcödé ✓"))).toBe("ünïcödé ✓");
  });

  it("derives a short key id from the key", () => {
    const enc = createEncryption({ key: KEY_A });
    expect(enc.currentKeyId).toMatch(/^[0-9a-f]{16}$/);
    expect(enc.currentKeyId).toBe(keyIdOf(Buffer.from(KEY_A, "base64")));
    expect(createEncryption({ key: KEY_B }).currentKeyId).not.toBe(enc.currentKeyId);
  });

  it("reads data sealed under a retired key after rotation, and writes with the new one", () => {
    const before = createEncryption({ key: KEY_A });
    const sealed = before.encrypt(SECRET);
    const after = createEncryption({ key: KEY_B, oldKeys: `${KEY_A}` });
    expect(after.decrypt(sealed)).toBe(SECRET);
    expect(after.encrypt(SECRET).keyId).toBe(after.currentKeyId);
    expect(sealed.keyId).not.toBe(after.currentKeyId);
    const list = createEncryption({ key: KEY_B, oldKeys: [generateEncryptionKey(), KEY_A] });
    expect(list.decrypt(sealed)).toBe(SECRET);
  });

  it("refuses an unknown key id without revealing anything", () => {
    const sealed = createEncryption({ key: KEY_A }).encrypt(SECRET);
    const error = thrown(() => createEncryption({ key: KEY_B }).decrypt(sealed));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.message).toContain(sealed.keyId);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain(KEY_A);
  });

  it("detects tampering and a wrong context", () => {
    const enc = createEncryption({ key: KEY_A });
    const sealed = enc.encrypt(SECRET, "integration:1");
    expect(enc.decrypt(sealed, "integration:1")).toBe(SECRET);
    expect(() => enc.decrypt(sealed, "integration:2")).toThrow(CryptoError);
    expect(() => enc.decrypt(sealed)).toThrow(CryptoError);

    const raw = Buffer.from(sealed.ciphertext, "base64");
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    const error = thrown(() =>
      enc.decrypt({ ...sealed, ciphertext: raw.toString("base64") }, "integration:1"),
    );
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.message).not.toContain(SECRET);

    expect(() => enc.decrypt({ ...sealed, ciphertext: "AAAA" })).toThrow(/malformed/);
  });

  it("rejects keys that are not 32 bytes of base64, without echoing them", () => {
    const short = Buffer.alloc(16, 7).toString("base64");
    const error = thrown(() => createEncryption({ key: short }));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error.message).not.toContain(short);
    expect(() => createEncryption({ key: "not base64 at all!" })).toThrow(CryptoError);
    expect(() => createEncryption({ key: KEY_A, oldKeys: "bad" })).toThrow(/ENCRYPTION_KEYS_OLD/);
    // Blank entries in a comma-separated list are ignored.
    expect(() => createEncryption({ key: KEY_A, oldKeys: ` ${KEY_B} , ` })).not.toThrow();
  });
});

describe("sha256Hex and randomToken", () => {
  it("hashes like the standard", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(Buffer.from("abc"))).toBe(sha256Hex("abc"));
  });

  it("makes 256-bit base64url tokens by default", () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(randomToken()).not.toBe(token);
    expect(randomToken(48)).toHaveLength(64);
    expect(() => randomToken(8)).toThrow(CryptoError);
  });
});
