import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

export function guid(): string {
  return randomUUID();
}

/** A GUID derived from a label, so presets get the same ids on every start (demo restarts keep working). */
export function stableGuid(label: string): string {
  const h = createHash("sha256").update(label).digest("hex");
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString("base64url");
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomString(length: number, alphabet = ALNUM): string {
  const out: string[] = [];
  // Rejection sampling keeps the distribution uniform for alphabets that do not divide 256.
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out.push(alphabet[byte % alphabet.length]!);
    }
  }
  return out.join("");
}

/**
 * Entra's client secrets are 40 characters: three random characters (the hint), a version digit, "Q~",
 * then 34 characters from a URL-safe alphabet.
 */
export function clientSecretValue(): string {
  return `${randomString(3)}8Q~${randomString(34, ALNUM + "_.~-")}`;
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function isGuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

export function sha256base64url(value: string): string {
  return createHash("sha256").update(value).digest("base64url");
}
