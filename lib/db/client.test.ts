// The same behaviour on both engines: what the app relies on must not depend on DATABASE_URL.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { ENGINES, openTestDb, type TestDb } from "@/test/support/test-engines";

import { createDbClient } from "./client";
import { isUniqueViolation, uniqueViolation } from "./errors";
import { parseDatabaseUrl } from "./url";

let seq = 0;
function unique(prefix: string): string {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${seq}`;
}

async function makeUser(prisma: PrismaClient) {
  const oid = unique("oid");
  return prisma.user.create({
    data: { entraObjectId: oid, tenantId: "tenant-1", homeAccountId: `${oid}.tenant-1`, name: "Ada" },
  });
}

async function makeOnboarding(prisma: PrismaClient) {
  const owner = await makeUser(prisma);
  return prisma.onboarding.create({ data: { ownerId: owner.id, tenantId: "tenant-1" } });
}

/** A Prisma error reduced to what callers may depend on (lib/db/errors.ts). */
function describeError(error: unknown) {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return { unexpected: String(error) };
  const kind = (error.meta?.driverAdapterError as { cause?: { kind?: string } } | undefined)?.cause?.kind;
  return { code: error.code, kind, unique: uniqueViolation(error) };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skip)(`Prisma on ${engine.label}`, () => {
    let db: TestDb;
    let prisma: PrismaClient;
    beforeAll(async () => {
      db = await openTestDb(engine.name);
      prisma = db.prisma;
    });
    afterAll(async () => {
      await db?.dispose();
    });

    it("applies schema defaults, enums and timestamps", async () => {
      const onboarding = await makeOnboarding(prisma);
      expect(onboarding).toMatchObject({
        mode: "automated",
        status: "in_progress",
        appDisplayName: "vantage",
        secretExpiryMonths: 12,
        version: 0,
        clientId: null,
      });
      expect(onboarding.id).toMatch(/^c[a-z0-9]{24}$/);
      const at = new Date("2027-03-04T05:06:07.891Z");
      const updated = await prisma.onboarding.update({
        where: { id: onboarding.id },
        data: { mode: "manual", status: "needs_attention", secretExpiresAt: at },
      });
      expect(updated).toMatchObject({ mode: "manual", status: "needs_attention", secretExpiresAt: at });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(onboarding.updatedAt.getTime());
      await expect(
        prisma.onboarding.update({
          where: { id: onboarding.id },
          data: { status: "bogus" as never },
        }),
      ).rejects.toThrow();
    });

    it("stores and filters Json", async () => {
      const onboarding = await makeOnboarding(prisma);
      const outputs = {
        appId: "11111111-2222-3333-4444-555555555555",
        ids: [1, 2.5, "x"],
        nested: { ok: true, none: null },
      };
      await prisma.onboardingStep.create({
        data: { onboardingId: onboarding.id, stepId: "app-registration", status: "done", outputs },
      });
      await prisma.onboardingStep.create({
        data: {
          onboardingId: onboarding.id,
          stepId: "client-secret",
          status: "needs_attention",
          error: { kind: "policy", message: "Lifetime too long", code: "CredentialPolicy" },
        },
      });
      const steps = await prisma.onboardingStep.findMany({
        where: { onboardingId: onboarding.id },
        orderBy: { stepId: "asc" },
      });
      expect(steps.map((s) => [s.stepId, s.outputs, s.error])).toEqual([
        ["app-registration", outputs, null],
        ["client-secret", {}, { kind: "policy", message: "Lifetime too long", code: "CredentialPolicy" }],
      ]);
      const byPath = await prisma.onboardingStep.findMany({
        where: { onboardingId: onboarding.id, error: { path: ["kind"], equals: "policy" } },
      });
      expect(byPath.map((s) => s.stepId)).toEqual(["client-secret"]);
      const noError = await prisma.onboardingStep.findMany({
        where: { onboardingId: onboarding.id, error: { equals: Prisma.DbNull } },
      });
      expect(noError.map((s) => s.stepId)).toEqual(["app-registration"]);
    });

    it("reports unique violations the same way", async () => {
      const user = await makeUser(prisma);
      const duplicate = await prisma.user
        .create({
          data: { entraObjectId: user.entraObjectId, tenantId: user.tenantId, homeAccountId: unique("h") },
        })
        .catch((e: unknown) => e);
      expect(describeError(duplicate)).toEqual({
        code: "P2002",
        kind: "UniqueConstraintViolation",
        unique: "User_tenantId_entraObjectId_key",
      });
      expect(isUniqueViolation(duplicate, "User_tenantId_entraObjectId_key")).toBe(true);
      expect(isUniqueViolation(duplicate, "User_homeAccountId_key")).toBe(false);
      const hash = unique("hash");
      const onboarding = await makeOnboarding(prisma);
      const link = {
        onboardingId: onboarding.id,
        tokenHash: hash,
        scope: "view" as const,
        expiresAt: new Date(),
        createdById: onboarding.ownerId,
      };
      await prisma.shareLink.create({ data: link });
      const again = await prisma.shareLink.create({ data: link }).catch((e: unknown) => e);
      expect(describeError(again)).toEqual({
        code: "P2002",
        kind: "UniqueConstraintViolation",
        unique: "ShareLink_tokenHash_key",
      });
      const missingOwner = await prisma.onboarding
        .create({ data: { ownerId: "no-such-user", tenantId: "t" } })
        .catch((e: unknown) => e);
      expect(describeError(missingOwner)).toEqual({
        code: "P2003",
        kind: "ForeignKeyConstraintViolation",
        unique: null,
      });
      expect(isUniqueViolation(missingOwner)).toBe(false);
    });

    it("rolls back interactive and batch transactions", async () => {
      const owner = await makeUser(prisma);
      const failure = await prisma
        .$transaction(async (tx) => {
          await tx.onboarding.create({ data: { ownerId: owner.id, tenantId: "rollback" } });
          throw new Error("boom");
        })
        .catch((e: unknown) => e);
      expect(failure).toEqual(new Error("boom"));
      const batch = await prisma
        .$transaction([
          prisma.onboarding.create({ data: { ownerId: owner.id, tenantId: "rollback" } }),
          prisma.onboarding.create({ data: { ownerId: "no-such-user", tenantId: "rollback" } }),
        ])
        .catch((e: unknown) => e);
      expect(describeError(batch)).toMatchObject({ code: "P2003" });
      expect(await prisma.onboarding.count({ where: { ownerId: owner.id } })).toBe(0);

      const [created] = await prisma.$transaction([
        prisma.onboarding.create({ data: { ownerId: owner.id, tenantId: "commit" } }),
        prisma.auditEvent.create({
          data: { actorName: "Ada", action: "onboarding.create", outcome: "success" },
        }),
      ]);
      expect(await prisma.onboarding.findUnique({ where: { id: created.id } })).not.toBeNull();
    });

    it("lets exactly one of two concurrent version-checked updates win", async () => {
      const onboarding = await makeOnboarding(prisma);
      // Both updaters read version 0, then race a compare-and-set on it.
      const attempt = (clientId: string) =>
        prisma.onboarding.updateMany({
          where: { id: onboarding.id, version: onboarding.version },
          data: { clientId, version: { increment: 1 } },
        });
      const results = await Promise.all([attempt("app-a"), attempt("app-b")]);
      expect(results.map((r) => r.count).sort()).toEqual([0, 1]);
      const winner = results[0]?.count === 1 ? "app-a" : "app-b";
      const row = await prisma.onboarding.findUniqueOrThrow({ where: { id: onboarding.id } });
      expect(row).toMatchObject({ clientId: winner, version: 1 });

      // A lease, as the engine takes one: in interactive transactions that read, then write only if
      // the lease is free and the version unchanged. PGlite runs transactions one at a time and
      // PostgreSQL concurrently; either way exactly one runner gets it.
      await prisma.onboardingStep.create({ data: { onboardingId: onboarding.id, stepId: "verify" } });
      const key = { onboardingId: onboarding.id, stepId: "verify" };
      const takeLease = (owner: string) =>
        prisma.$transaction(async (tx) => {
          const now = new Date();
          const step = await tx.onboardingStep.findUniqueOrThrow({ where: { onboardingId_stepId: key } });
          const taken = await tx.onboardingStep.updateMany({
            where: {
              ...key,
              version: step.version,
              OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }],
            },
            data: {
              leaseOwner: owner,
              leaseExpiresAt: new Date(now.getTime() + 60_000),
              version: { increment: 1 },
            },
          });
          return taken.count === 1;
        });
      const leases = await Promise.all([takeLease("runner-1"), takeLease("runner-2")]);
      expect(leases.filter(Boolean)).toHaveLength(1);
      const step = await prisma.onboardingStep.findUniqueOrThrow({ where: { onboardingId_stepId: key } });
      expect(step.version).toBe(1);
      expect(step.leaseOwner).toBe(leases[0] ? "runner-1" : "runner-2");
    });

    it("cascades an onboarding's steps and links, and keeps its audit trail", async () => {
      const onboarding = await makeOnboarding(prisma);
      await prisma.onboardingStep.create({ data: { onboardingId: onboarding.id, stepId: "verify" } });
      const event = await prisma.auditEvent.create({
        data: {
          onboardingId: onboarding.id,
          actorName: "Ada",
          action: "step.run",
          outcome: "failure",
          detail: { code: 403 },
        },
      });
      await prisma.onboarding.delete({ where: { id: onboarding.id } });
      expect(await prisma.onboardingStep.count({ where: { onboardingId: onboarding.id } })).toBe(0);
      expect(await prisma.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
        onboardingId: null,
        detail: { code: 403 },
      });
    });

    it("runs raw SQL", async () => {
      const rows = await prisma.$queryRaw<{ n: number; s: string }[]>`SELECT 1::int AS n, ${"x"}::text AS s`;
      expect(rows).toEqual([{ n: 1, s: "x" }]);
    });
  });
}

describe("createDbClient", () => {
  it("touches a PGlite folder only at the first query, and migrates it then", async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "mca-db-"));
    const dataDir = path.join(parent, "db");
    try {
      const client = createDbClient(`pglite:${dataDir}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await readdir(parent)).toEqual([]);
      expect(await client.prisma.user.count()).toBe(0);
      expect(await readdir(parent)).toEqual(["db"]);
      await client.close();
      // Closed and reopened, the data is still there.
      await makeUser(client.prisma);
      await client.close();
      expect(await client.prisma.user.count()).toBe(1);
      await client.close();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  }, 60_000);

  it("understands the DATABASE_URL formats", () => {
    expect(parseDatabaseUrl("pglite:memory:")).toEqual({ engine: "pglite", dataDir: null });
    expect(parseDatabaseUrl("pglite:./.data/db", "/srv/app")).toEqual({
      engine: "pglite",
      dataDir: "/srv/app/.data/db",
    });
    expect(parseDatabaseUrl("pglite:/var/lib/mca")).toEqual({ engine: "pglite", dataDir: "/var/lib/mca" });
    expect(parseDatabaseUrl("postgres://u:p@h/d")).toEqual({ engine: "postgres", url: "postgres://u:p@h/d" });
    expect(parseDatabaseUrl("postgresql://u:p@h:5432/d?sslmode=require").engine).toBe("postgres");
    expect(() => parseDatabaseUrl("mysql://u:secret@h/d")).toThrow(/unsupported scheme mysql:/);
    expect(() => parseDatabaseUrl("mysql://u:secret@h/d")).not.toThrow(/secret/);
    expect(() => parseDatabaseUrl("pglite:")).toThrow();
  });
});
