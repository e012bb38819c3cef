/**
 * Every expected failure, thrown inside an action, reaches the caller as its own words (and its form
 * field's error), however deep it was thrown and whichever action threw it: the wrapper maps them all,
 * with no catch per action. Anything else is a fault: the generic sentence, logged by its name and place only.
 * The data layer is stubbed, so no database or Azure is involved.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

const stub = vi.hoisted(() => ({
  /** What the stubbed data call throws next. */
  error: undefined as unknown,
  throwIt(): never {
    throw stub.error;
  },
}));

vi.mock("@/lib/auth", () => ({
  getCurrentUser: async () => (await import("@/test/support/request-scope")).scope.user,
}));
vi.mock("@/lib/data/operators", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/operators")>()),
  requireOperator: async () => undefined,
}));
vi.mock("@/lib/data/api-keys", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/api-keys")>()),
  createApiKey: async () => stub.throwIt(),
  revokeApiKey: async () => stub.throwIt(),
}));
vi.mock("@/lib/data/integration-operations", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/integration-operations")>()),
  getIntegrationForManagingOrThrow: async () => ({ onboardingId: null }),
}));
vi.mock("@/lib/integrations/manage", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/integrations/manage")>()),
  startDisconnect: async () => stub.throwIt(),
  startRotation: async () => stub.throwIt(),
}));
vi.mock("@/lib/data/integration-views", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/integration-views")>()),
  getIntegrationForOwnerOrThrow: async () => stub.throwIt(),
}));
vi.mock("@/lib/data/deliveries", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/deliveries")>()),
  retryDelivery: async () => stub.throwIt(),
}));
vi.mock("@/lib/data/vantage-tokens", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/vantage-tokens")>()),
  chooseVantageWorkspaces: async () => stub.throwIt(),
}));
vi.mock("@/lib/data/webhooks", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/webhooks")>()),
  rotateWebhookSecret: async () => stub.throwIt(),
  disableWebhookEndpoint: async () => stub.throwIt(),
  redeliver: async () => stub.throwIt(),
}));
vi.mock("@/lib/data/secret-reveal", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/data/secret-reveal")>()),
  revealClientSecret: async () => stub.throwIt(),
}));

import { revokeApiKeyAction, createApiKeyAction } from "@/lib/actions/api-keys";
import { chooseVantageWorkspacesAction, retryDestinationAction } from "@/lib/actions/destinations";
import {
  checkIntegrationAction,
  disconnectIntegrationAction,
  rotateSecretAction,
} from "@/lib/actions/integrations";
import { revealSecretAction } from "@/lib/actions/reveal";
import { withActor, withStepActor, type ActionResult } from "@/lib/actions/safe-action";
import {
  disableWebhookEndpointAction,
  redeliverWebhookAction,
  rotateWebhookSecretAction,
} from "@/lib/actions/webhooks";
import { AzureCallError } from "@/lib/azure/errors";
import { ApiKeyIntegrationsUnknownError, ApiKeyNotFoundError } from "@/lib/data/api-keys";
import { DeliveryError } from "@/lib/data/deliveries";
import { IntegrationNotFoundError, IntegrationOperationError } from "@/lib/data/integration-operations";
import { NotFoundError as OnboardingNotFoundError } from "@/lib/data/onboardings";
import { OperatorOnlyError } from "@/lib/data/operators";
import { StepsBusyError } from "@/lib/data/pasted-credentials";
import { RevealError } from "@/lib/data/secret-reveal";
import { VantageTokenError } from "@/lib/data/vantage-tokens";
import {
  WebhookEndpointDisabledError,
  WebhookEndpointNotFoundError,
  WebhookNotAllowedError,
} from "@/lib/data/webhooks";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import { ConfirmationMismatchError } from "@/lib/integrations/manage";
import { log } from "@/lib/log";
import { EngineError } from "@/lib/onboardings/engine";
import { ShareAccessError } from "@/lib/share-links/access";
import { unknownIdMessages } from "@/lib/validations/ids";
import { resetScope, scope } from "@/test/support/request-scope";

const generic = "Something went wrong on our side. Nothing was lost; try again.";
const id = "cm0000000000000000000000a";

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

let logged: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  resetScope();
  scope.user = { id: "user_1", tenantId: "tenant_1", name: "Adele", email: "adele@example.com" };
  logged = vi.spyOn(log, "error").mockImplementation(() => undefined);
});

afterEach(() => {
  logged.mockRestore();
  stub.error = undefined;
});

