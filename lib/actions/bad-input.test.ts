/**
 * Every server action against input no form sends: very long text, any Unicode, control characters,
 * repeated and unknown fields, files, and, since an action is a POST endpoint taking any serializable
 * value, arrays, objects or numbers in place of the form. Called by the signed-in owner of real
 * onboardings, so the checks past authentication run too. Each answer is `{ ok }` with, on refusal, a
 * message a person can act on: never a throw, never the "something went wrong" of an unexpected error.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { hostileText, wrongType, zodDefaultMessage } from "@/test/support/hostile-input";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";
import { RedirectSignal, resetScope, scope } from "@/test/support/request-scope";
import { exportedActions, type ActionResult, type ServerAction } from "@/test/support/server-actions";
import { seedOwnerWorld, type OwnerWorld } from "@/test/support/world";

vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCurrentUser: async () => (await import("@/test/support/request-scope")).scope.user,
}));

const unexpected = "Something went wrong on our side. Nothing was lost; try again.";

let harness: Harness;
let db: typeof import("@/lib/db");
let actions: Awaited<ReturnType<typeof exportedActions>>;
let owner: Awaited<ReturnType<Harness["signIn"]>>;
/** One of the portal's operators: the API key and webhook forms are theirs (anyone else is refused first). */
let operator: Awaited<ReturnType<Harness["signIn"]>>;
/** The owner's onboardings and link, so that some probes get past "not yours". */
let mine: OwnerWorld["ids"];

const stepIds = ["app-registration", "client-secret", "billing-account", "role-assignment", "verify"];

/** A field's value: hostile text, or sometimes a value that passes, to reach the checks behind it. */
function field(...good: string[]) {
  return good.length ? fc.oneof(hostileText, fc.constantFrom(...good)) : hostileText;
}

type Fields = Record<string, fc.Arbitrary<string>>;

/**
 * The fields each action's form has. Runs of steps are kept out of reach (their ids are always wrong)
 * so no probe waits on Azure; every other field sometimes carries a value that passes.
 */
const forms: Record<string, () => Fields> = {
  createOnboardingAction: () => ({
    appDisplayName: field("vantage"),
    secretExpiryMonths: field("12"),
    mode: field("automated", "manual"),
  }),
  createAndConnectAction: () => ({
    appDisplayName: field("vantage"),
    secretExpiryMonths: field("12"),
    destination: field("api", "vantage", "by_hand"),
    vantageToken: field("vntg_probe_0123456789"),
  }),
  saveVantageTokenAction: () => ({ vantageToken: field("vntg_probe_0123456789") }),
  chooseVantageWorkspacesAction: () => ({ workspaceToken: field("wrkspc_probe") }),
  removeVantageTokenAction: () => ({ confirm: field("yes") }),
  chooseDestinationsAction: () => ({
    onboardingId: field(mine.automated),
    destination: field("api", "vantage", "by_hand"),
    vantageToken: field("vntg_probe_0123456789"),
  }),
  retryDestinationAction: () => ({ deliveryId: field() }),
  revealSecretAction: () => ({ onboardingId: field(mine.automated, mine.manual) }),
  updateSettingsAction: () => ({
    onboardingId: field(mine.automated),
    appDisplayName: field("vantage"),
    secretExpiryMonths: field("6"),
  }),
  connectAction: () => ({ onboardingId: field(), shareLinkId: field(mine.link) }),
  runStepAction: () => ({ onboardingId: field(), stepId: field(...stepIds), shareLinkId: field(mine.link) }),
  chooseBillingAccountAction: () => ({
    onboardingId: field(mine.automated),
    billingAccountName: field(),
    confirmDuplicate: field("yes"),
  }),
  createShareLinkAction: () => ({
    onboardingId: field(mine.automated),
    scope: field("view", "act"),
    expiryDays: field("7"),
  }),
  askBillingOwnerAction: () => ({ onboardingId: field(mine.automated) }),
  revokeShareLinkAction: () => ({ onboardingId: field(mine.automated), linkId: field(mine.link) }),
  pasteCredentialsAction: () => ({
    onboardingId: field(mine.manual),
    tenantId: field(owner.tenantId),
    clientId: field("1a2b3c4d-1111-2222-3333-444455556666"),
    clientSecret: field("Xy78Q~abcdefghijklmnopqrstuvwxyz0123456."),
    billingAccountId: field(mine.billingAccount),
  }),
  checkAgainAction: () => ({ onboardingId: field(mine.automated), stepId: field(...stepIds) }),
  createApiKeyAction: () => ({
    name: field("cost platform"),
    scope: field("read-metadata", "read-secrets"),
    reach: field("all-tenants", "tenants", "integrations"),
    tenantIds: field(mine.tenantId, `${mine.tenantId}, ${mine.tenantId.toUpperCase()}`, "contoso.com"),
    integrationIds: field(mine.integration, "int_0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10"),
  }),
  revokeApiKeyAction: () => ({ keyId: field() }),
  createWebhookEndpointAction: () => ({
    url: field("https://hooks.example.com/mca", "http://127.0.0.1:9/x", "https://10.0.0.1/x"),
    eventTypes: field("integration.connected", "integration.disconnected", "webhook.test"),
    description: field("cost platform"),
    reach: field("all-tenants", "tenants"),
    tenantIds: field(mine.tenantId, ""),
  }),
  rotateWebhookSecretAction: () => ({ endpointId: field(mine.endpoint) }),
  disableWebhookEndpointAction: () => ({ endpointId: field(mine.endpoint) }),
  enableWebhookEndpointAction: () => ({ endpointId: field(mine.endpoint) }),
  deleteWebhookEndpointAction: () => ({ endpointId: field() }),
  sendTestWebhookAction: () => ({ endpointId: field(mine.endpoint) }),
  redeliverWebhookAction: () => ({ deliveryId: field(mine.delivery) }),
  checkIntegrationAction: () => ({ integrationId: field() }),
  // Integration ids are never right here (the owner's onboardings are not connected): no probe reaches Azure.
  rotateSecretAction: () => ({ integrationId: field(), graceSeconds: field("86400", "3600") }),
  disconnectIntegrationAction: () => ({ integrationId: field(), confirmation: field("vantage") }),
};

