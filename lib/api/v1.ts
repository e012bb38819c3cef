/**
 * The cost platform's API (/api/v1): the integrations a key reaches (all tenants, chosen tenants or chosen
 * integrations; proved ones only), with the client secret only
 * when asked for (`?include=secret`) by a key allowed to read secrets. Every request made with a known
 * key is recorded (ApiKeyUse), refused ones too; every request counts against the client's rate limit
 * before any lookup. Answers are JSON, errors `{ error: { code, message } }`, never cached.
 */
import "server-only";

import { authenticateApiKey } from "@/lib/api/keys";
import { recordApiKeyUse, type ApiKeyForAccess } from "@/lib/data/api-keys";
import {
  getIntegrationForKey,
  listIntegrationsForKey,
  type IntegrationForApi,
} from "@/lib/data/integrations";
import { clientKey, consume } from "@/lib/http/rate-limit";

const baseHeaders = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};

export type ApiErrorCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "revoked_api_key"
  | "insufficient_scope"
  | "not_found"
  | "bad_request"
  | "rate_limited";

function apiError(status: number, code: ApiErrorCode, message: string, extra: Record<string, string> = {}) {
  return Response.json({ error: { code, message } }, { status, headers: { ...baseHeaders, ...extra } });
}

const bearerChallenge = (error: string) => ({
  "WWW-Authenticate": `Bearer realm="mca-connect", error="${error}"`,
});

/** The public shape of an integration, as openapi.ts describes it. */
function present(i: IntegrationForApi & { clientSecret?: string }) {
  return {
    id: i.id,
    tenantId: i.tenantId,
    clientId: i.clientId,
    ...(i.clientSecret === undefined ? {} : { clientSecret: i.clientSecret }),
    secretHint: i.secretHint,
    secretKeyId: i.secretKeyId,
    secretExpiresAt: i.secretExpiresAt?.toISOString() ?? null,
    billingAccountId: i.billingAccountName,
    billingAccountDisplayName: i.billingAccountDisplayName,
    status: i.status,
    lastVerifiedAt: i.lastVerifiedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}

type Action = "list-integrations" | "get-integration";

function reachOf(key: ApiKeyForAccess) {
  if (key.reach === "all_tenants") return { reach: "all_tenants" as const };
  if (key.reach === "integrations")
    return { reach: "integrations" as const, integrationIds: key.integrationIds };
  return { reach: "tenants" as const, tenantIds: key.tenantIds };
}

/** Rate limit, then the key: the answer for a refused request, or the key to go on with. */
async function admit(
  request: Request,
  action: Action,
  integrationId: string | null,
): Promise<{ ok: true; key: ApiKeyForAccess } | { ok: false; response: Response }> {
  const allowed = await consume("api", request.headers);
  if (!allowed.ok) {
    return {
      ok: false,
      response: apiError(
        429,
        "rate_limited",
        `Too many requests from this address. Retry after ${allowed.retryAfterSec} seconds.`,
        { "Retry-After": String(allowed.retryAfterSec) },
      ),
    };
  }
  const auth = await authenticateApiKey(request.headers.get("authorization"));
  if (auth.ok) return auth;
  if (auth.problem === "missing") {
    return {
      ok: false,
      response: apiError(
        401,
        "missing_api_key",
        "Send an API key as `Authorization: Bearer <key>`. Keys are made in the portal under Settings, API keys.",
        bearerChallenge("invalid_request"),
      ),
    };
  }
  if (auth.problem === "revoked") {
    await audit(request, auth.key!, action, integrationId, 401, false);
    return {
      ok: false,
      response: apiError(
        401,
        "revoked_api_key",
        auth.key?.revokedReason
          ? `This API key was revoked: only keys made by the portal's operators work. Ask an operator for a new one.`
          : "This API key was revoked. Ask an operator for a new one.",
        bearerChallenge("invalid_token"),
      ),
    };
  }
  return {
    ok: false,
    response: apiError(
      401,
      "invalid_api_key",
      "This API key is not known.",
      bearerChallenge("invalid_token"),
    ),
  };
}

function audit(
  request: Request,
  key: ApiKeyForAccess,
  action: Action,
  integrationId: string | null,
  status: number,
  secretRead: boolean,
) {
  return recordApiKeyUse({
    apiKeyId: key.id,
    action,
    integrationId,
    status,
    secretRead,
    clientAddress: clientKey(request.headers),
    userAgent: request.headers.get("user-agent"),
  });
}

/** GET /api/v1/integrations */
export async function listIntegrations(request: Request): Promise<Response> {
  const admitted = await admit(request, "list-integrations", null);
  if (!admitted.ok) return admitted.response;
  const { key } = admitted;
  const rows = await listIntegrationsForKey(reachOf(key));
  await audit(request, key, "list-integrations", null, 200, false);
  return Response.json({ data: rows.map(present) }, { headers: baseHeaders });
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

/** GET /api/v1/integrations/{id}[?include=secret] */
export async function getIntegration(request: Request, id: string): Promise<Response> {
  const include = new URL(request.url).searchParams.getAll("include");
  const admitted = await admit(request, "get-integration", idPattern.test(id) ? id : null);
  if (!admitted.ok) return admitted.response;
  const { key } = admitted;
  if (include.some((value) => value !== "secret")) {
    await audit(request, key, "get-integration", null, 400, false);
    return apiError(400, "bad_request", "`include` takes one value: secret.");
  }
  const wantsSecret = include.includes("secret");
  if (wantsSecret && key.scope !== "read_secrets") {
    await audit(request, key, "get-integration", idPattern.test(id) ? id : null, 403, false);
    return apiError(
      403,
      "insufficient_scope",
      "This API key may read integrations' metadata only, not their secrets. Use a key with the read-secrets scope.",
      { "WWW-Authenticate": 'Bearer realm="mca-connect", error="insufficient_scope", scope="read-secrets"' },
    );
  }
  const integration = idPattern.test(id)
    ? await getIntegrationForKey(reachOf(key), id, { withSecret: wantsSecret })
    : null;
  if (!integration) {
    await audit(request, key, "get-integration", idPattern.test(id) ? id : null, 404, false);
    return apiError(404, "not_found", "No integration with this id within this API key's reach.");
  }
  await audit(request, key, "get-integration", integration.id, 200, wantsSecret);
  return Response.json(present(integration), { headers: baseHeaders });
}
