// The app's only PrismaClient. The engine follows DATABASE_URL (lib/db/url.ts): PGlite in a folder
// (the default, migrated here when it first opens), PGlite in memory, or PostgreSQL (migrated by
// `npm run db:migrate`). Nothing is read or opened at import: the configuration at the first use of
// `db`, the database at the first query. So `next build` needs neither.
import "server-only";

import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";

import { createDbClient, type DbClient } from "./client";

function databaseUrl(): string {
  return getEnv().databaseUrl;
}

// One client per process, kept on globalThis: dev HMR re-evaluates this module, and Next may load it
// in more than one module graph. Two PGlite instances on one folder would corrupt it.
const GLOBAL_KEY = Symbol.for("mca-connect.db");
const globalStore = globalThis as typeof globalThis & { [GLOBAL_KEY]?: DbClient };

function client(): DbClient {
  return (globalStore[GLOBAL_KEY] ??= createDbClient(databaseUrl(), { onOpen: closeOnSignals }));
}

/** The PrismaClient, created at its first use. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const prisma = client().prisma;
    const value: unknown = Reflect.get(prisma, property, prisma);
    return typeof value === "function" ? value.bind(prisma) : value;
  },
});

/** Disconnects from PostgreSQL or closes PGlite (a later query reopens). */
export async function closeDb(): Promise<void> {
  await globalStore[GLOBAL_KEY]?.close();
}

let signalsHooked = false;

/**
 * A file-backed PGlite should be closed on shutdown (and keeps Node alive until it is). Under
 * `next start`, Next's own SIGTERM/SIGINT handler exits first unless NEXT_MANUAL_SIG_HANDLE=1 is set;
 * that is a crash as far as PGlite is concerned, which loses nothing committed (lib/db/crash.test.ts).
 */
function closeOnSignals(): void {
  const target = globalStore[GLOBAL_KEY]?.target;
  if (signalsHooked || target?.engine !== "pglite" || target.dataDir === null) return;
  signalsHooked = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void closeDb()
        .catch(() => {})
        .finally(() => {
          // With no other listener left (Next's), end the process as the default handler would.
          if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
        });
    });
  }
}
