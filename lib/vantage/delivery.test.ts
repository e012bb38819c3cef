/**
 * Delivery to Vantage (issue 16, items 1-3) through the portal's real code, database and encryption,
 * against the Vantage emulator (emulator/vantage), which signs in as the app through the Azure emulator
 * as Vantage would. Each case ends with exactly one Vantage integration holding the connection's
 * current secret, or none and a message that says what to do: Vantage's faults (429, 500, a timeout, an
 * answer lost after Vantage made the integration), a bad or read-only token, a double click, a rotation
 * (the old integration deleted only once the new one imports) and a disconnect (none left).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import type { RunningEmulator } from "@/emulator/src/server";
import { registerPortal, sleep, startTestEmulator } from "@/emulator/test/helpers";
import { startVantageEmulator, type RunningVantageEmulator } from "@/emulator/vantage/src/server";
import { connectedOnboarding, secretOf, signsIn, type Connected } from "@/test/support/integrations";
import { connectPortal, type Harness } from "@/test/support/portal-harness";
import { resetScope, scope } from "@/test/support/request-scope";

vi.mock("@/lib/auth", async (importOriginal) => {
  const { scope } = await import("@/test/support/request-scope");
  return {
    ...(await importOriginal<typeof import("@/lib/auth")>()),
    getCurrentUser: async () => scope.user,
  };
});

/** Short, so a timeout case stays short; the adoption rule waits this plus its settling time. */
const requestTimeoutMs = 1_500;

let azure: RunningEmulator;
let vantage: RunningVantageEmulator;
const portal = {} as { current: Harness };
let delivery: typeof import("@/lib/vantage/delivery");
let actions: typeof import("@/lib/actions/destinations");
let lifecycle: typeof import("@/lib/integrations/manage");
let db: typeof import("@/lib/db");
const report: string[] = [];

beforeAll(async () => {
  azure = await startTestEmulator();
  vantage = await startVantageEmulator({
    port: 0,
    azure: { authorityHost: azure.baseUrl, armBase: `${azure.baseUrl}/arm` },
    delays: "test",
  });
  const app = await registerPortal(azure);
  portal.current = {
    emu: azure,
    ...(await connectPortal(azure.baseUrl, app, {
      VANTAGE_API_URL: vantage.url,
      VANTAGE_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    })),
  };
  delivery = await import("@/lib/vantage/delivery");
  actions = await import("@/lib/actions/destinations");
  lifecycle = await import("@/lib/integrations/manage");
  db = await import("@/lib/db");
}, 120_000);

afterAll(async () => {
  if (report.length) console.log(`Vantage as it saw them\n${report.join("\n")}`);
  await (await import("@/lib/db")).closeDb();
  await vantage?.close();
  await azure?.close();
});

beforeEach(async () => {
  resetScope();
  await fetch(`${vantage.controlUrl}/faults`, { method: "DELETE" });
});

type VantageState = {
  integrations: {
    token: string;
    accountId: string;
    tenant: string;
    app_id: string;
    password: string;
    status: string;
    error?: string;
    created_at: string;
    deleted_at: string | null;
    history: { status: string; at: string }[];
  }[];
  requests: { method: string; path: string; status: number; at: string }[];
};

async function vantageControl<T = unknown>(path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${vantage.controlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`Vantage control ${path}: ${r.status} ${await r.text()}`);
  return (r.status === 204 ? null : await r.json()) as T;
}

/** A Vantage account of its own for each case, with a write token and a read-only one. */
async function vantageAccount() {
  const made = await vantageControl<{
    accountId: string;
    tokens: { token: string; scope: string }[];
    workspaces: { token: string; name: string }[];
  }>("/accounts", {
    name: "Contoso on Vantage",
    tokens: [{ scope: "write" }, { scope: "read" }],
    workspaces: [{ name: "Production" }, { name: "Sandbox" }],
  });
  return {
    accountId: made.accountId,
    write: made.tokens[0]!.token,
    read: made.tokens[1]!.token,
    workspaces: made.workspaces,
  };
}

