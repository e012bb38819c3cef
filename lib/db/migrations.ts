// Applies prisma/migrations/*/migration.sql to PGlite or PostgreSQL and records each one in the
// standard `_prisma_migrations` table, so `prisma migrate deploy`/`status` read our history as their
// own. Unlike Prisma, each migration runs in one transaction with its record: a failure leaves the
// database as it was, and the next run simply tries again.
// Kept free of the WASM schema engine so the Next server can import it (lib/db/migrate.ts has that).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

import type { PGlite, Transaction } from "@electric-sql/pglite";
import pg from "pg";

export const MIGRATIONS_DIR = path.join(process.cwd(), "prisma", "migrations");
export const MIGRATION_LOCK_FILE = "migration_lock.toml";

export type MigrationFile = {
  /** Folder name, e.g. `20261126163000_init`. */
  name: string;
  script: string;
  /** Hex SHA-256 of migration.sql, as Prisma records it. */
  checksum: string;
};

/** Reads the migration folders in order (Prisma orders them by name). */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  // The folder is read from the working directory at run time; keep Next's file tracing out of it.
  const entries = await readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return [];
      throw error;
    },
  );
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const bytes = await readFile(/* turbopackIgnore: true */ path.join(dir, name, "migration.sql")).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return null;
        throw error;
      },
    );
    if (bytes === null) continue;
    migrations.push({
      name,
      script: bytes.toString("utf8"),
      checksum: createHash("sha256").update(bytes).digest("hex"),
    });
  }
  return migrations;
}

// Prisma's own definition of the table (prisma-engines, PostgreSQL flavour).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

// The key Prisma's schema engine takes, so our runner and `prisma migrate deploy` exclude each other.
const ADVISORY_LOCK_KEY = 72707369;

type Row = Record<string, unknown>;

/** What the runner needs from a database: PGlite and node-postgres each provide it below. */
type Session = {
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs `fn` in a transaction; `exec` runs a multi-statement script inside it. */
  transaction(
    fn: (tx: { query: Session["query"]; exec(script: string): Promise<void> }) => Promise<void>,
  ): Promise<void>;
  close(): Promise<void>;
};

function pgliteSession(db: PGlite): Session {
  const query = async (sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows;
  return {
    query,
    async transaction(fn) {
      await db.transaction(async (tx: Transaction) => {
        await fn({
          query: async (sql, params) => (await tx.query<Row>(sql, params)).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        });
      });
    },
    close: async () => {},
  };
}

async function postgresSession(connectionString: string): Promise<Session> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const query = async (sql: string, params?: unknown[]) => (await client.query<Row>(sql, params)).rows;
  await query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
  return {
    query,
    async transaction(fn) {
      await client.query("BEGIN");
      try {
        // A query without parameters uses the simple protocol, which accepts many statements.
        await fn({ query, exec: async (script) => void (await client.query(script)) });
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      }
    },
    async close() {
      // Ending the session releases the advisory lock.
      await client.end();
    },
  };
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export type ApplyResult = {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations recorded in the database that are not in the folder (a newer release ran here). */
  unknown: string[];
};

/** A PGlite instance (left open), or a PostgreSQL URL (`postgresql://` or `postgres://`). */
export type MigrationTarget = PGlite | string;

/**
 * Applies the pending migrations in order, each in its own transaction together with its
 * `_prisma_migrations` row. Safe to run again (applies nothing) and, on PostgreSQL, from several
 * processes at once (an advisory lock serialises them). Refuses to go on when an applied migration's
 * file has changed, or when a migration is recorded as failed (left by `prisma migrate deploy`).
 */
export async function applyMigrations(
  target: MigrationTarget,
  options: { dir?: string; log?: (message: string) => void } = {},
): Promise<ApplyResult> {
  const migrations = await readMigrations(options.dir);
  const session = typeof target === "string" ? await postgresSession(target) : pgliteSession(target);
  try {
    await session.query(CREATE_MIGRATIONS_TABLE);
    const rows = await session.query(
      `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at"
         FROM "_prisma_migrations" ORDER BY "started_at"`,
    );
    const applied = new Map<string, string>();
    for (const row of rows) {
      const name = String(row.migration_name);
      if (row.rolled_back_at !== null) continue;
      if (row.finished_at === null) {
        throw new MigrationError(
          `Migration ${name} is recorded as failed in _prisma_migrations. Fix the database by hand, ` +
            `then mark it rolled back (prisma migrate resolve --rolled-back ${name}) or delete its row.`,
        );
      }
      applied.set(name, String(row.checksum));
    }

    const local = new Set(migrations.map((m) => m.name));
    const unknown = [...applied.keys()].filter((name) => !local.has(name));
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined && checksum !== migration.checksum) {
        throw new MigrationError(
          `Migration ${migration.name} was edited after it was applied (its checksum differs). ` +
            `Restore the file and put the change in a new migration.`,
        );
      }
    }

    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      try {
        await session.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at")
             VALUES ($1, $2, $3, now())`,
            [randomUUID(), migration.checksum, migration.name],
          );
          await tx.exec(migration.script);
          await tx.query(
            `UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1
              WHERE "migration_name" = $1 AND "finished_at" IS NULL`,
            [migration.name],
          );
        });
      } catch (error) {
        throw new MigrationError(
          `Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`,
          { cause: error },
        );
      }
      done.push(migration.name);
      options.log?.(`Applied migration ${migration.name}`);
    }
    return { applied: done, unknown };
  } finally {
    await session.close();
  }
}
