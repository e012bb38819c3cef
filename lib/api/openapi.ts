/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Its schemas are JSON Schema
 * 2020-12; lib/api/v1.test.ts validates the API's real answers against them, so the two cannot drift.
 */
import { integrationEvents, integrationEventTypes, testEvent } from "@/lib/integrations/events";

const error = {
  type: "object",
  required: ["error"],
  additionalProperties: false,
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      additionalProperties: false,
      properties: {
        code: {
          type: "string",
          enum: [
            "missing_api_key",
            "invalid_api_key",
            "revoked_api_key",
            "insufficient_scope",
            "not_found",
            "bad_request",
            "rate_limited",
          ],
        },
        message: { type: "string", description: "What went wrong and what to do, for a person." },
      },
    },
  },
} as const;

const nullableDateTime = { type: ["string", "null"], format: "date-time" } as const;

const integration = {
  type: "object",
  description:
    "A working connection to one Microsoft Customer Agreement billing account: the values the cost platform needs to read costs with the client-credentials flow.",
  required: [
    "id",
    "tenantId",
    "clientId",
    "secretHint",
    "secretKeyId",
    "secretExpiresAt",
    "billingAccountId",
    "billingAccountDisplayName",
    "status",
    "lastVerifiedAt",
    "createdAt",
    "updatedAt",
  ],
  additionalProperties: false,
  properties: {
    id: { type: "string" },
    tenantId: { type: "string", description: "The Entra tenant (directory) id.", format: "uuid" },
    clientId: {
      type: "string",
      description: "The app registration's application (client) id.",
      format: "uuid",
    },
    clientSecret: {
      type: "string",
      description:
        "The client secret's value. Present only with `include=secret` and a key with the read-secrets scope, and never for a disconnected integration. After a rotation it is the new secret (the old one keeps working for the grace period; see the `integration.secret_rotated` webhook).",
    },
    secretHint: { type: "string", description: "The first characters of the secret, as Azure shows them." },
    secretKeyId: {
      type: ["string", "null"],
      description: "Azure's keyId of the secret; null when pasted in manual mode.",
    },
    secretExpiresAt: nullableDateTime,
    billingAccountId: {
      type: "string",
      description: "The billing account's id (its ARM name), e.g. `<guid>:<guid>_2019-05-31`.",
    },
    billingAccountDisplayName: { type: ["string", "null"] },
    status: {
      type: "string",
      enum: ["pending", "active", "failing", "disabled", "disconnected"],
      description:
        "`active` once the portal has read costs with these credentials; `disconnected` once its app, secrets and role were removed from Azure (no secret is served).",
    },
    lastVerifiedAt: nullableDateTime,
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
} as const;

const integrationList = {
  type: "object",
  required: ["data"],
  additionalProperties: false,
  properties: {
    data: {
      type: "array",
      items: {
        allOf: [{ $ref: "#/components/schemas/Integration" }],
        not: { required: ["clientSecret"] },
      },
    },
  },
} as const;

const integrationWebhookEvent = {
  type: "object",
  description:
    "What MCA Connect POSTs to a webhook endpoint when something happens to an integration: ids and facts, never a secret. Read the secret through the API when `integration.secret_rotated` arrives.",
  required: ["id", "type", "createdAt", "data"],
  additionalProperties: false,
  properties: {
    id: {
      type: "string",
      description: "The event's id; also the `webhook-id` header, the same on every retry.",
    },
    type: { type: "string", enum: integrationEventTypes },
    createdAt: { type: "string", format: "date-time", description: "When it happened." },
    data: {
      type: "object",
      required: ["integrationId", "tenantId"],
      description:
        "The integration's facts, plus what the type adds (e.g. `reason` and `code` for verification_failing).",
      properties: {
        integrationId: { type: "string", description: "Read it with `GET /integrations/{id}`." },
        tenantId: { type: "string", format: "uuid" },
        clientId: { type: "string", format: "uuid" },
        billingAccountName: { type: "string", description: "The billing account's id." },
        billingAccountDisplayName: { type: ["string", "null"] },
        status: { type: "string", description: "The integration's status when the event was sent out." },
        secretKeyId: { type: ["string", "null"], description: "Azure's keyId of the current secret." },
        secretExpiresAt: nullableDateTime,
      },
    },
  },
} as const;

const testWebhookEvent = {
  type: "object",
  description: 'Sent by "Send test event" on the Webhooks page.',
  required: ["id", "type", "createdAt", "data"],
  additionalProperties: false,
  properties: {
    id: { type: "string" },
    type: { const: "webhook.test" },
    createdAt: { type: "string", format: "date-time" },
    data: {
      type: "object",
      // An endpoint belongs to no one tenant (an operator's, reaching every tenant or chosen ones).
      required: ["endpointId"],
      properties: {
        endpointId: { type: "string" },
        message: { type: "string" },
      },
    },
  },
} as const;

const signatureHeaders = [
  {
    name: "webhook-id",
    in: "header",
    required: true,
    description:
      "The event's id: the same on retries and redeliveries; drop a delivery whose id you have seen.",
    schema: { type: "string" },
  },
  {
    name: "webhook-timestamp",
    in: "header",
    required: true,
    description: "Unix seconds when this attempt was signed; refuse one more than 5 minutes from your clock.",
    schema: { type: "string", pattern: "^[0-9]+$" },
  },
  {
    name: "webhook-signature",
    in: "header",
    required: true,
    description:
      '`v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<raw body>")>`, the key being the base64 after `whsec_` in the endpoint\'s secret. Space-separated when the old and new secrets both sign after a rotation (24 h): accept if any matches.',
    schema: { type: "string" },
  },
];

function webhook(type: string, schema: string, summary: string) {
  return {
    post: {
      operationId: `webhook.${type}`,
      summary,
      parameters: signatureHeaders,
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: `#/components/schemas/${schema}` } } },
      },
      responses: {
        "2XX": {
          description: "Received. Anything else is retried (5xx, 408, 429, no answer in 10 s) or fails.",
        },
      },
    },
  };
}

