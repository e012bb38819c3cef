/**
 * Issue #9, part 2: load. N people onboard at once, each in an emulator tenant of their own, through the
 * production build's HTTP interface as their browsers would (scripts/bench/load-user.ts), on PGlite (the
 * embedded default) and on PostgreSQL. Per run: onboardings Connected, errors, Connect → Connected, the
 * portal's own time per step, and the portal process's peak RSS and CPU seconds per onboarding.
 *
 * The portal's own time of a request is its wall time (as the browser saw it) minus the time the
 * emulator spent answering the Azure calls made meanwhile: every tenant belongs to one person, so the
 * tenant's request log (each answer's end and duration, `ms`) holds exactly that person's Azure calls;
 * the union of those intervals inside the request's window is taken off. What is left is the portal's
 * work, its database, and its waiting for a CPU or a connection.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { LoadUser, type StepKind, type UserRun } from "./load-user";

export type Db = "pglite" | "postgres";

export type Percentiles = { n: number; p50: number; p95: number; p99: number };

export type LoadFigure = {
  /** When this run started (the load part may be run alone: `--only load`). */
  date: string;
  db: Db;
  concurrent: number;
  latencyMs: number;
  connected: number;
  errors: number;
  errorSamples: string[];
  /** Connect clicked → Connected seen by the poller, ms. */
  connectToConnectedMs: Percentiles;
  /** The portal's own time per step, ms (sign-in: the whole sign-in's portal requests together). */
  ownMs: Record<StepKind, Percentiles>;
  portalRequests: number;
  azureCalls: number;
  peakRssMiB: number;
  cpuSecondsPerOnboarding: number;
  /** PostgreSQL only: statements run per onboarding (transactions committed, from pg_stat_database). */
  dbStatementsPerOnboarding?: number;
  /** CPU the portal process used during the run, in cores (1 = one core all the time). */
  portalCores: number;
  /** The same for the emulator (the stand-in for Azure runs on the same machine). */
  emulatorCores?: number;
  /** The machine's 1-minute load average when the run started, and its CPU count. */
  loadAverage: number;
  cpus: number;
  wallMs: number;
};

export type LoadOptions = {
  root: string;
  env: NodeJS.ProcessEnv;
  counts: number[];
  dbs: Db[];
  /** Added to every emulator answer, as Azure's own latency. */
  latencyMs: number;
  portalPort: number;
  emulatorPort: number;
  browserPort: number;
  log?: (line: string) => void;
};

export const stepKinds: StepKind[] = ["sign-in", "start", "connect", "poll", "advance", "refresh"];

function percentiles(values: number[]): Percentiles {
  const xs = [...values].sort((a, b) => a - b);
  const at = (q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]! : 0);
  return { n: xs.length, p50: Math.round(at(0.5)), p95: Math.round(at(0.95)), p99: Math.round(at(0.99)) };
}

/** A fresh PostgreSQL database of the bench's own on the local cluster (started if it is not running). */
function freshPostgres(root: string): string {
  const script = `
    set -euo pipefail
    source scripts/test-postgres.sh
    start_test_postgres >/dev/null
    port="$(pg_lsclusters -h | awk '$2=="main" {print $3}' | head -n 1)"
    as_postgres dropdb --if-exists --force -p "$port" mca_bench_load
    as_postgres createdb -p "$port" -O mca_test mca_bench_load
    echo "\${TEST_POSTGRES_URL%/*}/mca_bench_load"`;
  const result = spawnSync("bash", ["-c", script], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`PostgreSQL for the load bench: ${result.stderr.slice(-1000)}`);
  return result.stdout.trim().split("\n").at(-1)!;
}

