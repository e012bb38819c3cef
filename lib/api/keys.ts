/**
 * API keys for the cost platform. A key is `mcak_` and a 256-bit random token; only its SHA-256 is
 * stored, so it is shown once, when made. A request's key is looked up by its hash through the unique
 * index and then compared in constant time (as share links are), and the key row is read on every
 * request, so a revoked key stops working at once, and so does one whose maker is no longer an operator.
 */
import "server-only";

import { timingSafeEqual } from "node:crypto";

import { randomToken, sha256Hex } from "@/lib/crypto/cipher";
import { findApiKeyByTokenHash, revokeIfMakerNotOperator, type ApiKeyForAccess } from "@/lib/data/api-keys";

const keyPattern = /^mcak_[A-Za-z0-9_-]{43}$/;

export function newApiKeyToken(): { token: string; tokenHash: string; tokenPrefix: string } {
  const token = `mcak_${randomToken(32)}`;
  return { token, tokenHash: sha256Hex(token), tokenPrefix: token.slice(0, 9) };
}

export type ApiKeyProblem = "missing" | "unknown" | "revoked";

/** Reads `Authorization: Bearer <key>` and finds the key; says why when it cannot be used. */
export async function authenticateApiKey(
  authorization: string | null,
): Promise<
  { ok: true; key: ApiKeyForAccess } | { ok: false; problem: ApiKeyProblem; key?: ApiKeyForAccess }
> {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) return { ok: false, problem: "missing" };
  const token = match[1]!;
  if (!keyPattern.test(token)) return { ok: false, problem: "unknown" };
  const tokenHash = sha256Hex(token);
  const found = await findApiKeyByTokenHash(tokenHash);
  if (!found || !timingSafeEqual(Buffer.from(found.tokenHash), Buffer.from(tokenHash)))
    return { ok: false, problem: "unknown" };
  // A key made in the portal works only while its maker is one of the configured operators.
  const key = await revokeIfMakerNotOperator(found);
  if (key.revokedAt) return { ok: false, problem: "revoked", key };
  return { ok: true, key };
}
