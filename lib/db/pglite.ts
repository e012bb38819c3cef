// PGlite (PostgreSQL compiled to WebAssembly, in process): opening a data folder or memory, and the
// Prisma driver adapter over it.
import { mkdir } from "node:fs/promises";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/** Opens PGlite on a data folder (created if missing), or in memory when `dataDir` is null. */
export async function openPglite(dataDir: string | null): Promise<PGlite> {
  if (dataDir === null) return PGlite.create();
  await mkdir(path.dirname(dataDir), { recursive: true });
  return PGlite.create({ dataDir });
}

export type PgliteAdapterOptions = {
  /** Runs when Prisma disposes the main adapter (`$disconnect`). */
  onDispose?: () => Promise<void>;
  /** Makes an empty database for the schema engine's shadow (default: a new in-memory PGlite). */
  createShadow?: () => Promise<PGlite>;
};

/**
 * pglite-prisma-adapter 0.7.2 with two fixes: its `executeScript` does not await PGlite's `exec`
 * (a failing script is reported as success, then surfaces as an unhandled rejection), and its
 * shadow database, a new in-memory PGlite, is never closed (an open PGlite keeps Node alive).
 */
export function pgliteAdapterFactory(
  db: PGlite,
  { onDispose, createShadow = () => PGlite.create() }: PgliteAdapterOptions = {},
): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPGlite(db);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      return withFixes(await inner.connect(), db, onDispose);
    },
    async connectToShadowDb() {
      const shadow = await createShadow();
      const adapter = await new PrismaPGlite(shadow).connect();
      return withFixes(adapter, shadow, () => shadow.close());
    },
  };
}

function withFixes(adapter: SqlDriverAdapter, db: PGlite, onDispose?: () => Promise<void>): SqlDriverAdapter {
  // The adapter's methods live on its prototype chain, so wrap with a prototype link, not a spread.
  const fixed = Object.create(adapter) as SqlDriverAdapter;
  fixed.executeScript = async (script: string) => {
    try {
      await db.exec(script);
    } catch (error) {
      // Let the adapter turn PostgreSQL errors into DriverAdapterErrors, as it does for queries.
      const { onError } = adapter as unknown as { onError?: (e: unknown) => never };
      if (typeof onError === "function") onError.call(adapter, error);
      throw error;
    }
  };
  fixed.dispose = async () => {
    await adapter.dispose();
    await onDispose?.();
  };
  return fixed;
}
