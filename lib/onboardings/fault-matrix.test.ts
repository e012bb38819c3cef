/**
 * The fault matrix (issue #8): every Azure call the automated onboarding makes, under each fault Azure
 * can throw at it, through the portal's real code (MSAL broker, Graph and ARM clients, engine, embedded
 * database) against the emulator. Every case must end connected (after retries) or stopped with a
 * message that says what to do, and Azure must hold exactly one app, service principal, secret and
 * role assignment (fewer when it stopped before making them). Prints the matrix at the end.
 *
 * Each case seeds its own tenant, so cases run side by side; a fault is scoped to its case's tenant and
 * armed once the steps before the faulted call are done, so it hits that call and no other. A delay
 * counts from the first request that meets it (the emulator's delaysFrom "first-request"), so each delay
 * case meets its delay however busy the machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ScenarioSpec, SeedResult } from "@/emulator/src/scenario";
import type { RunningEmulator } from "@/emulator/src/server";
import { control, sleep } from "@/emulator/test/helpers";
import { stepIds, type StepId } from "@/lib/onboardings/catalog";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

/** The portal's Azure request timeout in this run (AZURE_REQUEST_TIMEOUT_MS); the timeout fault exceeds it. */
const requestTimeoutMs = 4_000;
process.env.AZURE_REQUEST_TIMEOUT_MS = String(requestTimeoutMs);

type Modules = {
  engine: typeof import("@/lib/onboardings/engine");
  onboardings: typeof import("@/lib/data/onboardings");
  db: typeof import("@/lib/db");
};

let harness: Harness;
let emu: RunningEmulator;
let m: Modules;

const noDelays = {
  appReplicationMs: 0,
  secretActivationMs: 0,
  billingPrincipalReplicationMs: 0,
  billingRolePropagationMs: 0,
};

type Call = {
  id: string;
  label: string;
  method: string;
  path: string;
  step: StepId;
  /** Whose token the call carries: the signed-in person's, the new app's, or none (the token call). */
  token: "delegated" | "app" | "none";
  /** A refusal as the service words it. */
  forbidden: { code: string; message: string };
  /** What a 403 must end in: connected (the portal has a way around it), or stopped saying this. */
  on403: "connected" | RegExp;
};

