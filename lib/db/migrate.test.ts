import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import type { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createPostgresDatabase, ENGINES, type EngineName } from "@/test/support/test-engines";

import {
  applyMigrations,
  createMigration,
  MigrationError,
  migrationList,
  MIGRATIONS_DIR,
  readMigrations,
  SCHEMA_PATH,
} from "./migrate";
import { openPglite } from "./pglite";
import { openSchemaEngine } from "./schema-engine";

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** A fresh, empty database on one engine, as both a migration target and a query function. */
type Fresh = {
  target: PGlite | string;
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Prisma's schema engine on this database, to check it reads our history as its own. */
  diagnose(dir?: string): Promise<unknown>;
  dispose(): Promise<void>;
};

async function fresh(engine: EngineName): Promise<Fresh> {
  if (engine === "pglite") {
    const db = await openPglite(null);
    return {
      target: db,
      query: async (sql) => (await db.query<Record<string, unknown>>(sql)).rows,
      async diagnose(dir) {
        const engine = await openSchemaEngine(db);
        try {
          return await engine.diagnoseMigrationHistory({
            migrationsList: await migrationList(dir),
            optInToShadowDatabase: false,
            filters: NO_FILTERS,
          });
        } finally {
          engine.free();
        }
      },
      dispose: () => db.close(),
    };
  }
  const database = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    target: database.url,
    query: async (sql) => (await pool.query<Record<string, unknown>>(sql)).rows,
    async diagnose(dir) {
      const engine = await openSchemaEngine(new PrismaPg(pool));
      try {
        return await engine.diagnoseMigrationHistory({
          migrationsList: await migrationList(dir),
          optInToShadowDatabase: false,
          filters: NO_FILTERS,
        });
      } finally {
        engine.free();
      }
    },
    async dispose() {
      await pool.end();
      await database.drop();
    },
  };
}

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "mca-migrations-"));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe("the committed migration history", () => {
  it("matches prisma/schema.prisma (the WASM schema engine reports no changes)", async () => {
    const result = await createMigration("check", { write: false });
    expect(result, "schema.prisma changed without a migration: npm run db:migration:create <name>").toEqual({
      status: "no-changes",
    });
  });

  it("is in Prisma's format", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    for (const m of migrations) expect(m.name).toMatch(/^\d{14}_[A-Za-z0-9_]+$/);
    expect(await readFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), "utf8")).toContain(
      'provider = "postgresql"',
    );
  });
});

describe("createMigration", () => {
  it("writes a new migration for a schema change, which then applies", async () => {
    const dir = await copyMigrations();
    const schemaPath = path.join(dir, "schema.prisma");
    const schema = await readFile(SCHEMA_PATH, "utf8");
    await writeFile(
      schemaPath,
      schema.replace("model MsalTokenCache {", "model MsalTokenCache {\n  note String?"),
    );
    try {
      const result = await createMigration("add_note", { dir, schemaPath });
      expect(result.status).toBe("created");
      if (result.status !== "created") return;
      expect(result.name).toMatch(/^\d{14}_add_note$/);
      expect(result.script).toContain('ALTER TABLE "MsalTokenCache" ADD COLUMN     "note" TEXT;');
      expect(await readdir(dir)).toContain(result.name);
      expect(await createMigration("again", { dir, schemaPath, write: false })).toEqual({
        status: "no-changes",
      });

      const db = await openPglite(null);
      try {
        const applied = await applyMigrations(db, { dir });
        expect(applied.applied.at(-1)).toBe(result.name);
      } finally {
        await db.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`applyMigrations on ${engine.label}`, () => {
    let db: Fresh;
    beforeAll(async () => {
      db = await fresh(engine.name);
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it("applies every migration to an empty database and records it as Prisma does", async () => {
      const local = await readMigrations();
      const result = await applyMigrations(db.target);
      expect(result).toEqual({ applied: local.map((m) => m.name), unknown: [] });

      const rows = await db.query(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, applied_steps_count
           FROM "_prisma_migrations" ORDER BY started_at`,
      );
      expect(rows).toEqual(
        local.map((m) => ({
          migration_name: m.name,
          checksum: m.checksum,
          finished: true,
          applied_steps_count: 1,
        })),
      );
      const tables = await db.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(
        expect.arrayContaining(["User", "Onboarding", "OnboardingStep", "Integration", "_prisma_migrations"]),
      );
      // Prisma's own engine (what `prisma migrate status` runs) sees the history as applied and intact.
      expect(await db.diagnose()).toEqual({
        editedMigrationNames: [],
        failedMigrationNames: [],
        hasMigrationsTable: true,
        history: null,
      });
    });

    it("applies nothing the second time", async () => {
      expect(await applyMigrations(db.target)).toEqual({ applied: [], unknown: [] });
      const [count] = await db.query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(count?.n).toBe((await readMigrations()).length);
    });

    it("refuses when an applied migration was edited", async () => {
      const dir = await copyMigrations();
      try {
        const [first] = await readMigrations(dir);
        const file = path.join(dir, first!.name, "migration.sql");
        await writeFile(file, `${await readFile(file, "utf8")}\n-- edited\n`);
        await expect(applyMigrations(db.target, { dir })).rejects.toThrow(/edited after it was applied/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("rolls back a failing migration completely, and applies it once fixed", async () => {
      const dir = await copyMigrations();
      try {
        const folder = path.join(dir, "29990101000000_broken");
        await mkdir(folder);
        await writeFile(
          path.join(folder, "migration.sql"),
          `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nSELECT * FROM "NoSuchTable";\n`,
        );
        const error = await applyMigrations(db.target, { dir }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MigrationError);
        expect((error as Error).message).toMatch(/29990101000000_broken failed and was rolled back/);
        const half = await db.query(`SELECT to_regclass('"Half"') AS t`);
        expect(half[0]?.t).toBeNull();
        const recorded = await db.query(
          `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
        );
        expect(recorded).toHaveLength(0);

        await writeFile(path.join(folder, "migration.sql"), `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\n`);
        expect((await applyMigrations(db.target, { dir })).applied).toEqual(["29990101000000_broken"]);
        // The folder's copy is ahead of the repo's history now: reported, not fatal.
        expect((await applyMigrations(db.target)).unknown).toEqual(["29990101000000_broken"]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}

describe.skipIf(ENGINES[1]!.skip)("applyMigrations on PostgreSQL from several processes", () => {
  it("applies each migration once when instances race (advisory lock)", async () => {
    const database = await createPostgresDatabase();
    try {
      const results = await Promise.all([1, 2, 3].map(() => applyMigrations(database.url)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied).toEqual((await readMigrations()).map((m) => m.name));
    } finally {
      await database.drop();
    }
  });
});
