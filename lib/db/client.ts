// Builds a PrismaClient for a DATABASE_URL. lib/db.ts holds the app's one instance; tests and
// scripts make their own here (this module is not server-only so that the CLI can import it).
import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

import { PrismaClient } from "@/lib/generated/prisma/client";

import { applyMigrations } from "./migrations";
import { openPglite, pgliteAdapterFactory } from "./pglite";
import { parseDatabaseUrl, type DbTarget } from "./url";

export type DbClient = {
  prisma: PrismaClient;
  target: DbTarget;
  /** Disconnects Prisma and closes PGlite. A later query opens it again. */
  close(): Promise<void>;
  /** The PGlite behind the client (opening it if needed); null on PostgreSQL. For tests and tools. */
  pglite(): Promise<PGlite | null>;
};

export type DbClientOptions = {
  /** Apply pending migrations when PGlite opens (default true). PostgreSQL is never migrated here. */
  migrate?: boolean;
  /** Called once PGlite is open, e.g. to close it on SIGTERM. */
  onOpen?: (db: PGlite) => void;
};

/**
 * Opens PGlite at the first query, never before: `next build` workers import the client without
 * touching the data folder, which only one process may own.
 */
class LazyPgliteFactory implements SqlDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "pglite-prisma-adapter";
  private opening: Promise<PGlite> | null = null;

  constructor(
    private readonly dataDir: string | null,
    private readonly options: DbClientOptions,
  ) {}

  open(): Promise<PGlite> {
    this.opening ??= (async () => {
      const db = await openPglite(this.dataDir);
      try {
        if (this.options.migrate !== false) await applyMigrations(db);
      } catch (error) {
        await db.close();
        throw error;
      }
      this.options.onOpen?.(db);
      return db;
    })().catch((error: unknown) => {
      this.opening = null;
      throw error;
    });
    return this.opening;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    const db = await opening?.catch(() => null);
    if (db && !db.closed) await db.close();
  }

  async connect(): Promise<SqlDriverAdapter> {
    const db = await this.open();
    return pgliteAdapterFactory(db, { onDispose: () => this.close() }).connect();
  }
}

export function createDbClient(url: string, options: DbClientOptions = {}): DbClient {
  const target = parseDatabaseUrl(url);
  if (target.engine === "postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: target.url }) });
    return {
      prisma,
      target,
      close: () => prisma.$disconnect(),
      pglite: async () => null,
    };
  }
  const factory = new LazyPgliteFactory(target.dataDir, options);
  const prisma = new PrismaClient({ adapter: factory });
  return {
    prisma,
    target,
    async close() {
      await prisma.$disconnect();
      await factory.close();
    },
    pglite: () => factory.open(),
  };
}
