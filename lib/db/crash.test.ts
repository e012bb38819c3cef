// Resuming an onboarding after a crash depends on this: a file-backed PGlite killed (SIGKILL) while
// inserting reopens cleanly and keeps every insert that reported its commit before the kill.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { createDbClient } from "./client";

const WRITER = path.join(__dirname, "../../test/support/crash-writer.ts");
const ROUNDS = 3;

/** Runs the writer from `first`, kills it after some commits, returns the numbers it reported. */
async function writeUntilKilled(dataDir: string, first: number): Promise<number[]> {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dataDir, String(first)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const committed: number[] = [];
  let pending = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(signal ?? code)),
  );
  // Kill at a random moment after at least 20 commits, so the kill lands mid-insert or mid-commit.
  const killAfter = 20 + Math.floor(Math.random() * 40);
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) committed.push(Number(line));
    if (committed.length >= killAfter && child.exitCode === null && !child.killed) {
      setTimeout(() => child.kill("SIGKILL"), Math.random() * 30);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const ended = await exited;
  clearTimeout(timer);
  expect(ended, `writer ended before the kill: ${stderr}`).toBe("SIGKILL");
  return committed;
}

describe("a file-backed PGlite killed while writing", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it(`reopens with every reported commit, ${ROUNDS} times over`, async () => {
    const parent = await mkdtemp(path.join(tmpdir(), "mca-crash-"));
    dirs.push(parent);
    const dataDir = path.join(parent, "db");
    let next = 1;
    const allCommitted: number[] = [];

    for (let round = 1; round <= ROUNDS; round += 1) {
      const committed = await writeUntilKilled(dataDir, next);
      expect(committed.length).toBeGreaterThanOrEqual(20);
      allCommitted.push(...committed);

      const { prisma, close } = createDbClient(`pglite:${dataDir}`);
      try {
        const rows = await prisma.auditEvent.findMany({
          where: { actorName: "crash-writer" },
          select: { target: true },
        });
        const present = new Set(rows.map((r) => r.target));
        const missing = allCommitted.filter((n) => !present.has(String(n)));
        expect(missing, `round ${round}: reported commits missing after the kill`).toEqual([]);
        // Transactions are all or nothing, including one cut by the kill.
        for (const target of present) {
          if (target === null || target.endsWith("b")) continue;
          const n = Number(target);
          if (n % 5 === 0) expect(present.has(`${n}b`), `half of transaction ${n}`).toBe(true);
        }
        // At most the one insert in flight at the kill may be there unreported.
        const highest = Math.max(...rows.map((r) => Number.parseInt(r.target ?? "0", 10)));
        expect(highest - Math.max(...committed)).toBeLessThanOrEqual(1);
        // The database works normally after the crash.
        await prisma.auditEvent.create({
          data: { actorName: "after-crash", action: "check", outcome: "success", target: String(round) },
        });
        next = highest + 1;
      } finally {
        await close();
      }
    }
  }, 60_000);
});