/** Transactions committed in the bench's PostgreSQL database so far (each statement outside one is one). */
function postgresCommits(databaseUrl: string): number {
  const result = spawnSync(
    "psql",
    [databaseUrl, "-tAc", "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`psql: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/** A descendant of rootPid that `matches` (by its /proc/<pid>/comm and cmdline). */
function findDescendant(
  rootPid: number,
  matches: (comm: string, cmdline: string) => boolean,
): number | undefined {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      /* gone */
    }
  }
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift()!;
    try {
      const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8");
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      if (pid !== rootPid && matches(comm, cmdline)) return pid;
    } catch {
      /* gone */
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return undefined;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat (utime, stime), counted from the state field (3): indexes 11 and 12.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak resident set size (VmHWM) of the process since it started, MiB. */
function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not ready within ${timeoutMs / 1000} s`);
}

async function startPortal(o: LoadOptions, databaseUrl: string) {
  // The emulator's folder (its CA, which this process trusts) is <data-dir>/emulator: .data/bench's.
  const dataDir = path.join(o.root, ".data", "bench");
  const child = spawn(
    "bash",
    [
      "scripts/start.sh",
      "--no-build",
      "--ephemeral",
      "--delays",
      "test",
      ...["--port", String(o.portalPort), "--emulator-port", String(o.emulatorPort)],
      ...["--browser-port", String(o.browserPort), "--data-dir", dataDir],
    ],
    {
      cwd: o.root,
      env: { ...o.env, MCA_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: "error" },
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
  const portal = `http://localhost:${o.portalPort}`;
  await waitFor("the portal", 180_000, async () => {
    if (child.exitCode !== null) throw new Error(`the portal exited ${child.exitCode}`);
    return (await fetch(`${portal}/`)).ok ? true : undefined;
  });
  // `next start` names its process "next-server"; the emulator runs under tsx, in a node of its own.
  const pid = await waitFor("the portal's process", 10_000, async () =>
    findDescendant(child.pid!, (comm) => comm.startsWith("next-server")),
  );
  const emulatorPid = findDescendant(
    child.pid!,
    (comm, cmdline) =>
      comm.startsWith("node") && cmdline.includes("emulator/src/main.ts") && !cmdline.includes(".bin/tsx"),
  );
  return { child, pid, emulatorPid, portal, emulator: `https://127.0.0.1:${o.emulatorPort}` };
}

async function stopPortal(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    process.kill(-child.pid!, "SIGTERM");
  } catch {
    /* gone */
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
}

async function emulatorPost<T>(emulator: string, route: string, body: unknown): Promise<T> {
  const res = await fetch(`${emulator}/_emulator/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator ${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

type AzureCall = { time: string; ms?: number; route: string; status: number };

/** The first retry of a step's poll (lib/onboardings/retry.ts): the engine sleeps that long on purpose. */
const plannedRetryMs = 250;

/**
 * The intervals in which one person's onboarding waited on Azure: each Azure call from its arrival at
 * the emulator to its answer, and after an answer that refused (a step polling while Azure catches
 * up) the engine's planned sleep before the next try of the same call, at most plannedRetryMs.
 */
function azureIntervals(calls: AzureCall[]): [number, number][] {
  const spans = calls.map((c) => {
    const end = Date.parse(c.time);
    return { route: c.route, status: c.status, from: end - (c.ms ?? 0), to: end };
  });
  const waits = spans.flatMap((c): [number, number][] => {
    if (c.status < 400) return [];
    const next = spans
      .filter((d) => d.route === c.route && d.from >= c.to)
      .sort((a, b) => a.from - b.from)[0];
    return [[c.to, Math.min(c.to + plannedRetryMs, next?.from ?? Number.POSITIVE_INFINITY)]];
  });
  return [...spans.map((c): [number, number] => [c.from, c.to]), ...waits];
}

/** The part of [start, end] covered by the intervals (each [from, to]), in ms. */
function covered(start: number, end: number, intervals: [number, number][]): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, start), Math.min(b, end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let reach = start;
  for (const [a, b] of clipped) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

/** The portal's own time per request kind, from the runs and each tenant's emulator request log. */
async function ownTimes(emulator: string, runs: UserRun[]) {
  const byKind = new Map<StepKind, number[]>(stepKinds.map((k) => [k, []]));
  let azureCalls = 0;
  for (const run of runs) {
    const res = await fetch(`${emulator}/_emulator/tenants/${run.tenantId}/state`);
    const calls = ((await res.json()) as { requests: AzureCall[] }).requests;
    azureCalls += calls.length;
    const intervals = azureIntervals(calls);
    let signIn = 0;
    if (process.env.BENCH_TRACE) {
      const t0 = run.requests[0]?.start ?? 0;
      const rel = (t: number) => String(Math.round(t - t0)).padStart(6);
      const lines = [
        ...run.requests.map((r) => ({
          at: r.start,
          text: `${rel(r.start)}..${rel(r.end)} portal ${r.kind} ${r.status}`,
        })),
        ...calls.map((c) => {
          const end = Date.parse(c.time);
          return {
            at: end - (c.ms ?? 0),
            text: `${rel(end - (c.ms ?? 0))}..${rel(end)}   azure ${c.status} ${c.route}`,
          };
        }),
      ].sort((a, b) => a.at - b.at);
      console.log(lines.map((l) => l.text).join("\n"));
    }
    for (const r of run.requests) {
      // A look that waited at the server for a change: its portal time is what it did besides waiting.
      const own = Math.max(0, r.end - r.start - (r.waitMs ?? covered(r.start, r.end, intervals)));
      if (r.kind === "sign-in") signIn += own;
      else byKind.get(r.kind)!.push(own);
    }
    if (run.requests.some((r) => r.kind === "sign-in")) byKind.get("sign-in")!.push(signIn);
  }
  return {
    ownMs: Object.fromEntries([...byKind].map(([k, v]) => [k, percentiles(v)])) as Record<
      StepKind,
      Percentiles
    >,
    azureCalls,
  };
}

async function loadRun(o: LoadOptions, db: Db, concurrent: number): Promise<LoadFigure> {
  const databaseUrl =
    db === "postgres" ? freshPostgres(o.root) : `pglite:${path.join(o.root, ".data", "bench", "load-db")}`;
  if (db === "pglite")
    fs.rmSync(path.join(o.root, ".data", "bench", "load-db"), { recursive: true, force: true });
  const { child, pid, emulatorPid, portal, emulator } = await startPortal(o, databaseUrl);
  try {
    const { value: tenants } = await emulatorPost<{
      value: { tenantId: string; admin: { id: string } }[];
    }>(emulator, "scenarios/batch", {
      count: concurrent + 1,
      delayProfile: "test",
      settings: { lro: { probability: 0 } },
    });
    // Azure's latency on every call of the people's tenants (the discovery documents no tenant owns
    // stay fast: their time could not be told apart per person, and counts as the portal's).
    if (o.latencyMs)
      await emulatorPost(emulator, "faults", {
        faults: tenants.map((t) => ({ path: ".*", tenantId: t.tenantId, latencyMs: o.latencyMs, count: 0 })),
      });
    // One onboarding first, unmeasured: it learns the forms' action ids and warms the portal up.
    // Tried again once: on a machine busy enough, a first sign-in can fail (it is no measurement).
    const ids = await new LoadUser(portal, tenants[0]!)
      .learnActionIds()
      .catch(() =>
        new Promise((resolve) => setTimeout(resolve, 5000)).then(() =>
          new LoadUser(portal, tenants[0]!).learnActionIds(),
        ),
      );
    const date = new Date().toISOString();
    const cpuBefore = cpuSeconds(pid);
    const emulatorCpuBefore = emulatorPid ? cpuSeconds(emulatorPid) : 0;
    const loadAverage = os.loadavg()[0]!;
    const commitsBefore = db === "postgres" ? postgresCommits(databaseUrl) : 0;
    const started = performance.now();
    const runs = await Promise.all(
      // Each from an address of its own (127.1.x.y), as people are: sign-ins are counted per address.
      tenants
        .slice(1)
        .map((tenant, i) =>
          new LoadUser(portal, tenant, `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`).visit(ids, 180_000),
        ),
    );
    const wallMs = performance.now() - started;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const emulatorCpu = emulatorPid ? cpuSeconds(emulatorPid) - emulatorCpuBefore : undefined;
    // The statistics collector reports a backend's counts when its transaction ends, within a second.
    if (db === "postgres") await new Promise((resolve) => setTimeout(resolve, 1500));
    const commits = db === "postgres" ? postgresCommits(databaseUrl) - commitsBefore : undefined;
    const peak = peakRssMiB(pid);
    const { ownMs, azureCalls } = await ownTimes(emulator, runs);
    const errors = runs.flatMap((r) => r.errors);
    const failedRequests = runs.flatMap((r) => r.requests.filter((q) => q.status >= 400));
    const figure: LoadFigure = {
      date,
      db,
      concurrent,
      latencyMs: o.latencyMs,
      connected: runs.filter((r) => r.connectToConnectedMs !== undefined).length,
      errors: errors.length + failedRequests.length,
      errorSamples: [...new Set(errors)].slice(0, 5),
      connectToConnectedMs: percentiles(runs.flatMap((r) => r.connectToConnectedMs ?? [])),
      ownMs,
      portalRequests: runs.reduce((n, r) => n + r.requests.length, 0),
      azureCalls,
      peakRssMiB: peak,
      cpuSecondsPerOnboarding: Math.round((cpu / concurrent) * 100) / 100,
      ...(commits === undefined ? {} : { dbStatementsPerOnboarding: Math.round(commits / concurrent) }),
      portalCores: Math.round((cpu / (wallMs / 1000)) * 100) / 100,
      ...(emulatorCpu === undefined
        ? {}
        : { emulatorCores: Math.round((emulatorCpu / (wallMs / 1000)) * 100) / 100 }),
      loadAverage: Math.round(loadAverage * 10) / 10,
      cpus: os.cpus().length,
      wallMs: Math.round(wallMs),
    };
    o.log?.(describe(figure));
    return figure;
  } finally {
    await stopPortal(child);
  }
}

const pct = (p: Percentiles) => `${p.p50} / ${p.p95} / ${p.p99}`;
const sec = (ms: number) => (ms / 1000).toFixed(1);

function describe(f: LoadFigure): string {
  return (
    `load    ${f.db} × ${f.concurrent}: ${f.connected}/${f.concurrent} Connected, ${f.errors} errors` +
    `${f.errorSamples.length ? ` (${f.errorSamples.join("; ")})` : ""}, Connect → Connected p50 ` +
    `${sec(f.connectToConnectedMs.p50)} s p95 ${sec(f.connectToConnectedMs.p95)} s, own ms p50/p95/p99 ` +
    stepKinds.map((k) => `${k} ${pct(f.ownMs[k])}`).join(", ") +
    `; peak RSS ${f.peakRssMiB} MiB, CPU ${f.cpuSecondsPerOnboarding} s per onboarding` +
    (f.dbStatementsPerOnboarding
      ? `, ${f.dbStatementsPerOnboarding} database transactions per onboarding`
      : "") +
    `; portal ${f.portalCores} cores, emulator ${f.emulatorCores ?? "?"} cores, load average ${f.loadAverage} on ${f.cpus} CPUs` +
    `, wall ${sec(f.wallMs)} s`
  );
}

/** Every (database, N) run, each against a freshly started portal and emulator. */
export async function benchLoad(o: LoadOptions): Promise<LoadFigure[]> {
  const figures: LoadFigure[] = [];
  for (const db of o.dbs) for (const n of o.counts) figures.push(await loadRun(o, db, n));
  return figures;
}
