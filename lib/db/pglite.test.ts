import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openPglite, pgliteAdapterFactory } from "./pglite";

describe("pgliteAdapterFactory", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await openPglite(null);
  });
  afterAll(async () => {
    await db.close();
  });

  it("reports a failing script (pglite-prisma-adapter 0.7.2 alone resolves it)", async () => {
    const adapter = await pgliteAdapterFactory(db).connect();
    await adapter.executeScript(`CREATE TABLE "T" ("id" INT); INSERT INTO "T" VALUES (1);`);
    await expect(adapter.executeScript(`SELECT * FROM "NoSuchTable"`)).rejects.toMatchObject({
      name: "DriverAdapterError",
      cause: { kind: "TableDoesNotExist" },
    });
    const result = await adapter.queryRaw({
      sql: `SELECT count(*)::int AS n FROM "T"`,
      args: [],
      argTypes: [],
    });
    expect(result.rows).toEqual([[1]]);
  });

  it("gives the schema engine a separate shadow database and closes it on dispose", async () => {
    let shadow: PGlite | undefined;
    const factory = pgliteAdapterFactory(db, {
      createShadow: async () => (shadow = (await db.clone()) as PGlite),
    });
    const adapter = await factory.connectToShadowDb();
    await adapter.executeScript(`CREATE TABLE "OnlyInShadow" ("id" INT)`);
    expect((await db.query(`SELECT to_regclass('"OnlyInShadow"') AS t`)).rows).toEqual([{ t: null }]);
    await adapter.dispose();
    expect(shadow?.closed).toBe(true);
    expect(db.closed).toBe(false);
  });
});
