// Child process for lib/db/crash.test.ts: inserts into a file-backed PGlite as fast as it can and
// prints each number once its insert has committed, until it is killed. Every fifth number is two
// rows written in one transaction ("<n>" and "<n>b"), to check atomicity across the crash too.
import { createDbClient } from "@/lib/db/client";

async function main(): Promise<void> {
  const [dataDir, first] = process.argv.slice(2);
  if (!dataDir || !first) throw new Error("usage: crash-writer <dataDir> <first number>");
  const { prisma } = createDbClient(`pglite:${dataDir}`);
  const row = (target: string) => ({
    actorName: "crash-writer",
    action: "insert",
    target,
    outcome: "success" as const,
  });
  for (let n = Number(first); ; n += 1) {
    if (n % 5 === 0) {
      await prisma.$transaction([
        prisma.auditEvent.create({ data: row(String(n)) }),
        prisma.auditEvent.create({ data: row(`${n}b`) }),
      ]);
    } else {
      await prisma.auditEvent.create({ data: row(String(n)) });
    }
    // Writes to a pipe are synchronous on Linux: the line is out before the next insert starts.
    process.stdout.write(`${n}\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