type Account = Awaited<ReturnType<typeof vantageAccount>>;

/** The account's Azure integrations Vantage holds now (deleted ones left out unless asked). */
async function held(account: Account, options: { deleted?: boolean } = {}) {
  const state = await vantageControl<VantageState>("/state");
  return state.integrations.filter(
    (i) => i.accountId === account.accountId && (options.deleted || i.deleted_at === null),
  );
}

function form(fields: Record<string, string | string[]>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields))
    for (const v of Array.isArray(value) ? value : [value]) data.append(key, v);
  return data;
}

/** A connected onboarding whose owner saved `token` and chose Vantage, both through the actions. */
async function connectedWithVantage(account: Account, token = account.write) {
  const w = await connectedOnboarding(portal);
  scope.user = w.actor;
  const saved = await actions.saveVantageTokenAction(null, form({ vantageToken: token }));
  const chosen = await actions.chooseDestinationsAction(
    null,
    form({ onboardingId: w.onboardingId, destination: ["vantage", "api"] }),
  );
  return { ...w, saved, chosen };
}

async function deliveryOf(w: Connected) {
  return db.db.delivery.findUniqueOrThrow({
    where: { onboardingId_destination: { onboardingId: w.onboardingId, destination: "vantage" } },
  });
}

type Row = Awaited<ReturnType<typeof deliveryOf>>;

/**
 * Runs the background job's rounds (as the portal's job would every 2 s, here as soon as a delivery is
 * due) until `done` says so; `each` sees every round. Fails with the last row when it never does.
 */
async function runUntil(
  w: Connected,
  done: (row: Row) => boolean,
  options: { maxMs?: number; each?: (row: Row) => Promise<void> } = {},
) {
  const until = Date.now() + (options.maxMs ?? 30_000);
  let row = await deliveryOf(w);
  while (Date.now() < until) {
    await delivery.runDueDeliveries(new Date());
    row = await deliveryOf(w);
    await options.each?.(row);
    if (done(row)) return row;
    const wait = row.nextAttemptAt ? row.nextAttemptAt.getTime() - Date.now() : 200;
    await sleep(Math.max(50, Math.min(wait, 500)));
  }
  throw new Error(`delivery did not settle: ${JSON.stringify({ ...row, timeline: row.timeline })}`);
}

const imported = (row: Row) => row.status === "delivered" && row.vantageStatus === "imported";

/** Exactly one integration, holding the connection's current secret, which signs in as the app. */
async function expectOneWorking(w: Connected, account: Account, row: Row) {
  const now = await held(account);
  expect(now).toHaveLength(1);
  const integration = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
  const secret = await secretOf(integration);
  expect(now[0]!.token).toBe(row.vantageIntegrationToken);
  expect(now[0]!.tenant).toBe(w.tenant.tenantId);
  expect(now[0]!.app_id).toBe(w.integration.clientId);
  expect(now[0]!.password).toBe(secret);
  expect(await signsIn(portal, w, now[0]!.password)).toBe("ok");
  expect(now[0]!.status).toBe("imported");
  return now[0]!;
}

function rel(at: string, from: number) {
  return `+${((Date.parse(at) - from) / 1000).toFixed(2)} s`;
}