/** A form as a crafted post could build it: the fields, plus repeats, strangers and files. */
function formData(fields: Fields): fc.Arbitrary<FormData> {
  const names = Object.keys(fields);
  return fc
    .record({
      values: fc.record(fields, { requiredKeys: [] }),
      repeats: fc.array(fc.tuple(fc.constantFrom(...names), hostileText), { maxLength: 2 }),
      strangers: fc.array(fc.tuple(hostileText, hostileText), { maxLength: 2 }),
      files: fc.array(fc.constantFrom(...names), { maxLength: 1 }),
    })
    .map(({ values, repeats, strangers, files }) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(values)) if (value !== undefined) data.append(name, value);
      for (const [name, value] of [...repeats, ...strangers]) data.append(name, value);
      for (const name of files) data.append(name, new Blob(["x"]), "file.txt");
      return data;
    });
}

async function call(fn: ServerAction, input: unknown): Promise<ActionResult> {
  try {
    return await fn(null, input);
  } catch (error) {
    // Next's redirect() throws by design, after a successful create.
    if (error instanceof RedirectSignal) return { ok: true, data: error.url };
    throw error;
  }
}

function expectClearAnswer(result: ActionResult, input: unknown) {
  const label = fc.stringify(input instanceof FormData ? [...input.entries()] : input).slice(0, 300);
  expect(typeof result, label).toBe("object");
  expect(typeof result.ok, label).toBe("boolean");
  expect(() => JSON.stringify(result)).not.toThrow();
  if (result.ok) return;
  expect(typeof result.message, label).toBe("string");
  expect(result.message!.length, label).toBeGreaterThan(10);
  expect(result.message, label).not.toBe(unexpected);
  expect(result.message, label).not.toMatch(zodDefaultMessage);
  if (result.fieldErrors !== undefined)
    for (const messages of Object.values(result.fieldErrors as Record<string, unknown>)) {
      expect(Array.isArray(messages), label).toBe(true);
      for (const message of messages as unknown[]) expect(message, label).not.toMatch(zodDefaultMessage);
    }
}

beforeAll(async () => {
  // Vantage at a closed port: a token that passes validation gets "could not check", never a call out.
  harness = await startPortalHarness({ env: { VANTAGE_API_URL: "http://127.0.0.1:9/v2" } });
  db = await import("@/lib/db");
  actions = await exportedActions();
  // The owner's onboardings, act link and integration (to scope a key with), and the operator's endpoint.
  const world = await seedOwnerWorld(harness, { integrationStatus: "active" });
  owner = world.owner;
  operator = world.operator;
  mine = world.ids;
}, 120_000);

afterAll(async () => {
  await db?.closeDb();
  await harness?.emu.close();
});

const operatorForms = new Set(Object.keys(forms).filter((name) => /ApiKey|Webhook/.test(name)));

describe("server actions answer bad input with a clear message", () => {
  it("has a form description for every exported action", async () => {
    expect(Object.keys(actions).sort()).toEqual(Object.keys(forms).sort());
  });

  for (const name of Object.keys(forms)) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(formData(forms[name]!()), wrongType), async (input) => {
          resetScope();
          scope.user = operatorForms.has(name) ? operator : owner;
          expectClearAnswer(await call(actions[name]!.fn, input), input);
        }),
        { numRuns: 40 },
      );
    });
  }

  it("a value of the wrong type in place of the form reads as an empty form", async () => {
    resetScope();
    scope.user = owner;
    for (const input of [["onboardingId", mine.automated], { onboardingId: mine.automated }, 42, "x", null]) {
      const result = await call(actions.askBillingOwnerAction!.fn, input);
      expect(result).toMatchObject({
        ok: false,
        message: "This form could not be read. Reload the page and try again.",
      });
    }
    const create = await call(actions.createOnboardingAction!.fn, { appDisplayName: "x" });
    expect(create).toMatchObject({ ok: false, message: "Please correct the highlighted fields." });
  });
});
