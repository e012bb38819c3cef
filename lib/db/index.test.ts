import { afterAll, describe, expect, it, vi } from "vitest";

const GLOBAL_KEY = Symbol.for("mca-connect.db");

describe("lib/db", () => {
  afterAll(async () => {
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    vi.unstubAllEnvs();
  });

  it("reads DATABASE_URL at first use, not at import, and then serves queries", async () => {
    vi.stubEnv("DATABASE_URL", "pglite:memory:");
    vi.stubEnv("AZURE_AD_CLIENT_ID", "11111111-2222-3333-4444-555555555555");
    vi.stubEnv("AZURE_AD_CLIENT_SECRET", "test");
    vi.stubEnv("PUBLIC_BASE_URL", "http://localhost:3000");
    vi.stubEnv("SESSION_SECRET", "s".repeat(40));
    vi.stubEnv("ENCRYPTION_KEY", Buffer.alloc(32, 1).toString("base64"));
    const { db } = await import("@/lib/db");
    expect((globalThis as Record<symbol, unknown>)[GLOBAL_KEY]).toBeUndefined();

    expect(await db.user.count()).toBe(0);
    expect((globalThis as Record<symbol, unknown>)[GLOBAL_KEY]).toBeDefined();
    const user = await db.$transaction(async (tx) =>
      tx.user.create({ data: { entraObjectId: "o", tenantId: "t", homeAccountId: "o.t" } }),
    );
    expect(await db.user.findUnique({ where: { id: user.id } })).toMatchObject({ homeAccountId: "o.t" });
  });
});
