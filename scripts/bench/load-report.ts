/** The load part's table and its section of BENCHMARKS.md (figures from scripts/bench/load.ts). */
import { stepKinds, type Db, type LoadFigure, type Percentiles } from "./load";

const pct = (p: Percentiles) => `${p.p50} / ${p.p95} / ${p.p99}`;
const sec = (ms: number) => (ms / 1000).toFixed(1);
const dbName = (db: Db) => (db === "pglite" ? "PGlite" : "PostgreSQL");

/** The load table (markdown), for the printed table and BENCHMARKS.md. */
export function renderLoadTable(figures: LoadFigure[]): string {
  if (!figures.length) return "";
  const first = figures[0]!;
  return [
    `Load (${first.date.slice(0, 10)}): N people at once, each in a tenant of their own, through the portal's ` +
      `HTTP interface, Azure latency L=${first.latencyMs} ms. Portal's own time per step in ms, p50 / p95 / p99 ` +
      "(sign-in: its portal requests together; poll, advance, refresh: each request):",
    "",
    "| DB | N | Connected | errors | Connect → Connected p50 / p95 (s) | sign-in | start | connect | poll | advance | refresh | peak RSS (MiB) | CPU s / onboarding | portal cores used | load average |",
    "| -- | -: | -: | -: | -: | -: | -: | -: | -: | -: | -: | -: | -: | -: | -: |",
    ...figures.map(
      (f) =>
        `| ${dbName(f.db)} | ${f.concurrent} | ${f.connected} | ${f.errors} | ` +
        `${sec(f.connectToConnectedMs.p50)} / ${sec(f.connectToConnectedMs.p95)} | ` +
        stepKinds.map((k) => (f.ownMs[k].n ? pct(f.ownMs[k]) : "–")).join(" | ") +
        ` | ${f.peakRssMiB} | ${f.cpuSecondsPerOnboarding.toFixed(2)} | ${f.portalCores.toFixed(2)} | ` +
        `${f.loadAverage} / ${f.cpus} CPUs |`,
    ),
  ].join("\n");
}

/** Where Connect → Connected (p50) first exceeds 1.5× its value at the smallest N, if it does. */
function bend(runs: LoadFigure[]): string {
  const base = runs[0]!;
  const past = runs.find((f) => f.connectToConnectedMs.p50 > 1.5 * base.connectToConnectedMs.p50);
  if (!past) return `stays within 1.5× of N=${base.concurrent}'s up to N=${runs.at(-1)!.concurrent}`;
  const before = runs[runs.indexOf(past) - 1]!;
  return `bends between N=${before.concurrent} and N=${past.concurrent}`;
}

function summary(db: Db, runs: LoadFigure[]): string {
  const base = runs[0]!;
  const top = runs.at(-1)!;
  // One core does 1 / (CPU s per onboarding) onboardings a second; each takes about base's Connect →
  // Connected, so about this many at once keep one core busy.
  const perCore = (base.connectToConnectedMs.p50 / 1000 / base.cpuSecondsPerOnboarding).toFixed(0);
  return (
    `- ${dbName(db)}: Connect → Connected p50 ${runs.map((f) => `${sec(f.connectToConnectedMs.p50)} s at N=${f.concurrent}`).join(", ")}: it ${bend(runs)}. ` +
    `The connect step's own time p50 goes from ${base.ownMs.connect.p50} to ${top.ownMs.connect.p50} ms, a poll's from ` +
    `${base.ownMs.poll.p50} to ${top.ownMs.poll.p50} ms. ${top.errors} errors at N=${top.concurrent}. ` +
    `CPU ${base.cpuSecondsPerOnboarding.toFixed(2)} s per onboarding at N=${base.concurrent} ` +
    `(${top.cpuSecondsPerOnboarding.toFixed(2)} at N=${top.concurrent}), so about ${perCore} onboardings at once keep ` +
    `one core busy; the portal used ${top.portalCores.toFixed(2)} cores at N=${top.concurrent}. Peak RSS ` +
    `${base.peakRssMiB} → ${top.peakRssMiB} MiB.` +
    (top.dbStatementsPerOnboarding
      ? ` ${top.dbStatementsPerOnboarding} database transactions per onboarding.`
      : "")
  );
}

