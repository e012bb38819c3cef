import "server-only";

import { isNamedOperator, OperatorOnlyError, requireOperator } from "@/lib/data/operators";
import { db } from "@/lib/db";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import type { ApiKeyReach, ApiKeyScope } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/view-types";

export type { ApiKeyReach, ApiKeyScope };

/** What a key reads: every tenant's integrations, the listed tenants', or the listed integrations. */
export type KeyReach =
  | { reach: "all_tenants" }
  | { reach: "tenants"; tenantIds: string[] }
  | { reach: "integrations"; integrationIds: string[] };

export class ApiKeyNotFoundError extends NotFoundError {
  constructor() {
    super("apiKey");
    this.name = "ApiKeyNotFoundError";
  }
}

export class ApiKeyIntegrationsUnknownError extends UserFacingError {
  constructor(ids: string[]) {
    super(
      `No integration with the id ${ids.join(", ")}. Copy ids from the integrations list (they start with int_).`,
      "integrationIds",
    );
    this.name = "ApiKeyIntegrationsUnknownError";
  }
}

/** The revocation reason recorded for a key whose maker is not (or no longer) an operator. */
export const notOperatorReason = (maker: string) =>
  `Revoked by the portal: made by ${maker}, who is not one of the operators named in its configuration (OPERATORS). Only operators make keys; ask one for a new key.`;

/**
 * Stores a new key by its hash. `creator` is the signed-in operator, or null for the headless command
 * (run by whoever runs the deployment, with its database in hand).
 */
export async function createApiKey(
  creator: Actor | null,
  input: {
    name: string;
    scope: ApiKeyScope;
    tokenHash: string;
    tokenPrefix: string;
  } & KeyReach,
) {
  if (creator) await requireOperator(creator, "make API keys");
  const tenantIds = input.reach === "tenants" ? [...new Set(input.tenantIds)] : [];
  const integrationIds = input.reach === "integrations" ? [...new Set(input.integrationIds)] : [];
  if (input.reach === "integrations") {
    const found = await db.integration.findMany({
      where: { id: { in: integrationIds }, status: { not: "pending" } },
      select: { id: true },
    });
    const known = new Set(found.map((i) => i.id));
    const unknown = integrationIds.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new ApiKeyIntegrationsUnknownError(unknown);
  }
  return db.apiKey.create({
    data: {
      name: input.name,
      scope: input.scope,
      tokenHash: input.tokenHash,
      tokenPrefix: input.tokenPrefix,
      reach: input.reach,
      tenantIds,
      integrationIds,
      createdById: creator?.id ?? null,
    },
    select: {
      id: true,
      name: true,
      scope: true,
      reach: true,
      tenantIds: true,
      integrationIds: true,
      tokenPrefix: true,
      createdAt: true,
    },
  });
}

/** Every key, newest first, for operators: never their hashes. */
export async function listApiKeys(actor: Actor) {
  await requireOperator(actor, "see API keys");
  return db.apiKey.findMany({
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      scope: true,
      reach: true,
      tenantIds: true,
      integrationIds: true,
      tokenPrefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      revokedReason: true,
      createdBy: { select: { name: true, email: true } },
    },
  });
}

export type ApiKeyListItem = Awaited<ReturnType<typeof listApiKeys>>[number];

/** Revokes a key (an operator's click); it stops working at the next request. */
export async function revokeApiKey(actor: Actor, keyId: string): Promise<void> {
  await requireOperator(actor, "revoke API keys");
  const { count } = await db.apiKey.updateMany({
    where: { id: keyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0 && !(await db.apiKey.findUnique({ where: { id: keyId }, select: { id: true } })))
    throw new ApiKeyNotFoundError();
}

export function findApiKeyByTokenHash(tokenHash: string) {
  return db.apiKey.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      scope: true,
      reach: true,
      tenantIds: true,
      integrationIds: true,
      tokenHash: true,
      revokedAt: true,
      revokedReason: true,
      name: true,
      createdById: true,
      createdBy: { select: { tenantId: true, entraObjectId: true, name: true, email: true } },
    },
  });
}

export type ApiKeyForAccess = NonNullable<Awaited<ReturnType<typeof findApiKeyByTokenHash>>>;

/**
 * A key made in the portal works only while its maker is an operator. One that fails this is revoked on
 * the spot, with the reason, so the list says why it stopped.
 */
export async function revokeIfMakerNotOperator(key: ApiKeyForAccess): Promise<ApiKeyForAccess> {
  if (key.revokedAt || !key.createdById) return key;
  if (key.createdBy && isNamedOperator(key.createdBy)) return key;
  const maker = key.createdBy?.name ?? key.createdBy?.email ?? "someone no longer known to the portal";
  const revokedAt = new Date();
  const reason = notOperatorReason(maker);
  await db.apiKey.updateMany({
    where: { id: key.id, revokedAt: null },
    data: { revokedAt, revokedReason: reason },
  });
  return { ...key, revokedAt, revokedReason: reason };
}

/**
 * Revokes every key, and disables every webhook endpoint, made in the portal by someone who is not an
 * operator: keys and endpoints from before operators were named, or of a person since taken off the list.
 * Run when the portal starts; the API checks each key's maker again on every request.
 */
export async function revokeGrantsOfNonOperators(now = new Date()) {
  const madeBy = {
    where: { createdById: { not: null } },
    select: {
      id: true,
      createdBy: { select: { tenantId: true, entraObjectId: true, name: true, email: true } },
    },
  } as const;
  const revoked = await endGrantsOfNonOperators(
    await db.apiKey.findMany({ ...madeBy, where: { ...madeBy.where, revokedAt: null } }),
    async (id, maker) =>
      (
        await db.apiKey.updateMany({
          where: { id, revokedAt: null },
          data: { revokedAt: now, revokedReason: notOperatorReason(maker) },
        })
      ).count,
  );
  const disabled = await endGrantsOfNonOperators(
    await db.webhookEndpoint.findMany({ ...madeBy, where: { ...madeBy.where, disabledAt: null } }),
    async (id, maker) =>
      (
        await db.webhookEndpoint.updateMany({
          where: { id, disabledAt: null },
          data: {
            disabledAt: now,
            disabledReason: `Disabled by the portal: made by ${maker}, who is not one of the operators named in its configuration (OPERATORS). Only operators manage webhooks.`,
          },
        })
      ).count,
  );
  return { revoked, disabled };
}

/** Ends each grant (`end` by id, with its maker's name) whose maker is not a named operator: how many. */
async function endGrantsOfNonOperators(
  grants: {
    id: string;
    createdBy: { tenantId: string; entraObjectId: string; name: string | null; email: string | null } | null;
  }[],
  end: (id: string, maker: string) => Promise<number>,
): Promise<number> {
  let ended = 0;
  for (const grant of grants) {
    if (grant.createdBy && isNamedOperator(grant.createdBy)) continue;
    ended += await end(
      grant.id,
      grant.createdBy?.name ?? grant.createdBy?.email ?? "someone no longer known to the portal",
    );
  }
  return ended;
}

export { OperatorOnlyError };

/** One request made with a key, allowed or refused. */
export async function recordApiKeyUse(input: {
  apiKeyId: string;
  action: "list-integrations" | "get-integration";
  integrationId: string | null;
  status: number;
  secretRead: boolean;
  clientAddress: string;
  userAgent: string | null;
}) {
  await db.$transaction([
    db.apiKeyUse.create({ data: { ...input, userAgent: input.userAgent?.slice(0, 300) ?? null } }),
    db.apiKey.update({ where: { id: input.apiKeyId }, data: { lastUsedAt: new Date() } }),
  ]);
}