describe("delivery to Vantage", () => {
  it("creates one Azure integration whose password signs in as the app, and a double click or a retry makes no second", async () => {
    const account = await vantageAccount();
    const w = await connectedWithVantage(account);
    expect(w.saved).toMatchObject({ ok: true, data: { workspaces: ["Production", "Sandbox"] } });
    expect(JSON.stringify(w.saved)).not.toContain(account.write);
    expect(w.chosen).toMatchObject({ ok: true });

    // The token is stored encrypted, bound to its user.
    const stored = await db.db.vantageToken.findUniqueOrThrow({ where: { userId: w.actor.id } });
    expect(JSON.stringify(stored)).not.toContain(account.write);

    const started = Date.now();
    const row = await runUntil(w, imported);
    const one = await expectOneWorking(w, account, row);
    // Put in the default workspace, the one chosen when the token was saved.
    expect(stored.workspaceTokens).toEqual([account.workspaces[0]!.token]);

    // "Try again" twice at once, and two rounds of the job at once: still the one integration.
    await Promise.all([
      actions.retryDestinationAction(null, form({ deliveryId: row.id })),
      actions.retryDestinationAction(null, form({ deliveryId: row.id })),
    ]);
    await Promise.all([delivery.runDueDeliveries(new Date()), delivery.runDueDeliveries(new Date())]);
    await runUntil(w, imported);
    expect((await held(account, { deleted: true })).map((i) => i.token)).toEqual([one.token]);

    // The audit record names the integration, never the token or the password.
    const audit = await db.db.auditEvent.findMany({ where: { onboardingId: w.onboardingId } });
    const text = JSON.stringify(audit);
    expect(text).toContain(one.token);
    expect(text).not.toContain(account.write);
    expect(text).not.toContain(one.password);

    const state = await vantageControl<VantageState>("/state");
    const calls = state.requests
      .filter((r) => Date.parse(r.at) >= started)
      .map((r) => `${r.method} ${r.path.split("?")[0]} ${r.status}`);
    report.push(
      `  delivery (started ${new Date(started).toISOString()}):`,
      ...one.history.map((h) => `    ${rel(h.at, started)} ${one.token} ${h.status}`),
      `    requests: ${[...new Set(calls)].join(", ")}`,
    );
  });

  it("refuses a read-only token or a revoked one when it is pasted, saying what to do, and creates nothing", async () => {
    const account = await vantageAccount();
    const w = await connectedOnboarding(portal);
    scope.user = w.actor;
    const readOnly = await actions.saveVantageTokenAction(null, form({ vantageToken: account.read }));
    expect(readOnly).toMatchObject({
      ok: false,
      message: expect.stringMatching(/may only read.*Write scope/),
    });
    expect(JSON.stringify(readOnly)).not.toContain(account.read);

    await vantageControl(`/tokens/${account.write}/revoke`, {});
    const revoked = await actions.saveVantageTokenAction(null, form({ vantageToken: account.write }));
    expect(revoked).toMatchObject({ ok: false, message: expect.stringMatching(/did not accept this token/) });

    // Choosing Vantage without a token says so.
    const chosen = await actions.chooseDestinationsAction(
      null,
      form({ onboardingId: w.onboardingId, destination: "vantage" }),
    );
    expect(chosen).toMatchObject({ ok: false, message: expect.stringMatching(/Paste a Vantage API token/) });
    expect(await db.db.vantageToken.count({ where: { userId: w.actor.id } })).toBe(0);
    expect(await db.db.delivery.count({ where: { onboardingId: w.onboardingId } })).toBe(0);
    expect(await held(account)).toHaveLength(0);
  });

  it("stops with a sentence when the saved token is later revoked or only reads, and resumes when a good one is pasted", async () => {
    const account = await vantageAccount();
    const w = await connectedOnboarding(portal);
    scope.user = w.actor;
    // A token that could write when saved, revoked before the delivery runs.
    const extra = await vantageControl<{ token: string }>(`/accounts/${account.accountId}/tokens`, {
      scope: "write",
    });
    expect(await actions.saveVantageTokenAction(null, form({ vantageToken: extra.token }))).toMatchObject({
      ok: true,
    });
    await actions.chooseDestinationsAction(
      null,
      form({ onboardingId: w.onboardingId, destination: "vantage" }),
    );
    await vantageControl(`/tokens/${extra.token}/revoke`, {});
    let row = await runUntil(w, (r) => r.status === "needs_attention");
    expect((row.error as { message: string }).message).toMatch(/refused the API token \(401\).*Write scope/);
    expect(await held(account)).toHaveLength(0);

    // A read-only token (Vantage did not say its scopes, as the document allows): refused at the create.
    const { saveVantageToken } = await import("@/lib/data/vantage-tokens");
    await saveVantageToken(w.actor, account.read, {
      defaultWorkspaceToken: null,
      workspaces: account.workspaces,
      scopes: null,
    });
    await actions.retryDestinationAction(null, form({ deliveryId: row.id }));
    row = await runUntil(
      w,
      (r) => r.status === "needs_attention" && (r.error as { kind?: string }).kind === "read-only",
    );
    expect((row.error as { message: string }).message).toMatch(/may only read \(403 on a change\)/);
    expect(JSON.stringify(row)).not.toContain(account.read);
    expect(await held(account)).toHaveLength(0);

    // The write token pasted: the delivery resumes by itself.
    expect(await actions.saveVantageTokenAction(null, form({ vantageToken: account.write }))).toMatchObject({
      ok: true,
    });
    row = await runUntil(w, imported);
    await expectOneWorking(w, account, row);
  });

  const faults: [string, Record<string, unknown>, RegExp | null][] = [
    [
      "429 with Retry-After",
      { method: "POST", path: "/integrations/azure", status: 429, retryAfter: 1 },
      /slow down \(429\)/,
    ],
    [
      "500 twice",
      { method: "POST", path: "/integrations/azure", status: 500, count: 2 },
      /not working right now \(HTTP 500\)/,
    ],
    ["503 on the look before the create", { method: "GET", path: "/integrations", status: 503 }, /HTTP 503/],
    // Vantage makes the integration but answers after our timeout: the next run finds it and adopts it.
    [
      "an answer slower than our timeout",
      { method: "POST", path: "/integrations/azure", latencyMs: requestTimeoutMs + 1_000, after: true },
      /did not answer within/,
    ],
    // The answer is lost after Vantage made it (as when the portal dies between Vantage's answer and our save).
    [
      "an answer lost after Vantage made it",
      { method: "POST", path: "/integrations/azure", drop: true, after: true },
      /could not be reached/,
    ],
    [
      "a timeout before Vantage acts",
      { method: "POST", path: "/integrations/azure", latencyMs: requestTimeoutMs + 1_000 },
      /did not answer within/,
    ],
  ];

  for (const [name, fault, said] of faults) {
    it(`ends with exactly one integration after ${name}`, async () => {
      const account = await vantageAccount();
      const w = await connectedWithVantage(account);
      await vantageControl("/faults", fault);
      const messages = new Set<string>();
      const row = await runUntil(w, imported, {
        maxMs: 45_000,
        each: async (r) => {
          const message = (r.error as { message?: string } | null)?.message;
          if (message) messages.add(message);
          // Never two at any moment.
          expect((await held(account)).length).toBeLessThanOrEqual(1);
        },
      });
      const one = await expectOneWorking(w, account, row);
      expect((await held(account, { deleted: true })).map((i) => i.token)).toEqual([one.token]);
      if (said)
        expect(
          [...messages].some((m) => said.test(m)),
          [...messages].join(" | "),
        ).toBe(true);
      for (const m of messages) {
        expect(m).not.toContain(account.write);
        expect(m).not.toContain(one.password);
      }
    }, 60_000);
  }
});