function errorResponse(description: string, headers?: Record<string, unknown>) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

const unauthorized = errorResponse("No key, an unknown key, or a revoked key.", {
  "WWW-Authenticate": { schema: { type: "string" } },
});
const tooMany = errorResponse("Too many requests from this address.", {
  "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait." },
});

export function openApiDocument(baseUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "MCA Connect API",
      version: "1.0.0",
      description:
        "Read the Azure billing connections (integrations) MCA Connect made, to read costs with them. Authenticate with an API key made in the portal (Settings, API keys) or with `npm run api-key:create`: `Authorization: Bearer <key>`. A key sees its own tenant's integrations only. Every request is recorded. Webhooks (see `webhooks`) tell when an integration is connected, fails, has its secret rotated or expiring, or is disconnected: endpoints are set on the portal's Webhooks page.",
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    security: [{ apiKey: [] }],
    paths: {
      "/integrations": {
        get: {
          operationId: "listIntegrations",
          summary: "List the key's tenant's integrations (never with secrets)",
          responses: {
            "200": {
              description: "The integrations, oldest first.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/IntegrationList" } } },
            },
            "401": unauthorized,
            "429": tooMany,
          },
        },
      },
      "/integrations/{id}": {
        get: {
          operationId: "getIntegration",
          summary: "Read one integration, with its client secret when asked",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "string" } },
            {
              name: "include",
              in: "query",
              required: false,
              description: "`secret` adds `clientSecret`; the key needs the read-secrets scope.",
              schema: { type: "string", enum: ["secret"] },
            },
          ],
          responses: {
            "200": {
              description: "The integration.",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Integration" } } },
            },
            "400": errorResponse("An unknown `include` value."),
            "401": unauthorized,
            "403": errorResponse("`include=secret` with a key that may read metadata only."),
            "404": errorResponse("No such integration in the key's tenant."),
            "429": tooMany,
          },
        },
      },
    },
    webhooks: {
      ...Object.fromEntries(
        integrationEventTypes.map((type) => [
          type,
          webhook(type, "IntegrationWebhookEvent", integrationEvents[type].summary),
        ]),
      ),
      [testEvent.type]: webhook(testEvent.type, "TestWebhookEvent", testEvent.summary),
    },
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description:
            "An MCA Connect API key (`mcak_…`), scope read-metadata or read-secrets. Shown once when made; revoked keys answer 401.",
        },
      },
      schemas: {
        Integration: integration,
        IntegrationList: integrationList,
        Error: error,
        IntegrationWebhookEvent: integrationWebhookEvent,
        TestWebhookEvent: testWebhookEvent,
      },
    },
  };
}
