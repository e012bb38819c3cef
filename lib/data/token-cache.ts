/**
 * MSAL's per-account token cache, encrypted at rest. Writers compare-and-set on version: Graph and ARM
 * tokens are fetched concurrently for one account, and the loser merges its entries into the winner's
 * cache rather than dropping either.
 */
import "server-only";

import { tokenCacheContext } from "@/lib/crypto/contexts";
import { decryptSecret, encryptSecret } from "@/lib/crypto/vault";
import { db } from "@/lib/db";

/**
 * The account's cache, or null when there is none. `serialized` is null when the row cannot be read
 * (encrypted with a key that is no longer configured): the account signs in again, and the next write
 * overwrites the row at its version instead of failing on it.
 */
export async function readTokenCache(
  homeAccountId: string,
): Promise<{ serialized: string | null; version: number } | null> {
  const row = await db.msalTokenCache.findUnique({ where: { homeAccountId } });
  if (!row) return null;
  try {
    return {
      serialized: decryptSecret(
        { ciphertext: row.ciphertext, keyId: row.keyId },
        tokenCacheContext(homeAccountId),
      ),
      version: row.version,
    };
  } catch {
    return { serialized: null, version: row.version };
  }
}

type CacheSections = Record<string, Record<string, unknown>>;

function merge(ours: string, theirs: string): string {
  const a = JSON.parse(ours) as CacheSections;
  const b = JSON.parse(theirs) as CacheSections;
  const out: CacheSections = { ...b };
  for (const [section, entries] of Object.entries(a)) out[section] = { ...(b[section] ?? {}), ...entries };
  return JSON.stringify(out);
}

/** Stores the cache; returns the new version. `expected` null means "no row was read". */
export async function writeTokenCache(
  homeAccountId: string,
  serialized: string,
  expected: number | null,
): Promise<number> {
  let content = serialized;
  let version = expected;
  for (let attempt = 0; attempt < 5; attempt++) {
    const sealed = encryptSecret(content, tokenCacheContext(homeAccountId));
    if (version === null) {
      const created = await db.msalTokenCache
        .create({ data: { homeAccountId, ciphertext: sealed.ciphertext, keyId: sealed.keyId, version: 1 } })
        .catch(() => null);
      if (created) return created.version;
    } else {
      const updated = await db.msalTokenCache.updateMany({
        where: { homeAccountId, version },
        data: { ciphertext: sealed.ciphertext, keyId: sealed.keyId, version: { increment: 1 } },
      });
      if (updated.count === 1) return version + 1;
    }
    const current = await readTokenCache(homeAccountId);
    if (current?.serialized) content = merge(content, current.serialized);
    version = current?.version ?? null;
  }
  throw new Error("The token cache is being written by too many requests at once; try again");
}

export async function deleteTokenCache(homeAccountId: string): Promise<void> {
  await db.msalTokenCache.deleteMany({ where: { homeAccountId } });
}