/** BENCHMARKS.md's section on load: how it is measured, where the curve bends and why. */
export function loadNotes(figures: LoadFigure[] | undefined): string {
  if (!figures?.length) return "";
  const dbs = [...new Set(figures.map((f) => f.db))];
  const lines = dbs.map((db) =>
    summary(
      db,
      figures.filter((f) => f.db === db).sort((a, b) => a.concurrent - b.concurrent),
    ),
  );
  const busy = Math.max(...figures.map((f) => f.loadAverage));
  const pg = figures.filter((f) => f.db === "postgres").sort((a, b) => a.concurrent - b.concurrent);
  const lite = figures.filter((f) => f.db === "pglite").sort((a, b) => a.concurrent - b.concurrent);
  const pgTransactions = pg.at(-1)?.dbStatementsPerOnboarding
    ? `about ${pg.at(-1)!.dbStatementsPerOnboarding} transactions (at N=${pg.at(-1)!.concurrent})`
    : "about a hundred";
  const topPg = pg.at(-1);
  const topLite = lite.find((f) => f.concurrent === topPg?.concurrent);
  const verdict =
    topPg && topLite
      ? topPg.connectToConnectedMs.p50 > topLite.connectToConnectedMs.p50
        ? `In this run that queue made PostgreSQL the slower of the two at N=${topPg.concurrent} (${sec(topPg.connectToConnectedMs.p50)} s against PGlite's ${sec(topLite.connectToConnectedMs.p50)} s).`
        : `In this run PostgreSQL was the faster at N=${topPg.concurrent} (${sec(topPg.connectToConnectedMs.p50)} s against PGlite's ${sec(topLite.connectToConnectedMs.p50)} s).`
      : "";
  return `
## Load: where the curve bends, and why

Each of N people has an emulator tenant of their own (\`POST /_emulator/scenarios/batch\`: a Global
Administrator who owns an MCA billing account) and goes through the production build as a browser
would (scripts/bench/load-user.ts): the home page, next-auth's sign-in through the emulator's account
picker and consent page, "Start a new onboarding" and "Connect" as the pages' server actions (the ids read
from the forms' server-rendered HTML), then the checklist's poller: the progress route as the page asks it
(each look waits at the server for the next change), the advance route when a step is due, an RSC
refresh when the fingerprint changes, until Connected. All N
start together, on a freshly started portal and emulator, after one unmeasured onboarding warms it up.

The portal's own time of a request is its wall time minus the time the person's onboarding waited on
Azure meanwhile: from the tenant's request log (each answer's end and duration), the union of the Azure
calls' intervals and, after a refused call (a poll while Azure replicates), the engine's planned 250 ms
sleep before trying again; for a look at the progress, the time it idled at the server waiting for a
change (its Server-Timing). What remains is the portal's work, its database, and its waiting for a CPU or a
connection. CPU seconds (utime + stime) and peak RSS (VmHWM) are the \`next start\` process's, from
/proc; on PGlite they include the database, on PostgreSQL not (the server's processes are apart).

${lines.join("\n")}

Why: Connect answers at once and the steps run after the answer, in the same process, while the
checklist's looks wait at the server for each change. With a free CPU an onboarding is Connected about
4 s after Connect at L=${figures[0]!.latencyMs} ms. The portal is one Node.js thread; once N people need
more than one core's worth of CPU in those seconds, every request, step and page render queues for the
thread: the curve bends where N × CPU per onboarding ≈ one core × an onboarding's duration (here near
N = 10: about 0.5 to 0.85 CPU seconds each, over about 4 s). On **PGlite** the database is
WebAssembly on that same thread, one connection: every query waits for the thread and for the query
ahead of it, and a transaction (the fenced save of a step's Azure ids) holds the connection across its
round trips; a CPU profile of 30 onboardings at once showed about 30% of the thread in PGlite and 13% in
Prisma's query interpreter. Its WebAssembly heap is most of the peak RSS. **PostgreSQL** runs the
queries in server processes, over a pool of connections (node-pg's default: 10): the portal's thread
keeps only the JavaScript, so on a free machine its CPU per onboarding drops and the bend moves to where
that thread alone is full (Next's own cost per request, about 5 ms of CPU even for a JSON route, and the
RSC renders). But every query is now a round trip between two processes, and an onboarding makes
${pgTransactions} of them, most one after another: when the CPUs are oversubscribed, each round trip waits
for the scheduler twice, the ten connections are held that much longer, and the whole load queues for
them (Connect → Connected p50 and p95 nearly equal: everyone waits in the same queue). ${verdict}
Fewer statements per onboarding (listSteps after each step, the token cache read before each Azure
token, the user row on every request) would help both. Beyond one instance PostgreSQL is what lets a
second portal share the load (leases make the steps and the runner safe in several processes), which
PGlite, one process's folder, cannot.
${busy > 2 * figures[0]!.cpus ? `\nThese figures were taken on a busy machine (load average up to ${busy} on ${figures[0]!.cpus} CPUs): the portal got a fraction of a core, so the bend shows earlier and the times are longer than on a quiet one.\n` : ""}`;
}