const graphDenied = {
  code: "Authorization_RequestDenied",
  message: "Insufficient privileges to complete the operation.",
};
const armDenied = (action: string) => ({
  code: "AuthorizationFailed",
  message: `The client does not have authorization to perform action '${action}' over scope '/providers/Microsoft.Billing/billingAccounts' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
});
const appAdminRoles = /Application Administrator/;
const billingOwner = /Billing account owner/;

const calls: Call[] = [
  {
    id: "create-app",
    label: "create app (PATCH applications(uniqueName))",
    method: "PATCH",
    path: "/applications\\(uniqueName=",
    step: "app-registration",
    token: "delegated",
    forbidden: graphDenied,
    on403: appAdminRoles,
  },
  {
    id: "create-sp",
    label: "create service principal",
    method: "PATCH",
    path: "/servicePrincipals\\(appId=",
    step: "app-registration",
    token: "delegated",
    forbidden: graphDenied,
    on403: appAdminRoles,
  },
  {
    id: "add-secret",
    label: "add secret (addPassword)",
    method: "POST",
    path: "/addPassword$",
    step: "client-secret",
    token: "delegated",
    forbidden: graphDenied,
    on403: appAdminRoles,
  },
  {
    id: "list-accounts",
    label: "list billing accounts",
    method: "GET",
    path: "/billingAccounts$",
    step: "billing-account",
    token: "delegated",
    forbidden: armDenied("Microsoft.Billing/billingAccounts/read"),
    on403: /billing role|Billing account (owner|reader)/i,
  },
  {
    id: "role-definitions",
    label: "role definitions",
    method: "GET",
    path: "/billingRoleDefinitions$",
    step: "role-assignment",
    token: "delegated",
    forbidden: armDenied("Microsoft.Billing/billingAccounts/billingRoleDefinitions/read"),
    on403: "connected", // the documented id of Billing account reader stands in
  },
  {
    id: "list-roles",
    label: "list role assignments",
    method: "GET",
    path: "/billingRoleAssignments$",
    step: "role-assignment",
    token: "delegated",
    forbidden: armDenied("Microsoft.Billing/billingAccounts/billingRoleAssignments/read"),
    on403: billingOwner,
  },
  {
    id: "assign-role",
    label: "assign role (createBillingRoleAssignment)",
    method: "POST",
    path: "/createBillingRoleAssignment$",
    step: "role-assignment",
    token: "delegated",
    forbidden: armDenied("Microsoft.Billing/billingAccounts/createBillingRoleAssignment/action"),
    on403: billingOwner,
  },
  {
    id: "app-token",
    label: "token as the new app",
    method: "POST",
    path: "/oauth2/v2\\.0/token$",
    step: "verify",
    token: "none",
    forbidden: {
      code: "53003",
      message:
        "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
    },
    on403: /Conditional Access|administrator/i,
  },
  {
    id: "billing-read",
    label: "billing read (as the app)",
    method: "GET",
    path: "/billingAccounts/[^/]+$",
    step: "verify",
    token: "app",
    forbidden: armDenied("Microsoft.Billing/billingAccounts/read"),
    on403: /Billing account reader/,
  },
  {
    id: "cost-query",
    label: "cost query (as the app)",
    method: "POST",
    path: "/providers/Microsoft\\.CostManagement/query$",
    step: "verify",
    token: "app",
    forbidden: armDenied("Microsoft.CostManagement/query/action"),
    on403: /Billing account reader/,
  },
];

type FaultKind = "429" | "500" | "503" | "timeout" | "drop" | "expired token" | "403";
const faultKinds: FaultKind[] = ["429", "500", "503", "timeout", "drop", "expired token", "403"];

/** The emulator fault for a kind; timeout and drop let the service act first (the answer is what is lost). */
function faultFor(kind: FaultKind, call: Call): Record<string, unknown> | null {
  switch (kind) {
    case "429":
      return { status: 429, retryAfter: 1, count: 1 };
    case "500":
      return { status: 500, count: 1 };
    case "503":
      return { status: 503, count: 1 };
    case "timeout":
      return { after: true, latencyMs: requestTimeoutMs + 5_000, count: 1 };
    case "drop":
      return { after: true, drop: true, count: 1 };
    case "expired token":
      // The tenant's tokens expire as the call arrives: the one it carries, and the ones MSAL cached.
      return call.token === "none" ? null : { expireTokens: true, latencyMs: 1_100, count: 1 };
    case "403":
      return { status: 403, ...call.forbidden, count: 0 };
  }
}

/** The steps done, without faults, before the faulted call's step runs: every step before it. */
function stepsBefore(step: StepId): StepId[] {
  return stepIds.slice(0, stepIds.indexOf(step));
}

/** Words that would tell a person nothing about this case: the engine's fallbacks and raw fault texts. */
const genericTexts = [
  "Sign in again, then run the step again.",
  "Your account lacks the rights for this step: ask an administrator, or share the onboarding with someone who has them.",
  "Azure is still catching up; run the step again in a minute.",
  "Azure had a temporary problem; run the step again.",
  "Check the values above and run the step again.",
  "Run the step again; if it keeps failing, check the audit log below for Azure's request id.",
  "Try again; if it keeps failing, check the steps above.",
  "The request failed (injected fault).",
  "The service is temporarily unavailable. Please retry the request.",
];

type Outcome = {
  connected: boolean;
  attempts: number;
  text: string;
  stoppedAt?: string;
  message?: string;
  action?: string;
  afterPatience?: boolean;
  azure: { apps: number; sps: number; secrets: number; readers: number; storedSecretUsable: boolean };
  onboardingSaved: { app: boolean; sp: boolean; secret: boolean; role: boolean };
  faultSeen: boolean;
};

type Case = {
  name: string;
  call?: Call;
  fault?: FaultKind;
  /** For a delay: the call that must have been refused while Azure caught up. */
  watch?: string;
  /**
   * For a delay: other requests whose refusal meets the same window when the run reaches them first
   * (under load a create may time out and be retried, and the retry reads the new object back).
   */
  alsoMeets?: { method: string; path: string }[];
  delays?: Partial<typeof noDelays>;
  expect: "connected" | RegExp;
};

type TenantState = {
  applications: { passwordCredentials: { keyId: string }[] }[];
  servicePrincipals: { id: string }[];
  billingAccounts: { roleAssignments: { principalId: string; roleDefinitionId: string }[] }[];
  requests: { time: string; method: string; path: string; status: number; route: string }[];
};

async function tenantState(tenantId: string): Promise<TenantState> {
  return (await control(emu).state(tenantId)) as TenantState;
}

async function seedTenant(delays: Partial<typeof noDelays> = {}): Promise<SeedResult> {
  const spec: ScenarioSpec = {
    preset: "contoso",
    settings: { delays: { ...noDelays, ...delays }, delaysFrom: "first-request" },
  };
  return control(emu).seed(spec);
}

async function stepsOf(id: string) {
  return m.db.db.onboardingStep.findMany({ where: { onboardingId: id } });
}

type Actor = Awaited<ReturnType<Harness["signIn"]>>;

/**
 * Advances like the page's poller until nothing is due. A step that keeps waiting on a refusal Azure
 * may still lift (a new role taking effect: minutes) has its patience run out: its start is moved back.
 */
async function runToRest(actor: Actor, id: string, options: { exhaustPatience: boolean; limitMs: number }) {
  const stop = Date.now() + options.limitMs;
  let afterPatience = false;
  for (;;) {
    await m.engine.advance(actor, id, { budgetMs: 4_000 });
    const steps = await stepsOf(id);
    const next = m.engine.nextDueAt(steps);
    if (!next || Date.now() > stop) return { afterPatience, resting: !next };
    const waiting = steps.find((s) => s.status === "waiting" && s.startedAt);
    if (
      options.exhaustPatience &&
      !afterPatience &&
      waiting &&
      waiting.attempts >= 2 &&
      !/temporary problem/.test(JSON.stringify(waiting.error))
    ) {
      afterPatience = true;
      await m.db.db.onboardingStep.update({
        where: { onboardingId_stepId: { onboardingId: id, stepId: waiting.stepId } },
        data: { startedAt: new Date(Date.now() - 3_600_000), nextAttemptAt: new Date() },
      });
      continue;
    }
    await sleep(Math.max(0, Math.min(next.getTime() - Date.now(), 1_000)) + 10);
  }
}

async function queueAndRun(actor: Actor, id: string, which: StepId | "remaining", exhaustPatience = false) {
  await m.engine.queueSteps(actor, id, which);
  return runToRest(actor, id, { exhaustPatience, limitMs: 90_000 });
}

async function runCase(kase: Case): Promise<Outcome> {
  const tenant = await seedTenant(kase.delays);
  const actor = await harness.signIn(tenant.users.admin!.userPrincipalName);
  const { id } = await m.onboardings.createOnboarding(actor, {
    appDisplayName: "vantage",
    secretExpiryMonths: 12,
  });
  const call = kase.call;
  const fault = call && kase.fault ? faultFor(kase.fault, call) : null;
  let armedAt = new Date(0);
  let faultId: string | undefined;

  if (call && fault) {
    // The steps before the faulted call's step, done without faults.
    for (const step of stepsBefore(call.step)) await m.engine.queueSteps(actor, id, step);
    if (stepsBefore(call.step).length > 0) {
      await runToRest(actor, id, { exhaustPatience: false, limitMs: 60_000 });
      const before = await stepsOf(id);
      for (const step of stepsBefore(call.step))
        expect(before.find((s) => s.stepId === step)?.status, `${kase.name}: ${step} before the fault`).toBe(
          "done",
        );
    }
    armedAt = new Date();
    const added = await control(emu).post("/faults", {
      method: call.method,
      path: call.path,
      tenantId: tenant.tenantId,
      ...fault,
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    faultId = (added.body as { id: string }).id;
  }

  // The faulted call's step runs alone (nothing else of the tenant's is in flight when its tokens
  // expire), then, if it got through, the rest.
  let afterPatience = false;
  if (call) afterPatience = (await queueAndRun(actor, id, call.step, kase.fault === "403")).afterPatience;
  const target = (await stepsOf(id)).find((s) => s.stepId === call?.step);
  if (!call || target?.status === "done")
    afterPatience ||= (await queueAndRun(actor, id, "remaining", kase.fault === "403")).afterPatience;
  let hits = 0;
  if (faultId) {
    const faults = (await control(emu).get("/faults")).body as { value: { id: string; hits: number }[] };
    hits = faults.value.find((f) => f.id === faultId)?.hits ?? 0;
    await control(emu).del(`/faults/${faultId}`);
  }

  const view = await m.onboardings.getOnboardingOrThrow(actor, id);
  const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
  const state = await tenantState(tenant.tenantId);
  const sp = state.servicePrincipals[0];
  const readers = state.billingAccounts
    .flatMap((a) => a.roleAssignments)
    .filter(
      (a) =>
        sp && a.principalId === sp.id && /50000000-aaaa-bbbb-cccc-100000000002$/.test(a.roleDefinitionId),
    );
  const secrets = state.applications.flatMap((a) => a.passwordCredentials);

  let attempts = 0;
  let faultSeen = false;
  const counted = call ?? calls.find((c) => c.id === kase.watch);
  if (counted) {
    const regex = new RegExp(counted.path, "i");
    const logged = state.requests.filter(
      (r) => r.method === counted.method && regex.test(r.path) && new Date(r.time) >= armedAt,
    );
    // An answer held past the client's timeout, or dropped, leaves no log line (nobody received it);
    // one the client waited for is logged as held.
    const held = logged.filter((r) => /answer held by fault/.test(r.route)).length;
    const unlogged = kase.fault === "timeout" || kase.fault === "drop" ? hits - held : 0;
    attempts = logged.length + unlogged;
    // The tokens expired as the call arrived (hits). Its 401 is logged unless the client gave up first:
    // on a loaded machine the fault's hold can outlast the client's timeout, and the answer has no reader.
    if (kase.fault === "expired token") faultSeen = logged.some((r) => r.status === 401) || hits > 0;
    else if (kase.fault === "timeout" || kase.fault === "drop") faultSeen = unlogged > 0;
    else faultSeen = logged.some((r) => r.status >= 400); // a fault's answer, or Azure catching up
  }
  for (const other of kase.alsoMeets ?? []) {
    const regex = new RegExp(other.path, "i");
    faultSeen ||= state.requests.some(
      (r) => r.method === other.method && regex.test(r.path) && r.status >= 400,
    );
  }

  const stopped = view.steps.find((s) => s.status === "needs_attention");
  const error = (stopped?.error ?? {}) as { message?: string; action?: string };
  const connected = view.status === "completed";
  const text = connected
    ? `connected after ${attempts} attempt${attempts === 1 ? "" : "s"}`
    : stopped
      ? `stopped${afterPatience ? " (after Azure's patience)" : ""} at ${stopped.stepId}: ${error.message} ${error.action ?? ""}`.trim()
      : `NOT AT REST: ${view.steps.map((s) => `${s.stepId}=${s.status}`).join(", ")}`;
  return {
    connected,
    attempts,
    text,
    stoppedAt: stopped?.stepId,
    message: error.message,
    action: error.action,
    afterPatience,
    azure: {
      apps: state.applications.length,
      sps: state.servicePrincipals.length,
      secrets: secrets.length,
      readers: readers.length,
      storedSecretUsable: Boolean(row.secretKeyId && secrets.some((s) => s.keyId === row.secretKeyId)),
    },
    onboardingSaved: {
      app: Boolean(row.applicationObjectId),
      sp: Boolean(row.servicePrincipalId),
      secret: Boolean(row.secretCiphertext),
      role: Boolean(row.roleAssignmentId),
    },
    faultSeen,
  };
}

const matrixCases: Case[] = calls.flatMap((call) =>
  faultKinds
    .filter((fault) => faultFor(fault, call) !== null)
    .map((fault) => ({
      name: `${call.id} × ${fault}`,
      call,
      fault,
      expect: fault === "403" ? call.on403 : ("connected" as const),
    })),
);

const delayCases: Case[] = [
  {
    name: "app replication (2 s): create service principal",
    delays: { appReplicationMs: 2_000 },
    watch: "create-sp",
    alsoMeets: [{ method: "GET", path: "/applications\\(uniqueName=" }],
    expect: "connected",
  },
  {
    name: "secret activation (2 s): token as the new app",
    delays: { secretActivationMs: 2_000 },
    watch: "app-token",
    expect: "connected",
  },
  {
    name: "billing principal replication (2 s): assign role",
    delays: { billingPrincipalReplicationMs: 2_000 },
    watch: "assign-role",
    expect: "connected",
  },
  {
    name: "billing role propagation (2 s): billing read",
    delays: { billingRolePropagationMs: 2_000 },
    watch: "billing-read",
    expect: "connected",
  },
  {
    name: "all four delays (1.5 s each): billing read",
    watch: "billing-read",
    delays: {
      appReplicationMs: 1_500,
      secretActivationMs: 1_500,
      billingPrincipalReplicationMs: 1_500,
      billingRolePropagationMs: 1_500,
    },
    expect: "connected",
  },
];

const outcomes = new Map<string, Outcome | Error>();
/** FAULT_MATRIX_ONLY=<text> runs only the cases whose name contains it (when working on one). */
const only = process.env.FAULT_MATRIX_ONLY;
const selected = (cases: Case[]) => (only ? cases.filter((c) => c.name.includes(only)) : cases);

/** Runs cases with at most `limit` at once. */
async function runAll(cases: Case[], limit: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < cases.length) {
        const kase = cases[next++]!;
        try {
          outcomes.set(kase.name, await runCase(kase));
        } catch (error) {
          outcomes.set(kase.name, error as Error);
        }
      }
    }),
  );
}

beforeAll(async () => {
  harness = await startPortalHarness();
  emu = harness.emu;
  m = {
    engine: await import("@/lib/onboardings/engine"),
    onboardings: await import("@/lib/data/onboardings"),
    db: await import("@/lib/db"),
  };
  const started = Date.now();
  await runAll(selected([...delayCases, ...matrixCases]), 24);
  elapsedMs = Date.now() - started;
}, 300_000);

let elapsedMs = 0;

afterAll(async () => {
  printMatrix();
  await m?.db.closeDb();
  await emu?.close();
});

function printMatrix() {
  const cell = (name: string) => {
    const o = outcomes.get(name);
    if (!o) return "—";
    if (o instanceof Error) return `ERROR ${o.message.split("\n")[0]}`;
    return o.text;
  };
  const lines: string[] = [];
  lines.push(`Fault matrix: ${outcomes.size} cases in ${(elapsedMs / 1000).toFixed(1)} s`);
  for (const call of calls) {
    lines.push(`\n${call.label}`);
    for (const fault of faultKinds) {
      const name = `${call.id} × ${fault}`;
      const applicable = faultFor(fault, call) !== null;
      lines.push(`  ${fault.padEnd(14)} ${applicable ? cell(name) : "not applicable (carries no token)"}`);
    }
  }
  lines.push("\nReplication and activation delays");
  for (const kase of delayCases) lines.push(`  ${kase.name.padEnd(52)} ${cell(kase.name)}`);
  console.log(lines.join("\n"));
}

function check(kase: Case) {
  const o = outcomes.get(kase.name);
  if (o instanceof Error) throw o;
  expect(o, "the case ran").toBeDefined();
  const outcome = o!;
  expect(outcome.faultSeen, `${kase.name}: the fault (or delay) was met`).toBe(true);
  if (kase.expect === "connected") {
    expect(outcome.text).toMatch(/^connected/);
  } else {
    expect(outcome.text).toMatch(/^stopped/);
    // In the portal's words (not Azure's raw refusal or a fallback), naming what to do.
    expect(`${outcome.message} ${outcome.action}`).toMatch(kase.expect);
    expect(genericTexts).not.toContain(outcome.message);
    expect(outcome.message).not.toBe(kase.call?.forbidden.message);
    expect(outcome.action, "says what to do").toBeTruthy();
    expect(outcome.action).not.toBe("Try again; if it keeps failing, check the steps above.");
  }
  // Nothing duplicated, nothing left behind.
  const a = outcome.azure;
  expect(a.apps).toBeLessThanOrEqual(1);
  expect(a.sps).toBeLessThanOrEqual(1);
  expect(a.secrets).toBeLessThanOrEqual(1);
  expect(a.readers).toBeLessThanOrEqual(1);
  // What Azure holds is what the onboarding recorded.
  expect(a.apps).toBe(outcome.onboardingSaved.app ? 1 : 0);
  expect(a.sps).toBe(outcome.onboardingSaved.sp ? 1 : 0);
  expect(a.secrets).toBe(outcome.onboardingSaved.secret ? 1 : 0);
  if (a.secrets) expect(a.storedSecretUsable, "the one secret is the one whose value is stored").toBe(true);
  if (outcome.connected) expect([a.apps, a.sps, a.secrets, a.readers]).toEqual([1, 1, 1, 1]);
}

describe.skipIf(selected(matrixCases).length === 0)("fault matrix: each Azure call under each fault", () => {
  it.each(selected(matrixCases).map((c) => [c.name, c] as const))("%s", (_name, kase) => check(kase));
});

describe.skipIf(selected(delayCases).length === 0)("replication and activation delays", () => {
  it.each(selected(delayCases).map((c) => [c.name, c] as const))("%s", (_name, kase) => check(kase));
});
