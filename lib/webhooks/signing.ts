/**
 * The sender's side of Standard Webhooks signing: `whsec_` secrets and the three headers. The
 * receiver's side is lib/webhooks/verify.ts, which uses the same HMAC.
 */
import { randomBytes } from "node:crypto";

import { computeSignature } from "@/lib/webhooks/verify";

/** A new signing secret: `whsec_` and 32 random bytes in base64 (Standard Webhooks' format). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/**
 * The headers of one attempt. `secrets` holds the current secret and, for a while after a rotation,
 * the previous one: each signs, space-separated, so the receiver accepts whichever it holds.
 */
export function signatureHeaders(
  secrets: string[],
  id: string,
  body: string,
  now = new Date(),
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets
      .map((secret) => `v1,${computeSignature(secret, id, timestamp, body)}`)
      .join(" "),
  };
}
