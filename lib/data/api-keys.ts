import "server-only";

import { db } from "@/lib/db";
import type { ApiKeyScope } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/view-types";
import { unknownIdMessages } from "@/lib/validations/ids";

export type { ApiKeyScope };

export class ApiKeyNotAllowedError extends Error {
  constructor() {
    super(
      "Only someone who connected a billing account of this tenant in the portal may make or revoke its API keys.",
    );
    this.name = "ApiKeyNotAllowedError";
  }
}

/**
 * A key reads every secret of its tenant, and anyone of the tenant may sign in to the portal: so only a
 * person who owns an integration there (who held such a secret already) manages the tenant's keys.
 */
export async function mayManageApiKeys(actor: Actor): Promise<boolean> {
  const owned = await db.integration.count({ where: { tenantId: actor.tenantId, ownerId: actor.id } });
  return owned > 0;
}

/** Stores a new key by its hash. `creator` is the signed-in operator, or null for the headless command. */
export async function createApiKey(
  creator: Actor | null,
  input: { tenantId: string; name: string; scope: ApiKeyScope; tokenHash: string; tokenPrefix: string },
) {
  if (creator && (creator.tenantId !== input.tenantId || !(await mayManageApiKeys(creator))))
    throw new ApiKeyNotAllowedError();
  return db.apiKey.create({
    data: { ...input, createdById: creator?.id ?? null },
    select: { id: true, name: true, scope: true, tenantId: true, tokenPrefix: true, createdAt: true },
  });
}

/** The keys of the operator's tenant, newest first: never their hashes. */
export function listApiKeys(actor: Actor) {
  return db.apiKey.findMany({
    where: { tenantId: actor.tenantId },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      name: true,
      scope: true,
      tokenPrefix: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { name: true, email: true } },
    },
  });
}

export type ApiKeyListItem = Awaited<ReturnType<typeof listApiKeys>>[number];

export class ApiKeyNotFoundError extends Error {
  constructor() {
    super(unknownIdMessages.apiKey);
    this.name = "ApiKeyNotFoundError";
  }
}

/** Revokes a key of the operator's tenant; it stops working at the next request. */
export async function revokeApiKey(actor: Actor, keyId: string): Promise<void> {
  if (!(await mayManageApiKeys(actor))) throw new ApiKeyNotAllowedError();
  const { count } = await db.apiKey.updateMany({
    where: { id: keyId, tenantId: actor.tenantId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) {
    const exists = await db.apiKey.findFirst({ where: { id: keyId, tenantId: actor.tenantId } });
    if (!exists) throw new ApiKeyNotFoundError();
  }
}

export function findApiKeyByTokenHash(tokenHash: string) {
  return db.apiKey.findUnique({
    where: { tokenHash },
    select: { id: true, tenantId: true, scope: true, tokenHash: true, revokedAt: true, name: true },
  });
}

export type ApiKeyForAccess = NonNullable<Awaited<ReturnType<typeof findApiKeyByTokenHash>>>;

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
