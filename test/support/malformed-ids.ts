/**
 * The bad-input cases for ids from the client (hidden fields: onboarding, share link, integration, API
 * key, webhook endpoint and delivery ids): every server action answers a malformed id (a NUL byte, which
 * PostgreSQL refuses in text, very long text, something that is not one of our ids) exactly as it
 * answers a well-formed id that names nothing, and never with the "something went wrong" of a database
 * error. Run on PGlite (lib/actions/bad-input-ids.test.ts) and on PostgreSQL
 * (lib/actions/bad-input-ids.postgres.test.ts): the two refuse different things, and a database error
 * on either is a failure here. The test files mock next/headers, next/cache, next/navigation and
 * getCurrentUser with test/support/request-scope, as lib/actions/bad-input.test.ts does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPortalHarness, type Harness } from "@/test/support/portal-harness";
import { RedirectSignal, resetScope, scope } from "@/test/support/request-scope";
import { exportedActions, type ActionResult, type ServerAction } from "@/test/support/server-actions";
import { createPostgresDatabase, TEST_POSTGRES_URL } from "@/test/support/test-engines";
import { seedOwnerWorld } from "@/test/support/world";

const unexpected = "Something went wrong on our side. Nothing was lost; try again.";

/** Ids that cannot be ours. Each reached a query before validation at the action's schema. */
export const malformedIds: Record<string, string> = {
  "a NUL byte": "\u0000",
  "a NUL byte inside an id": "cm4x0000000000000000000\u0000",
  "100,000 characters": "c".repeat(100_000),
  "65 characters": "c".repeat(65),
  "spaces and punctuation": "not an id!",
  SQL: `' OR 1=1; --`,
  "a path": "../../etc/passwd",
  "a lone UTF-16 half": "cm4x\ud800",
  "an emoji": "cm4x🙂",
  "a line break": "cm4x\nabc",
};

/** A well-formed id that names nothing: the answer to compare with. */
const unknownId = "cm4xunknown0000000000000000";

type Owned = {
  automated: string;
  manual: string;
  link: string;
  billingAccount: string;
  endpoint: string;
  delivery: string;
  integration: string;
  destination: string;
};

/**
 * Per action: a form that gets past validation (with the caller's own records where one is needed), and
 * its fields that carry an id. An action that takes no id lists none; every exported action is listed.
 */
function forms(
  mine: Owned,
  tenantId: string,
): Record<string, { form: Record<string, string>; ids: string[] }> {
  return {
    createOnboardingAction: { form: {}, ids: [] },
    createAndConnectAction: { form: {}, ids: [] },
    updateSettingsAction: {
      form: { onboardingId: mine.automated, appDisplayName: "vantage" },
      ids: ["onboardingId"],
    },
    // Through a link: the onboarding is the owner's own, so only the link decides.
    connectAction: {
      form: { onboardingId: mine.automated, shareLinkId: mine.link },
      ids: ["onboardingId", "shareLinkId"],
    },
    runStepAction: {
      form: { onboardingId: mine.automated, stepId: "billing-account", shareLinkId: mine.link },
      ids: ["onboardingId", "shareLinkId"],
    },
    checkAgainAction: {
      form: { onboardingId: mine.automated, stepId: "role-assignment", shareLinkId: mine.link },
      ids: ["onboardingId", "shareLinkId"],
    },
    chooseBillingAccountAction: {
      form: { onboardingId: mine.automated, billingAccountName: mine.billingAccount, shareLinkId: mine.link },
      ids: ["onboardingId", "shareLinkId"],
    },
    createShareLinkAction: {
      form: { onboardingId: mine.automated, scope: "view", expiryDays: "7" },
      ids: ["onboardingId"],
    },
    askBillingOwnerAction: { form: { onboardingId: mine.automated }, ids: ["onboardingId"] },
    revokeShareLinkAction: { form: { onboardingId: mine.automated, linkId: mine.link }, ids: ["linkId"] },
    pasteCredentialsAction: {
      form: {
        onboardingId: mine.manual,
        tenantId,
        clientId: "1a2b3c4d-1111-2222-3333-444455556666",
        clientSecret: "Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.",
        billingAccountId: mine.billingAccount,
      },
      ids: ["onboardingId"],
    },
    createApiKeyAction: { form: {}, ids: [] },
    revokeApiKeyAction: { form: { keyId: unknownId }, ids: ["keyId"] },
    createWebhookEndpointAction: { form: {}, ids: [] },
    rotateWebhookSecretAction: { form: { endpointId: mine.endpoint }, ids: ["endpointId"] },
    disableWebhookEndpointAction: { form: { endpointId: mine.endpoint }, ids: ["endpointId"] },
    enableWebhookEndpointAction: { form: { endpointId: mine.endpoint }, ids: ["endpointId"] },
    deleteWebhookEndpointAction: { form: { endpointId: mine.endpoint }, ids: ["endpointId"] },
    sendTestWebhookAction: { form: { endpointId: mine.endpoint }, ids: ["endpointId"] },
    redeliverWebhookAction: { form: { deliveryId: mine.delivery }, ids: ["deliveryId"] },
    checkIntegrationAction: { form: { integrationId: mine.integration }, ids: ["integrationId"] },
    saveVantageTokenAction: { form: {}, ids: [] },
    chooseVantageWorkspacesAction: { form: {}, ids: [] },
    removeVantageTokenAction: { form: {}, ids: [] },
    chooseDestinationsAction: {
      form: { onboardingId: mine.automated, destination: "api" },
      ids: ["onboardingId"],
    },
    retryDestinationAction: { form: { deliveryId: mine.destination }, ids: ["deliveryId"] },
    revealSecretAction: { form: { onboardingId: mine.automated }, ids: ["onboardingId"] },
    rotateSecretAction: {
      form: { integrationId: mine.integration, graceSeconds: "3600" },
      ids: ["integrationId"],
    },
    disconnectIntegrationAction: {
      form: { integrationId: mine.integration, confirmation: "nothing" },
      ids: ["integrationId"],
    },
  };
}

