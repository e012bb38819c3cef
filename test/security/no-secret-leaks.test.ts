/**
 * Secrets never leak, on the production engine: the three ways to connect run end to end through the
 * server actions and route handlers (an automated connect with a failing Azure call whose error body
 * echoes a token and a secret, then a redo of step 2; a share-link handoff to the billing account
 * owner; manual paste-back, first of another app's secret, then the right one), on PostgreSQL when
 * TEST_POSTGRES_URL is set (else a PGlite folder). Then a pg_dump (or the PGlite files), a dump of
 * every table, everything the portal logged, and every answer it gave are searched for every token
 * and client secret the emulator issued, and for the portal's own secrets: no hit. A value planted in
 * each of them is found, so the search can fail. The browser's view (HTML, RSC payloads, JSON, the
 * share pages, the portal's log file and data folder) is searched the same way by the Playwright
 * suite (e2e/security/secrets-never-leak.spec.ts).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control, sleep } from "@/emulator/test/helpers";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";
import { RedirectSignal, resetScope, scope } from "@/test/support/request-scope";
import {
  describeHits,
  filesUnder,
  issuedSecrets,
  scanForSecrets,
  type Needle,
  type Source,
} from "@/test/support/secret-scan";
import type { ActionResult } from "@/test/support/server-actions";
import { createPostgresDatabase, TEST_POSTGRES_URL } from "@/test/support/test-engines";

const logFile = vi.hoisted(() => {
  const file = `${process.env.TMPDIR ?? "/tmp"}/mca-leak-log-${process.pid}-${Date.now()}.jsonl`;
  process.env.MCA_TEST_LOG_FILE = file;
  return file;
});

vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCurrentUser: async () => (await import("@/test/support/request-scope")).scope.user,
}));
// The portal's own logger, with its own redaction, written to a file this test searches.
vi.mock("pino", async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import("pino").default }>()).default;
  const toFile = (options: Parameters<typeof real>[0]) =>
    real(options, real.destination({ dest: process.env.MCA_TEST_LOG_FILE!, sync: true }));
  return { default: Object.assign(toFile, real) };
});

const base = "http://localhost:3000";
type Actor = Awaited<ReturnType<Harness["signIn"]>>;

let harness: Harness;
let db: typeof import("@/lib/db");
let actions: typeof import("@/lib/actions/onboardings") &
  typeof import("@/lib/actions/share-links") &
  typeof import("@/lib/actions/manual");
let routes: {
  advance: typeof import("@/app/api/onboardings/[id]/advance/route");
  progress: typeof import("@/app/api/onboardings/[id]/progress/route");
  share: typeof import("@/app/s/[token]/route");
};
let database: { engine: "postgres" | "pglite"; url: string; drop?: () => Promise<void>; dir?: string };

/** Everything the portal answered, as a browser would have received it. */
const served: string[] = [];
/** Share link tokens: in the owner's answer by design, never in the database or the logs. */
const shareTokens: string[] = [];

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
}

async function act(
  user: Actor,
  action: (prev: null, data: FormData) => Promise<unknown>,
  fields: Record<string, string>,
  jar?: Map<string, string>,
): Promise<ActionResult & { redirect?: string }> {
  resetScope();
  scope.user = user;
  if (jar) scope.jar = jar;
  let result: ActionResult & { redirect?: string };
  try {
    result = (await action(null, form(fields))) as ActionResult;
  } catch (error) {
    if (!(error instanceof RedirectSignal)) throw error;
    result = { ok: true, redirect: error.url };
  }
  served.push(JSON.stringify(result));
  return result;
}

async function route<P extends Record<string, string>>(
  user: Actor,
  handler: (request: Request, context: { params: Promise<P> }) => Promise<Response>,
  url: string,
  params: P,
  init?: RequestInit,
  jar?: Map<string, string>,
) {
  resetScope();
  scope.user = user;
  if (jar) scope.jar = jar;
  const { NextRequest } = await import("next/server");
  const response = await handler(new NextRequest(url, init as never), { params: Promise.resolve(params) });
  const body = await response.text();
  served.push(`${response.status} ${JSON.stringify([...response.headers])} ${body}`);
  return { response, body };
}

