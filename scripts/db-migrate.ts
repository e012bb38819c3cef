// npm run db:migrate               apply pending migrations to DATABASE_URL (default pglite:./.data/db)
// npm run db:migration:create NAME  write prisma/migrations/<timestamp>_NAME from schema changes
// Stands in for `prisma migrate deploy` / `migrate dev --create-only`; see prisma/README.md.
import { applyMigrations, createMigration } from "@/lib/db/migrate";
import { openPglite } from "@/lib/db/pglite";
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from "@/lib/db/url";

const USAGE = "usage: tsx scripts/db-migrate.ts deploy | create <name>";

async function deploy(): Promise<void> {
  const target = parseDatabaseUrl(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const log = (message: string) => console.log(message);
  if (target.engine === "postgres") {
    const result = await applyMigrations(target.url, { log });
    report(result.applied, result.unknown);
    return;
  }
  // One process owns a PGlite folder: stop the portal first (it also migrates it when it opens).
  const db = await openPglite(target.dataDir);
  try {
    const result = await applyMigrations(db, { log });
    report(result.applied, result.unknown);
  } finally {
    await db.close();
  }
}

function report(applied: string[], unknown: string[]): void {
  if (applied.length === 0) console.log("No pending migrations.");
  if (unknown.length > 0) {
    console.warn(`The database has migrations this checkout lacks: ${unknown.join(", ")}`);
  }
}

async function create(name: string | undefined): Promise<void> {
  if (!name) throw new Error(USAGE);
  const result = await createMigration(name);
  if (result.status === "no-changes") {
    console.log("No changes: prisma/schema.prisma matches the migrations.");
    return;
  }
  console.log(`Created ${result.file}`);
  console.log("Review it, then run `npm run db:generate` and `npm run db:migrate`.");
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (command === "deploy") await deploy();
  else if (command === "create") await create(name);
  else throw new Error(USAGE);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
