// Test support: the data-layer suites run once per engine. PGlite (in memory) always runs;
// PostgreSQL runs when TEST_POSTGRES_URL is set, each suite in a database of its own that it
// creates and drops (so the URL's role needs CREATEDB). Not a test file itself.
import { randomBytes } from "node:crypto";

import pg from "pg";

import { createDbClient, type DbClient } from "@/lib/db/client";
import { applyMigrations } from "@/lib/db/migrations";

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL || undefined;

export type EngineName = "pglite" | "postgres";

export const ENGINES: { name: EngineName; skip: boolean; label: string }[] = [
  { name: "pglite", skip: false, label: "pglite (in memory)" },
  {
    name: "postgres",
    skip: TEST_POSTGRES_URL === undefined,
    label: TEST_POSTGRES_URL
      ? "postgres (TEST_POSTGRES_URL)"
      : "postgres: SKIPPED, set TEST_POSTGRES_URL=postgresql://user:pass@host/db (role with CREATEDB)",
  },
];

if (TEST_POSTGRES_URL === undefined) {
  console.warn(
    "[db tests] TEST_POSTGRES_URL is not set: the PostgreSQL half of the data-layer tests is skipped.",
  );
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** An empty PostgreSQL database of its own (no migrations applied), and how to drop it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (TEST_POSTGRES_URL === undefined) throw new Error("TEST_POSTGRES_URL is not set");
  const name = `mca_test_${randomBytes(6).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: withDatabase(TEST_POSTGRES_URL, name),
    // FORCE may not end a backend of another role on it (an autovacuum worker, run as the server's
    // superuser): that ends by itself within moments, so try again a few times.
    drop: async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== "42501" || attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    },
  };
}

export type TestDb = DbClient & { url: string; dispose(): Promise<void> };

/** A migrated, empty database on `engine` with a client; `dispose` closes and drops it. */
export async function openTestDb(engine: EngineName): Promise<TestDb> {
  if (engine === "pglite") {
    const client = createDbClient("pglite:memory:");
    return { ...client, url: "pglite:memory:", dispose: () => client.close() };
  }
  const database = await createPostgresDatabase();
  await applyMigrations(database.url);
  const client = createDbClient(database.url);
  return {
    ...client,
    url: database.url,
    async dispose() {
      await client.close();
      await database.drop();
    },
  };
}