const expected: Array<[string, () => Error, { message: string; field?: string }]> = [
  ["UserFacingError", () => new UserFacingError("Not now."), { message: "Not now." }],
  [
    "UserFacingError with a field",
    () => new UserFacingError("Too long.", "name"),
    { message: "Too long.", field: "name" },
  ],
  ...Object.entries(unknownIdMessages).map(([kind, message]): [string, () => Error, { message: string }] => [
    `NotFoundError(${kind})`,
    () => new NotFoundError(kind as keyof typeof unknownIdMessages),
    { message },
  ]),
  [
    "the onboardings' NotFoundError (a share link's too)",
    () => new OnboardingNotFoundError("Share link"),
    { message: unknownIdMessages.onboarding },
  ],
  [
    "IntegrationNotFoundError",
    () => new IntegrationNotFoundError(),
    { message: unknownIdMessages.integration },
  ],
  [
    "IntegrationOperationError",
    () => new IntegrationOperationError("Another change to this integration is starting. Try again."),
    { message: "Another change to this integration is starting. Try again." },
  ],
  [
    "ConfirmationMismatchError",
    () => new ConfirmationMismatchError("Type the name exactly as shown."),
    { message: "Type the name exactly as shown.", field: "confirmation" },
  ],
  ["ApiKeyNotFoundError", () => new ApiKeyNotFoundError(), { message: unknownIdMessages.apiKey }],
  [
    "ApiKeyIntegrationsUnknownError",
    () => new ApiKeyIntegrationsUnknownError(["int_x"]),
    {
      message:
        "No integration with the id int_x. Copy ids from the integrations list (they start with int_).",
      field: "integrationIds",
    },
  ],
  [
    "WebhookEndpointNotFoundError",
    () => new WebhookEndpointNotFoundError(),
    { message: unknownIdMessages.webhookEndpoint },
  ],
  [
    "WebhookEndpointNotFoundError for a delivery",
    () => new WebhookEndpointNotFoundError("webhookDelivery"),
    { message: unknownIdMessages.webhookDelivery },
  ],
  [
    "WebhookEndpointDisabledError",
    () => new WebhookEndpointDisabledError(),
    { message: "This endpoint is disabled: nothing is sent to it. Enable it to receive events again." },
  ],
  [
    "WebhookNotAllowedError",
    () => new WebhookNotAllowedError(),
    { message: new OperatorOnlyError("manage webhooks").message },
  ],
  [
    "OperatorOnlyError",
    () => new OperatorOnlyError("make API keys"),
    { message: new OperatorOnlyError("make API keys").message },
  ],
  ["DeliveryError", () => new DeliveryError("Nothing to deliver."), { message: "Nothing to deliver." }],
  [
    "VantageTokenError",
    () => new VantageTokenError("Add a Vantage API token first."),
    { message: "Add a Vantage API token first." },
  ],
  [
    "StepsBusyError",
    () => new StepsBusyError(),
    { message: "Steps of this onboarding are running right now. Wait until they stop, then paste again." },
  ],
  ["RevealError", () => new RevealError("Sign in again.", true), { message: "Sign in again." }],
  ["EngineError", () => new EngineError("This step is done."), { message: "This step is done." }],
  [
    "ShareAccessError",
    () => new ShareAccessError("This link lets you view progress, not act."),
    { message: "This link lets you view progress, not act." },
  ],
  [
    "AzureCallError",
    () => new AzureCallError({ kind: "permission", message: "Azure refused: you need the Owner role." }),
    { message: "Azure refused: you need the Owner role." },
  ],
];

function answer(want: { message: string; field?: string }): ActionResult<never> {
  return want.field
    ? { ok: false, message: want.message, fieldErrors: { [want.field]: [want.message] } }
    : { ok: false, message: want.message };
}

describe("an expected error thrown inside an action", () => {
  it.each(expected)("%s reaches the caller as its message, unlogged", async (_name, make, want) => {
    const result = await withActor(z.object({}), {}, async () => {
      throw make();
    });
    expect(result).toEqual(answer(want));
    expect(logged).not.toHaveBeenCalled();
  });

  it.each(expected)("%s reaches a step action's caller too", async (_name, make, want) => {
    const result = await withStepActor(
      z.object({ onboardingId: z.string() }),
      { onboardingId: id },
      async () => {
        throw make();
      },
    );
    expect(result).toEqual(answer(want));
  });

  it("a signed-out caller is told to sign in again", async () => {
    scope.user = null;
    const result = await withActor(z.object({}), {}, async () => ({ ok: true, data: undefined }));
    expect(result).toEqual({ ok: false, message: "Your session has ended. Sign in again." });
  });
});