describe("the secret's life reaches Vantage", () => {
  it("a rotation makes a new integration with the new secret, and deletes the old one only once the new one imports", async () => {
    const account = await vantageAccount();
    const w = await connectedWithVantage(account);
    const first = await runUntil(w, imported);
    const old = await expectOneWorking(w, account, first);

    const started = Date.now();
    await lifecycle.startRotation(w.actor, w.integration.id);
    const rotated = await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } });
    expect(rotated.secretKeyId).not.toBe(w.integration.secretKeyId);
    const newSecret = await secretOf(rotated);

    const seen: string[] = [];
    const row = await runUntil(
      w,
      (r) => imported(r) && r.vantageIntegrationToken !== old.token && !r.retiringIntegrationToken,
      {
        each: async () => {
          const all = await held(account, { deleted: true });
          const next = all.find((i) => i.token !== old.token);
          const oldNow = all.find((i) => i.token === old.token)!;
          seen.push(`${oldNow.deleted_at ? "old deleted" : "old kept"}/${next?.status ?? "no new"}`);
          // The old one is never gone while the new one has not imported.
          if (oldNow.deleted_at) expect(next?.history.some((h) => h.status === "importing")).toBe(true);
        },
      },
    );
    const now = await expectOneWorking(w, account, row);
    expect(now.password).toBe(newSecret);
    expect(now.token).not.toBe(old.token);
    const all = await held(account, { deleted: true });
    expect(all).toHaveLength(2);
    const oldAfter = all.find((i) => i.token === old.token)!;
    const importingAt = now.history.find((h) => h.status === "importing")!.at;
    // Vantage's deleted_at has whole seconds; the control API's history has milliseconds.
    const importingSecond = Math.floor(Date.parse(importingAt) / 1000) * 1000;
    expect(Date.parse(oldAfter.deleted_at!)).toBeGreaterThanOrEqual(importingSecond);
    expect(seen.some((s) => s.startsWith("old kept/"))).toBe(true);

    report.push(
      `  rotation (started ${new Date(started).toISOString()}):`,
      ...now.history.map((h) => `    ${rel(h.at, started)} new ${now.token} ${h.status}`),
      `    ${rel(oldAfter.deleted_at!, started)} old ${old.token} deleted`,
    );
  });

  it("a rotation whose new integration Vantage reports in error keeps the old one importing; Try again replaces it", async () => {
    const account = await vantageAccount();
    const w = await connectedWithVantage(account);
    const old = await expectOneWorking(w, account, await runUntil(w, imported));
    await lifecycle.startRotation(w.actor, w.integration.id);
    const newSecret = await secretOf(
      await db.db.integration.findUniqueOrThrow({ where: { id: w.integration.id } }),
    );

    // Entra refuses Vantage's sign-in with the new secret (as it would a secret not yet valid everywhere).
    const tokenFault = await fetch(`${azure.baseUrl}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        method: "POST",
        path: `^/${w.tenant.tenantId}/oauth2/v2.0/token$`,
        tenantId: w.tenant.tenantId,
        status: 401,
        code: "invalid_client",
        message: "AADSTS7000215: Invalid client secret provided.",
        count: 3,
      }),
    });
    expect(tokenFault.ok).toBe(true);
    let row = await runUntil(w, (r) => r.status === "needs_attention");
    expect(row.nextStatus).toBe("error");
    expect((row.error as { message: string }).message).toMatch(
      /could not import with the new secret\. The previous integration keeps importing/,
    );
    let all = await held(account);
    expect(all.map((i) => [i.token === old.token ? "old" : "new", i.status]).sort()).toEqual([
      ["new", "error"],
      ["old", "imported"],
    ]);
    await fetch(`${azure.baseUrl}/_emulator/faults`, { method: "DELETE" });

    await actions.retryDestinationAction(null, form({ deliveryId: row.id }));
    row = await runUntil(
      w,
      (r) => imported(r) && r.vantageIntegrationToken !== old.token && !r.retiringIntegrationToken,
    );
    const now = await expectOneWorking(w, account, row);
    expect(now.password).toBe(newSecret);
    all = await held(account, { deleted: true });
    // The old one, the one in error, and the new one that imports: only the last is left.
    expect(all).toHaveLength(3);
    expect(all.filter((i) => i.deleted_at === null).map((i) => i.token)).toEqual([now.token]);
  });

  it("a disconnect deletes the Vantage integration: none left", async () => {
    const account = await vantageAccount();
    const w = await connectedWithVantage(account);
    await runUntil(w, imported);
    expect(await held(account)).toHaveLength(1);
    await lifecycle.startDisconnect(w.actor, w.integration.id, "vantage");
    const row = await runUntil(w, (r) => r.status === "removed");
    expect(await held(account)).toHaveLength(0);
    expect(row.vantageIntegrationToken).toBeNull();
    const audit = await db.db.auditEvent.findMany({
      where: { onboardingId: w.onboardingId, action: "Delete Vantage integration (disconnect)" },
    });
    expect(audit).toHaveLength(1);
  });
});
