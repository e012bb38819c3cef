/**
 * The receiver's side of MCA Connect's webhooks (Standard Webhooks, https://www.standardwebhooks.com):
 * checks `webhook-signature` against the endpoint's secret in constant time and refuses a timestamp
 * outside the replay window. Self-contained (node:crypto only), so a receiver may copy this file.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far `webhook-timestamp` may be from the receiver's clock, either way. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

/** The HMAC key a `whsec_<base64>` secret stands for. */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length < 16) throw new WebhookVerificationError("The signing secret is not a whsec_ secret.");
  return key;
}

/** base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")): the value after "v1," in webhook-signature. */
export function computeSignature(
  secret: string,
  id: string,
  timestamp: number | string,
  body: string,
): string {
  return createHmac("sha256", secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Verifies one delivery: `body` is the raw request body, exactly as received (parse it only after
 * this). Returns the parsed payload; throws WebhookVerificationError when a header is missing, the
 * timestamp is outside the replay window, or no `v1,` signature matches.
 */
export function verifyWebhook<T = unknown>(
  secret: string,
  headers: HeaderSource,
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): T {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError("Missing webhook-id, webhook-timestamp or webhook-signature.");
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError("webhook-timestamp is not a number.");
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? REPLAY_WINDOW_SECONDS;
  if (Math.abs(now - Number(timestamp)) > tolerance)
    throw new WebhookVerificationError("webhook-timestamp is outside the replay window.");
  const expected = Buffer.from(computeSignature(secret, id, timestamp, body), "base64");
  // Several signatures, space-separated, while the sender signs with an old and a new secret.
  const matched = signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matched) throw new WebhookVerificationError("No signature matches.");
  return JSON.parse(body) as T;
}
