/**
 * Runs after every other spec (the "leak-scan" project depends on them): the automated connect, the
 * share-link handoff, manual paste-back and the rest have run against the built portal. Searches
 * everything the portal served in them (every HTML page, RSC payload, server action answer, JSON
 * answer and redirect, the share pages among them, recorded by e2e/fixtures/test.ts), everything it
 * logged (the launcher's --log-file), its data folder byte by byte (the PGlite files: tables and WAL)
 * and a dump of every table, for every token and client secret value the emulator issued, the
 * portal's own secrets, every Vantage API token the Vantage emulator knows, and share link tokens
 * (which only their owner's answer may carry): no hit.
 * The secrets the portal makes and shows once (API keys, webhook signing secrets and their rotated
 * successors, told by the specs with `shownOnce`, and any signing secret seen in what was served) may
 * stand only in the one server action answer that showed them: anywhere else served, logged or stored
 * is a hit.
 * The search is shown able to fail: values known to be in each source are found, and a value planted
 * in each (a row in a copy of the database, a page served through the recorder) is found.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { emulatorUrl, portalDataDir, portalUrl, vantageControlUrl } from "../../playwright.config";
import {
  describeHits,
  filesUnder,
  issuedSecrets,
  scanForSecrets,
  type Needle,
  type Source,
} from "../../test/support/secret-scan";
import { expect, servedDir, shownOnceDir, test, type ServedEntry, type ShownOnce } from "../fixtures/test";

test.describe.configure({ timeout: 180_000 });

const dataDir = path.resolve(__dirname, "../..", portalDataDir);
const logFile = path.join(dataDir, "portal.log");
/** The portal's own configuration, kept in its data folder by design (mode 0600). */
const configFiles = new Set(["demo-client.json", "demo-secrets.json"]);

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(dataDir, file), "utf8")) as T;
}

function servedEntries(): ServedEntry[] {
  return fs
    .readdirSync(servedDir)
    .flatMap((file) => fs.readFileSync(path.join(servedDir, file), "utf8").split("\n"))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ServedEntry);
}

/** The secrets the specs were shown once (API keys, webhook signing secrets), each once. */
function shownOnceSecrets(): ShownOnce[] {
  if (!fs.existsSync(shownOnceDir)) return [];
  const all = fs
    .readdirSync(shownOnceDir)
    .flatMap((file) => fs.readFileSync(path.join(shownOnceDir, file), "utf8").split("\n"))
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ShownOnce);
  return [...new Map(all.map((s) => [s.value, s])).values()];
}

/** A server action's answer (a POST answered with an RSC payload): where a secret just made is shown. */
function isActionAnswer(e: ServedEntry) {
  return e.method === "POST" && e.contentType.startsWith("text/x-component");
}

/** Every table of a copy of the portal's database, row by row as text (compressed values included). */
async function dumpTables(copy: string): Promise<string> {
  const db = await PGlite.create({ dataDir: copy });
  try {
    const tables = await db.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const out: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await db.query<{ row: string }>(
        `SELECT t::text AS row FROM "${name.replace(/"/g, '""')}" t`,
      );
      out.push(`-- ${name} (${rows.rows.length})`, ...rows.rows.map((r) => r.row));
    }
    return out.join("\n");
  } finally {
    await db.close();
  }
}

/** A copy of the live database folder (the portal keeps it open; PGlite recovers the copy). */
function copyDatabase(): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "mca-leak-scan-"));
  fs.cpSync(path.join(dataDir, "db"), path.join(copy, "db"), { recursive: true });
  return path.join(copy, "db");
}