/** Polls the advance route as the page's poller does, until nothing is due. */
async function advanceToRest(user: Actor, id: string, link?: { id: string; jar: Map<string, string> }) {
  for (let round = 0; round < 30; round++) {
    const query = link ? `?link=${link.id}` : "";
    const { response, body } = await route(
      user,
      routes.advance.POST,
      `${base}/api/onboardings/${id}/advance${query}`,
      { id },
      { method: "POST", headers: { origin: base } },
      link?.jar,
    );
    expect(response.status, body).toBe(200);
    const snapshot = JSON.parse(body) as { active: boolean; due: boolean; nextDueAt: string | null };
    await route(
      user,
      routes.progress.GET,
      `${base}/api/onboardings/${id}/progress${query}`,
      { id },
      {},
      link?.jar,
    );
    if (!snapshot.active) return;
    const wait = snapshot.nextDueAt ? new Date(snapshot.nextDueAt).getTime() - Date.now() : 0;
    await sleep(Math.max(20, Math.min(wait, 1_000)));
  }
  throw new Error("the onboarding did not come to rest");
}

async function status(id: string) {
  return db.db.onboarding.findUniqueOrThrow({ where: { id }, select: { status: true } });
}

/** An app registered by hand, as a person would in the Azure portal, with a secret. */
async function appByHand(tenant: SeedResult, name: string) {
  const emu = control(harness.emu);
  const token = await emu.token({
    tenantId: tenant.tenantId,
    user: tenant.users.admin!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All", "User.Read"],
  });
  const graph = (method: string, p: string, json: unknown) =>
    fetch(`${harness.emu.baseUrl}/graph/v1.0${p}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(json),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));
  const app = await graph("POST", "/applications", { displayName: name, signInAudience: "AzureADMyOrg" });
  const sp = await graph("POST", "/servicePrincipals", { appId: app.body.appId });
  const secret = await graph("POST", `/applications/${app.body.id}/addPassword`, {
    passwordCredential: { displayName: "by hand" },
  });
  expect([app.status, sp.status, secret.status]).toEqual([201, 201, 200]);
  return { appId: app.body.appId!, spId: sp.body.id!, secret: secret.body.secretText!, graphToken: token };
}

async function assignReaderByHand(tenant: SeedResult, principalId: string) {
  const token = await control(harness.emu).token({
    tenantId: tenant.tenantId,
    user: tenant.users.admin!.id,
    resource: "arm",
  });
  const account = `/providers/Microsoft.Billing/billingAccounts/${tenant.billingAccounts.mca!.name}`;
  const res = await fetch(
    `${harness.emu.baseUrl}/arm${account}/createBillingRoleAssignment?api-version=2024-04-01`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        principalId,
        principalTenantId: tenant.tenantId,
        roleDefinitionId: `${account}/billingRoleDefinitions/50000000-aaaa-bbbb-cccc-100000000002`,
      }),
    },
  );
  expect([200, 202]).toContain(res.status);
}

beforeAll(async () => {
  if (TEST_POSTGRES_URL) {
    const created = await createPostgresDatabase();
    const { applyMigrations } = await import("@/lib/db/migrations");
    await applyMigrations(created.url);
    database = { engine: "postgres", url: created.url, drop: created.drop };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mca-leak-db-"));
    database = { engine: "pglite", url: `pglite:${path.join(dir, "db")}`, dir };
  }
  harness = await startPortalHarness({ env: { DATABASE_URL: database.url, LOG_LEVEL: "debug" } });
  db = await import("@/lib/db");
  actions = {
    ...(await import("@/lib/actions/onboardings")),
    ...(await import("@/lib/actions/share-links")),
    ...(await import("@/lib/actions/manual")),
  };
  routes = {
    advance: await import("@/app/api/onboardings/[id]/advance/route"),
    progress: await import("@/app/api/onboardings/[id]/progress/route"),
    share: await import("@/app/s/[token]/route"),
  };
}, 120_000);

afterAll(async () => {
  await db?.closeDb();
  await harness?.emu.close();
  await database?.drop?.();
  if (database?.dir) fs.rmSync(database.dir, { recursive: true, force: true });
  fs.rmSync(logFile, { force: true });
});

describe(`secrets never leak (${TEST_POSTGRES_URL ? "PostgreSQL" : "PGlite; set TEST_POSTGRES_URL for PostgreSQL"})`, () => {
  let otherAppSecret = "";
  let echoedToken = "";

  it("manual mode: another app's secret is refused, the right one connects", async () => {
    const tenant = await control(harness.emu).seed({
      preset: "contoso",
      settings: { delays: DELAY_PROFILES.none },
    });
    const adele = await harness.signIn(tenant.users.admin!.userPrincipalName);
    const created = await act(adele, actions.createOnboardingAction, {
      appDisplayName: "vantage",
      secretExpiryMonths: "12",
      mode: "manual",
    });
    const id = /^\/onboardings\/([^/]+)\/manual$/.exec(created.redirect!)![1]!;
    const app = await appByHand(tenant, "vantage");
    const other = await appByHand(tenant, "someone else's app");
    await assignReaderByHand(tenant, app.spId);
    otherAppSecret = other.secret;
    echoedToken = other.graphToken;
    const fields = {
      onboardingId: id,
      tenantId: tenant.tenantId,
      clientId: app.appId,
      billingAccountId: tenant.billingAccounts.mca!.name,
    };
    // Entra refuses it; the portal waits a while in case it is new, then asks for another.
    await act(adele, actions.pasteCredentialsAction, { ...fields, clientSecret: other.secret });
    const step = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "verify" } },
    });
    expect(step.status).toBe("waiting");
    expect(JSON.stringify(step.error)).toMatch(/does not accept the secret yet/);
    const pasted = await act(adele, actions.pasteCredentialsAction, { ...fields, clientSecret: app.secret });
    expect(pasted.ok).toBe(true);
    await advanceToRest(adele, id);
    expect(await status(id)).toEqual({ status: "completed" });
  }, 120_000);

  it("automated: an Azure error echoing a token and a secret, a redo of step 2, connected", async () => {
    const tenant = await control(harness.emu).seed({
      preset: "contoso",
      settings: { delays: DELAY_PROFILES.none },
    });
    const adele = await harness.signIn(tenant.users.admin!.userPrincipalName);
    // Error bodies can echo what was sent: the portal must clean them before logging or showing them.
    await control(harness.emu).post("/faults", {
      method: "GET",
      path: "billingAccounts$",
      tenantId: tenant.tenantId,
      status: 400,
      code: "InvalidRequest",
      message: `Request had Authorization: Bearer ${echoedToken} and {"client_secret":"${otherAppSecret}"}`,
      count: 1,
    });
    const created = await act(adele, actions.createOnboardingAction, {
      appDisplayName: "vantage",
      secretExpiryMonths: "12",
      mode: "automated",
    });
    const id = /^\/onboardings\/([^/]+)$/.exec(created.redirect!)![1]!;
    await act(adele, actions.connectAction, { onboardingId: id });
    await advanceToRest(adele, id);
    const failed = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "billing-account" } },
    });
    expect(failed.status).toBe("needs_attention");
    // What the checklist shows for it, as the page would render it.
    expect(JSON.stringify(failed.error)).toContain("InvalidRequest");
    served.push(JSON.stringify(failed.error));
    await act(adele, actions.connectAction, { onboardingId: id });
    await advanceToRest(adele, id);
    expect(await status(id)).toEqual({ status: "completed" });
    await act(adele, actions.runStepAction, { onboardingId: id, stepId: "client-secret" });
    await advanceToRest(adele, id);
    expect(await status(id)).toEqual({ status: "completed" });
    const state = await control(harness.emu).state(tenant.tenantId);
    expect(state.created.passwordCredentials).toBe(2);
  }, 120_000);

  it("handoff: refused at step 4, the billing account owner finishes through an act link", async () => {
    const tenant = await control(harness.emu).seed({
      preset: "contoso",
      settings: { delays: DELAY_PROFILES.none },
    });
    const alex = await harness.signIn(tenant.users.appAdmin!.userPrincipalName);
    const created = await act(alex, actions.createOnboardingAction, {
      appDisplayName: "vantage",
      secretExpiryMonths: "12",
    });
    const id = /^\/onboardings\/([^/]+)$/.exec(created.redirect!)![1]!;
    await act(alex, actions.connectAction, { onboardingId: id });
    await advanceToRest(alex, id);
    const asked = await act(alex, actions.askBillingOwnerAction, { onboardingId: id });
    const url = (asked.data as { url: string }).url;
    const token = url.split("/s/")[1]!;
    shareTokens.push(token);
    const megan = await harness.signIn(tenant.users.billingOwner!.userPrincipalName);
    const jar = new Map<string, string>();
    const landing = await route(megan, routes.share.GET, url, { token }, {}, jar);
    const linkId = landing.response.headers.get("location")!.split("/shared/")[1]!;
    await act(megan, actions.connectAction, { onboardingId: id, shareLinkId: linkId }, jar);
    await advanceToRest(megan, id, { id: linkId, jar });
    expect(await status(id)).toEqual({ status: "completed" });
  }, 120_000);

  it("finds no issued token or secret in the database, its dump, the logs or the answers", async () => {
    const issued = await issuedSecrets(harness.emu.baseUrl);
    const count = (kind: string) => issued.filter((n) => n.kind === kind).length;
    expect(count("clientSecret")).toBeGreaterThanOrEqual(4);
    expect(count("accessToken")).toBeGreaterThan(5);
    expect(count("refreshToken")).toBeGreaterThanOrEqual(4);
    const portalSecrets: Needle[] = [
      { kind: "portal client secret", value: process.env.AZURE_AD_CLIENT_SECRET! },
      { kind: "session secret", value: process.env.SESSION_SECRET! },
      { kind: "encryption key", value: process.env.ENCRYPTION_KEY! },
    ];
    const links = shareTokens.map((value) => ({ kind: "share link token", value }));

    const sources = await collectSources();
    const answers: Source = { name: "answers", data: Buffer.from(served.join("\n")) };

    const hits = [
      ...scanForSecrets([...issued, ...portalSecrets, ...links], sources),
      ...scanForSecrets([...issued, ...portalSecrets], [answers]),
    ];
    expect(describeHits(hits)).toEqual([]);

    // The search can fail: a value planted in each place is found there, and what is known to be
    // there (the secrets' hints, the apps' ids) is found too, so each source was read in full.
    const canary = `canary-${Date.now().toString(36)}-0123456789abcdef`;
    const { log } = await import("@/lib/log");
    log.info({ note: canary }, "planted");
    const onboarding = await db.db.onboarding.findFirstOrThrow({ where: { clientId: { not: null } } });
    await db.db.onboarding.update({ where: { id: onboarding.id }, data: { appDisplayName: canary } });
    const planted = await collectSources();
    const found = scanForSecrets(
      [{ kind: "canary", value: canary }],
      [...planted, { ...answers, data: Buffer.from(canary) }],
    );
    const database = process.env.TEST_POSTGRES_URL ? "dump" : "pglite file";
    expect(new Set(found.map((hit) => hit.source.replace(/^pglite file .*/, "pglite file")))).toEqual(
      new Set([database, "tables", "log", "answers"]),
    );
    const known = scanForSecrets([{ kind: "client id", value: onboarding.clientId! }], planted);
    expect(new Set(known.map((hit) => hit.source.replace(/^pglite file .*/, "pglite file")))).toContain(
      "tables",
    );
  }, 120_000);
});

/** The database (a pg_dump, or PGlite's files), every table row by row, and the portal's log. */
async function collectSources(): Promise<Source[]> {
  const tables = await db.db.$queryRawUnsafe<{ table_name: string }[]>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
  );
  const rows: string[] = [];
  for (const { table_name } of tables) {
    const found = await db.db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`,
    );
    rows.push(`-- ${table_name}`, ...found.map((r) => r.row));
  }
  const sources: Source[] = [
    { name: "tables", data: Buffer.from(rows.join("\n")) },
    { name: "log", data: fs.readFileSync(logFile) },
  ];
  if (database.engine === "postgres") {
    const dump = execFileSync("pg_dump", ["--no-owner", "--dbname", database.url], { maxBuffer: 1 << 30 });
    sources.push({ name: "dump", data: dump });
  } else {
    // The files as they are on disk, closed cleanly so every change is in them; a query reopens.
    await db.closeDb();
    for (const file of filesUnder(database.dir!)) sources.push({ ...file, name: `pglite file ${file.name}` });
  }
  return sources;
}
