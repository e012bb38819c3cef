import path from "node:path";

/** Used when DATABASE_URL is unset: an embedded database in the repo's .data folder. */
export const DEFAULT_DATABASE_URL = "pglite:./.data/db";

export type DbTarget =
  /** dataDir: absolute folder, or null for an in-memory database. */
  { engine: "pglite"; dataDir: string | null } | { engine: "postgres"; url: string };

/**
 * Reads a DATABASE_URL: `pglite:<folder>` (relative to the working directory), `pglite:memory:`,
 * or `postgresql://...` / `postgres://...`. Errors name only the scheme: the URL may hold a password.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DbTarget {
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
    return { engine: "postgres", url };
  }
  if (url.startsWith("pglite:")) {
    const location = url.slice("pglite:".length);
    if (location === "memory:") return { engine: "pglite", dataDir: null };
    if (location === "" || location.startsWith("//")) {
      throw new Error('DATABASE_URL "pglite:" needs a folder (pglite:./.data/db) or pglite:memory:');
    }
    return { engine: "pglite", dataDir: path.resolve(cwd, location) };
  }
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "(none)";
  throw new Error(
    `DATABASE_URL has an unsupported scheme ${scheme}; use pglite:<folder>, pglite:memory: or postgresql://`,
  );
}