function formData(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

async function call(fn: ServerAction, input: FormData): Promise<ActionResult> {
  try {
    return await fn(null, input);
  } catch (error) {
    if (error instanceof RedirectSignal) return { ok: true, data: error.url };
    throw error;
  }
}

export function describeMalformedIds(engine: "pglite" | "postgres") {
  const skip = engine === "postgres" && TEST_POSTGRES_URL === undefined;
  describe.skipIf(skip)(`a malformed id is answered as an unknown one (${engine})`, () => {
    let harness: Harness;
    let db: typeof import("@/lib/db");
    let dropDatabase: (() => Promise<void>) | undefined;
    let actions: Awaited<ReturnType<typeof exportedActions>>;
    let owner: Awaited<ReturnType<Harness["signIn"]>>;
    let operator: Awaited<ReturnType<Harness["signIn"]>>;
    let cases: ReturnType<typeof forms>;

    beforeAll(async () => {
      const env: Record<string, string> = {};
      if (engine === "postgres") {
        const created = await createPostgresDatabase();
        const { applyMigrations } = await import("@/lib/db/migrations");
        await applyMigrations(created.url);
        dropDatabase = created.drop;
        env.DATABASE_URL = created.url;
      }
      harness = await startPortalHarness({ env });
      db = await import("@/lib/db");
      actions = await exportedActions();
      // API keys and webhooks are the operators' alone: anyone else is refused before their ids are read.
      // The integration is disconnected: nothing an action does with it reaches Azure.
      const world = await seedOwnerWorld(harness, {
        integrationStatus: "disconnected",
        vantageDelivery: true,
      });
      owner = world.owner;
      operator = world.operator;
      cases = forms({ ...world.ids, destination: world.ids.destination! }, owner.tenantId);
    }, 120_000);

    afterAll(async () => {
      await db?.closeDb();
      await dropDatabase?.();
      await harness?.emu.close();
    });

    it("lists every exported action", () => {
      expect(Object.keys(cases).sort()).toEqual(Object.keys(actions).sort());
    });

    it("answers each malformed id of each action as it answers an unknown id", async () => {
      const checked: string[] = [];
      for (const [name, { form, ids }] of Object.entries(cases)) {
        for (const field of ids) {
          // The onboarding id as its owner sends it; the link id with the owner's own onboarding.
          const base = { ...form };
          if (field === "onboardingId") delete base.shareLinkId;
          const actor = /ApiKey|Webhook/.test(name) ? operator : owner;
          resetScope();
          scope.user = actor;
          const unknown = await call(actions[name]!.fn, formData({ ...base, [field]: unknownId }));
          expect(unknown.ok, `${name} with an unknown ${field}`).toBe(false);
          expect(unknown.message, `${name} with an unknown ${field}`).not.toBe(unexpected);
          for (const [label, value] of Object.entries(malformedIds)) {
            resetScope();
            scope.user = actor;
            const answer = await call(actions[name]!.fn, formData({ ...base, [field]: value }));
            expect({ ok: answer.ok, message: answer.message }, `${name}: ${field} with ${label}`).toEqual({
              ok: false,
              message: unknown.message,
            });
            checked.push(`${name}.${field}`);
          }
        }
      }
      expect(checked.length).toBeGreaterThan(0);
    }, 120_000);

    it("answers a malformed onboarding id in a route's path as an unknown one", async () => {
      type Handler = (request: Request, context: { params: Promise<{ id: string }> }) => Promise<Response>;
      const routes: Record<string, { handler: Handler; method: string; path: string }> = {
        progress: {
          handler: (await import("@/app/api/onboardings/[id]/progress/route")).GET,
          method: "GET",
          path: "progress",
        },
        advance: {
          handler: (await import("@/app/api/onboardings/[id]/advance/route")).POST,
          method: "POST",
          path: "advance",
        },
        receipt: {
          handler: (await import("@/app/api/onboardings/[id]/receipt/route")).GET,
          method: "GET",
          path: "receipt",
        },
      };
      const ask = async (route: (typeof routes)[string], id: string) => {
        resetScope();
        scope.user = owner;
        const response = await route.handler(
          new Request(`http://localhost:3000/api/onboardings/x/${route.path}`, { method: route.method }),
          { params: Promise.resolve({ id }) },
        );
        return { status: response.status, body: (await response.json()) as unknown };
      };
      for (const [name, route] of Object.entries(routes)) {
        const unknown = await ask(route, unknownId);
        expect(unknown.status, `${name} with an unknown id`).toBe(404);
        for (const [label, value] of Object.entries(malformedIds))
          expect(await ask(route, value), `${name} with ${label}`).toEqual(unknown);
      }
    }, 120_000);
  });
}