test("no token or secret is in anything the portal served, logged or stored", async ({ page, served }) => {
  // Recorder self-check: a page served through it (here, faked by the browser) is in the recording.
  const planted = `planted-${randomBytes(12).toString("hex")}`;
  await page.route(`${portalUrl}/__leak-scan-canary`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: `<p>${planted}</p>` }),
  );
  await page.goto(`${portalUrl}/__leak-scan-canary`);
  await served.flush();

  const entries = servedEntries();
  const issued = await issuedSecrets(emulatorUrl);
  // Asked now, with the first: after the long search below the emulator may have closed the connection.
  const tenants = (await (await fetch(`${emulatorUrl}/_emulator/tenants`)).json()) as {
    value: { id: string }[];
  };
  // Every Vantage API token the Vantage emulator knows: typed into a form once, never served back.
  const vantageState = (await (await fetch(`${vantageControlUrl}/state`)).json()) as {
    accounts: { tokens: { token: string }[] }[];
  };
  const vantageTokens: Needle[] = vantageState.accounts.flatMap((a) =>
    a.tokens.map((t) => ({ kind: "Vantage API token", value: t.token })),
  );
  expect(vantageTokens.length, "Vantage API tokens made").toBeGreaterThanOrEqual(1);
  const count = (kind: string) => issued.filter((n) => n.kind === kind).length;
  // The runs before this one connected for real: secrets and tokens were issued and used.
  expect(count("clientSecret"), "client secrets issued").toBeGreaterThanOrEqual(3);
  expect(count("accessToken"), "access tokens issued").toBeGreaterThan(10);
  expect(count("refreshToken"), "refresh tokens issued").toBeGreaterThan(3);

  const client = readJson<{ clientSecret: string }>("demo-client.json");
  const keys = readJson<{ sessionSecret: string; encryptionKey: string }>("demo-secrets.json");
  const portalSecrets: Needle[] = [
    { kind: "portal client secret", value: client.clientSecret },
    { kind: "session secret", value: keys.sessionSecret },
    { kind: "encryption key", value: keys.encryptionKey },
  ];
  const shareTokens = [
    ...new Set(
      entries.flatMap((e) => [...(e.body ?? "").matchAll(/\/s\/([A-Za-z0-9_-]{43})\b/g)].map((m) => m[1]!)),
    ),
  ].map((value) => ({ kind: "share link token", value }));
  expect(shareTokens.length, "share links were made and recorded").toBeGreaterThan(0);

  // What was recorded: pages, share pages, RSC payloads, action answers and JSON, all from the runs.
  const kinds = {
    "HTML page": entries.filter((e) => e.contentType.startsWith("text/html") && e.body),
    "share page": entries.filter((e) => /\/shared\/[^/?]+$/.test(new URL(e.url).pathname) && e.body),
    "RSC payload": entries.filter((e) => e.contentType.startsWith("text/x-component") && e.body),
    "server action answer": entries.filter(
      (e) => e.method === "POST" && e.contentType.startsWith("text/x-component") && e.body,
    ),
    "JSON answer": entries.filter((e) => e.contentType.startsWith("application/json") && e.body),
    redirect: entries.filter((e) => e.status >= 300 && e.status < 400),
  };
  for (const [kind, found] of Object.entries(kinds))
    expect(found.length, `${kind}s recorded`).toBeGreaterThan(0);
  // Bodies the browser dropped before they could be read: only next-auth's answers (a URL to go to,
  // which the page leaves for at once) and the pages the browser was redirected to after sign-in or a
  // share link's landing may be among them; everything else the recorder fetched itself.
  const unread = entries.filter((e) => e.bodyError && !(e.status >= 300 && e.status < 400));
  const asReceived = (e: ServedEntry) =>
    e.afterRedirect || /^\/(api\/auth|s)\//.test(new URL(e.url).pathname);
  expect(unread.filter((e) => !asReceived(e)).map((e) => `${e.method} ${e.url}: ${e.bodyError}`)).toEqual([]);
  expect(unread.length, "answers left unread").toBeLessThan(entries.length / 10);
  test.info().annotations.push({
    type: "served",
    description: `${entries.length} answers recorded, ${unread.length} left unread by the page: ${unread.map((e) => `${e.method} ${new URL(e.url).pathname}`).join(", ")}`,
  });

  const servedSource: Source = {
    name: "served",
    data: Buffer.from(
      entries
        .map((e) => `${e.method} ${e.url} ${e.status} ${JSON.stringify(e.headers)}\n${e.body ?? ""}`)
        .join("\n"),
    ),
  };
  const log: Source = { name: "portal log", data: fs.readFileSync(logFile) };
  const files = filesUnder(dataDir, (relative) => configFiles.has(relative));
  const copy = copyDatabase();
  const tables: Source = { name: "tables", data: Buffer.from(await dumpTables(copy)) };

  // Shown once: what the specs were shown, and any signing secret in what was served (a spec that made
  // one without telling). Each stands in exactly one answer, the server action's that made it.
  const registered = shownOnceSecrets();
  expect(
    registered.filter((s) => s.kind.startsWith("webhook signing secret")).length,
    "webhook signing secrets shown (made and rotated)",
  ).toBeGreaterThanOrEqual(2);
  expect(registered.filter((s) => s.kind === "API key").length, "API keys shown").toBeGreaterThanOrEqual(1);
  const seenSigning = new Set(
    entries.flatMap((e) => [...(e.body ?? "").matchAll(/whsec_[A-Za-z0-9+/]{43}=/g)].map((m) => m[0])),
  );
  const shown: Needle[] = [
    ...registered,
    ...[...seenSigning]
      .filter((value) => !registered.some((s) => s.value === value))
      .map((value) => ({ kind: "webhook signing secret (seen served)", value })),
  ].map((s, i) => ({ kind: `${s.kind} #${i + 1}`, value: s.value }));
  const entrySources: Source[] = entries.map((e, i) => ({
    name: `served #${i}: ${e.method} ${new URL(e.url).pathname} ${e.status} (${e.contentType || "no type"})`,
    data: Buffer.from(`${JSON.stringify(e.headers)}\n${e.body ?? ""}`),
  }));
  const shownHits = scanForSecrets(shown, entrySources);
  const outsideShownOnce = shown.flatMap((needle) => {
    const mine = shownHits.filter((h) => h.kind === needle.kind);
    const answers = [...new Set(mine.map((h) => h.source))];
    const index = (source: string) => Number(/^served #(\d+):/.exec(source)![1]);
    // The one place: a single server action answer. Every further answer holding it is a leak.
    const place = answers.find((source) => isActionAnswer(entries[index(source)]!));
    expect(place, `${needle.kind} was shown in a server action answer`).toBeDefined();
    return mine.filter((h) => h.source !== place);
  });

  const hits = [
    ...scanForSecrets(
      [...issued, ...portalSecrets, ...shareTokens, ...shown, ...vantageTokens],
      [log, tables, ...files],
    ),
    // A client secret revealed on the copy panel was issued by Azure and shown once: its one answer is
    // checked with the shown-once secrets above, every other place with them too.
    ...scanForSecrets(
      [
        ...issued.filter((n) => !registered.some((s) => s.value === n.value)),
        ...portalSecrets,
        ...vantageTokens,
      ],
      [servedSource],
    ),
    ...outsideShownOnce,
  ];
  expect(describeHits(hits)).toEqual([]);

  // The search can fail. What is known to be in each source is found there: the tenants that signed
  // in (database files and tables), the recorded canary page (served), the server's start-up line (log).
  const tenantIds = tenants.value.map((t) => ({ kind: "tenant id", value: t.id }));
  const knownInDb = scanForSecrets(tenantIds, [tables, ...files]);
  expect(knownInDb.some((h) => h.source === "tables")).toBe(true);
  expect(knownInDb.some((h) => h.source.startsWith(path.join(dataDir, "db")))).toBe(true);
  expect(scanForSecrets([{ kind: "canary", value: planted }], [servedSource])).toHaveLength(1);
  expect(log.data.toString()).toMatch(/MCA Connect listening on http:/);

  // And a value planted in a row of the database copy is found in its dump and in its files.
  const canary = `canary-${randomBytes(12).toString("hex")}`;
  const db = await PGlite.create({ dataDir: copy });
  await db.query(
    `UPDATE "Onboarding" SET "appDisplayName" = $1 WHERE id = (SELECT id FROM "Onboarding" LIMIT 1)`,
    [canary],
  );
  await db.close();
  const plantedTables: Source = { name: "tables", data: Buffer.from(await dumpTables(copy)) };
  const plantedHits = scanForSecrets(
    [{ kind: "canary", value: canary }],
    [plantedTables, ...filesUnder(copy)],
  );
  expect(plantedHits.some((h) => h.source === "tables")).toBe(true);
  expect(plantedHits.some((h) => h.source !== "tables")).toBe(true);
  fs.rmSync(path.dirname(copy), { recursive: true, force: true });
});

test("every spec records what the portal served (imports the recording `test`)", () => {
  const specs = fs
    .readdirSync(path.resolve(__dirname, ".."), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".spec.ts"));
  for (const spec of specs) {
    const source = fs.readFileSync(path.resolve(__dirname, "..", spec), "utf8");
    expect(source, spec).toMatch(/import \{[^}]*\btest\b[^}]*\} from "\.\.\/fixtures\/test"/);
  }
});
