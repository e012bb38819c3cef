/**
 * Drives onboardings through the portal's real engine against the in-process emulator, the way the
 * page's poller does: seed a tenant, sign a user in through the emulator's pages, start an onboarding,
 * advance until nothing is due, and read the emulator's state to assert exactly-once. Shared by the
 * integration tests that are not the engine's own (engine.test.ts keeps its helpers inline).
 */
import type { ScenarioSpec, SeedResult } from "@/emulator/src/scenario";
import { DELAY_PROFILES, type TenantSettingsPatch } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import * as drive from "@/test/support/drive";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

type Modules = {
  engine: typeof import("@/lib/onboardings/engine");
  onboardings: typeof import("@/lib/data/onboardings");
  db: typeof import("@/lib/db");
  graph: typeof import("@/lib/azure/graph");
  broker: typeof import("@/lib/azure/token-broker");
  endpoints: typeof import("@/lib/azure/endpoints");
};

export type Actor = Awaited<ReturnType<Harness["signIn"]>>;
export type OnboardingView = Awaited<
  ReturnType<typeof import("@/lib/data/onboardings").getOnboardingOrThrow>
>;

export type Driver = Awaited<ReturnType<typeof startDriver>>;

export async function startDriver() {
  const harness = await startPortalHarness();
  const emu = harness.emu;
  const m: Modules = {
    engine: await import("@/lib/onboardings/engine"),
    onboardings: await import("@/lib/data/onboardings"),
    db: await import("@/lib/db"),
    graph: await import("@/lib/azure/graph"),
    broker: await import("@/lib/azure/token-broker"),
    endpoints: await import("@/lib/azure/endpoints"),
  };

  /** The portal's Graph client acting as `actor`, for playing an earlier, interrupted run. */
  function graphAs(actor: Actor) {
    return new m.graph.GraphClient(
      m.broker.delegatedCredential(actor.homeAccountId, actor.tenantId, "graph"),
      m.endpoints.azureEndpoints(),
    );
  }

  /** Seeds a tenant; delays default to none, settings are merged in. */
  async function seed(spec: ScenarioSpec = { preset: "contoso" }, settings: TenantSettingsPatch = {}) {
    const delays = { ...DELAY_PROFILES.none, ...(spec.settings?.delays ?? {}), ...(settings.delays ?? {}) };
    return control(emu).seed({ ...spec, settings: { ...(spec.settings ?? {}), ...settings, delays } });
  }

  function signInAs(tenant: SeedResult, userKey: string): Promise<Actor> {
    return harness.signIn(tenant.users[userKey]!.userPrincipalName);
  }

  async function start(actor: Actor, appDisplayName = "vantage"): Promise<string> {
    const { id } = await m.onboardings.createOnboarding(actor, { appDisplayName, secretExpiryMonths: 12 });
    return id;
  }

  /** Advances until nothing is due (sleeping until the next attempt), like the page's poller. */
  function runToRest(actor: Actor, id: string, budgetMs = 4_000, limitMs = 90_000) {
    return drive.runToRest(actor, id, { budgetMs, limitMs });
  }

  /** Queues every remaining step and runs them to rest. */
  async function connect(actor: Actor, id: string, budgetMs?: number) {
    await m.engine.queueSteps(actor, id, "remaining");
    return runToRest(actor, id, budgetMs);
  }

  /** The tenant's objects in the emulator, and who holds billing roles. */
  async function state(tenantId: string) {
    const body = (await control(emu).get(`/tenants/${tenantId}/state`)).body as {
      applications: { id: string; appId: string; passwordCredentials: { keyId: string }[] }[];
      servicePrincipals: { id: string; appId: string }[];
      billingAccounts: {
        name: string;
        roleAssignments: { principalId: string; roleDefinitionId: string; createdByPrincipalId: string }[];
      }[];
      requests: { time: string; method: string; route: string; path: string; status: number }[];
      requestCounts: Record<string, number>;
    };
    return { ...body, billingRoleAssignments: body.billingAccounts.flatMap((a) => a.roleAssignments) };
  }

  async function close() {
    await m.db.closeDb();
    await emu.close();
  }

  return { harness, emu, m, seed, signInAs, start, runToRest, connect, state, graphAs, close };
}

export function stepOf(view: OnboardingView, id: string) {
  return view.steps.find((s) => s.stepId === id)!;
}

export type StepErrorView = {
  kind: string;
  message: string;
  action?: string;
  resolution?: string;
  code?: string;
  requestId?: string;
  azureMessage?: string;
};

export function errorOf(view: OnboardingView, id: string): StepErrorView {
  return stepOf(view, id).error as StepErrorView;
}
