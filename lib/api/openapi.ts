/**
 * The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json. Its schemas are JSON Schema
 * 2020-12; lib/api/v1.test.ts validates the API's real answers against them, so the two cannot drift.
 */

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
        "Read the Azure billing connections (integrations) MCA Connect made, to read costs with them. Authenticate with an API key made in the portal (Settings, API keys) or with `npm run api-key:create`: `Authorization: Bearer <key>`. A key sees its own tenant's integrations only. Every request is recorded. Webhooks are not available yet: poll the list.",
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
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description:
            "An MCA Connect API key (`mcak_…`), scope read-metadata or read-secrets. Shown once when made; revoked keys answer 401.",
        },
      },
      schemas: { Integration: integration, IntegrationList: integrationList, Error: error },
    },
  };
}