describe("the actions that caught their own errors", () => {
  const cases: Array<
    [string, () => Promise<ActionResult<unknown>>, () => Error, { message: string; field?: string }]
  > = [
    [
      "revoking an unknown API key",
      () => revokeApiKeyAction(null, form({ keyId: id })),
      () => new ApiKeyNotFoundError(),
      { message: unknownIdMessages.apiKey },
    ],
    [
      "a key for integrations that do not exist",
      () =>
        createApiKeyAction(
          null,
          form({
            name: "Cost platform",
            scope: "read-metadata",
            reach: "integrations",
            integrationIds: "int_0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10",
          }),
        ),
      () => new ApiKeyIntegrationsUnknownError(["int_0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10"]),
      {
        message:
          "No integration with the id int_0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10. Copy ids from the integrations list (they start with int_).",
        field: "integrationIds",
      },
    ],
    [
      "a disconnect whose confirmation does not match",
      () => disconnectIntegrationAction(null, form({ integrationId: id, confirmation: "Contoso" })),
      () =>
        new ConfirmationMismatchError(
          "Type the billing account's name or the app's name exactly as shown to confirm.",
        ),
      {
        message: "Type the billing account's name or the app's name exactly as shown to confirm.",
        field: "confirmation",
      },
    ],
    [
      "a rotation the integration's state refuses",
      () => rotateSecretAction(null, form({ integrationId: id })),
      () => new IntegrationOperationError("This integration is disconnected."),
      { message: "This integration is disconnected." },
    ],
    [
      "checking an integration that is not the caller's",
      () => checkIntegrationAction(null, form({ integrationId: id })),
      () => new IntegrationNotFoundError(),
      { message: unknownIdMessages.integration },
    ],
    [
      "retrying a delivery of a disconnected connection",
      () => retryDestinationAction(null, form({ deliveryId: id })),
      () => new DeliveryError("This connection is disconnected: nothing to deliver."),
      { message: "This connection is disconnected: nothing to deliver." },
    ],
    [
      "choosing workspaces with no Vantage token",
      () => chooseVantageWorkspacesAction(null, form({ workspaceToken: "wrkspc_1" })),
      () => new VantageTokenError("Add a Vantage API token first."),
      { message: "Add a Vantage API token first." },
    ],
    [
      "rotating a disabled endpoint's secret",
      () => rotateWebhookSecretAction(null, form({ endpointId: id })),
      () => new WebhookEndpointDisabledError(),
      { message: "This endpoint is disabled: nothing is sent to it. Enable it to receive events again." },
    ],
    [
      "disabling an unknown endpoint",
      () => disableWebhookEndpointAction(null, form({ endpointId: id })),
      () => new WebhookEndpointNotFoundError(),
      { message: unknownIdMessages.webhookEndpoint },
    ],
    [
      "redelivering an unknown delivery",
      () => redeliverWebhookAction(null, form({ deliveryId: id })),
      () => new WebhookEndpointNotFoundError("webhookDelivery"),
      { message: unknownIdMessages.webhookDelivery },
    ],
    [
      "a non-operator managing webhooks",
      () => rotateWebhookSecretAction(null, form({ endpointId: id })),
      () => new WebhookNotAllowedError(),
      { message: new WebhookNotAllowedError().message },
    ],
  ];

  it.each(cases)("%s: its message (and field)", async (_name, act, make, want) => {
    stub.error = make();
    expect(await act()).toEqual(answer(want));
    expect(scope.revalidated).toEqual([]);
    expect(logged).not.toHaveBeenCalled();
  });

  it("a reveal refused for a stale sign-in says so and asks for a sign-in", async () => {
    stub.error = new RevealError("Sign in again to reveal the password.", true);
    expect(await revealSecretAction(null, form({ onboardingId: id }))).toEqual({
      ok: false,
      message: "Sign in again to reveal the password.",
      signInAgain: true,
    });
  });

  it("a reveal of an onboarding not the caller's answers as an unknown one", async () => {
    stub.error = new OnboardingNotFoundError();
    expect(await revealSecretAction(null, form({ onboardingId: id }))).toEqual({
      ok: false,
      message: unknownIdMessages.onboarding,
    });
  });
});

describe("an unexpected error", () => {
  const detail = 'duplicate key value violates unique constraint "Delivery_pkey" (id)=(sk-live-123)';

  it("gives the generic message and is logged by its name and place, without its message", async () => {
    stub.error = new TypeError(detail);
    expect(await retryDestinationAction(null, form({ deliveryId: id }))).toEqual({
      ok: false,
      message: generic,
    });
    expect(logged).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logged.mock.calls[0])).toContain("TypeError");
    // Where it was thrown, so an operator can find it.
    expect(JSON.stringify(logged.mock.calls[0])).toMatch(/at .*expected-errors\.test\.ts/);
    expect(JSON.stringify(logged.mock.calls[0])).not.toContain("sk-live-123");
  });

  it("an internal error is never shown, even one with a readable message", async () => {
    const result = await withActor(z.object({}), {}, async () => {
      throw new Error(detail);
    });
    expect(result).toEqual({ ok: false, message: generic });
    expect(JSON.stringify(logged.mock.calls)).not.toContain(detail);
  });

  it("a thrown value that is not an Error gives the generic message", async () => {
    const result = await withActor(z.object({}), {}, async () => {
      throw detail;
    });
    expect(result).toEqual({ ok: false, message: generic });
    expect(JSON.stringify(logged.mock.calls)).not.toContain("sk-live-123");
  });
});
