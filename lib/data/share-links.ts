/**
 * Share links as stored: only the SHA-256 of each token, never the token. Writes and the owner's list
 * filter by the owner in the query; lookups by token hash or link id return only what the share page
 * and the access check need.
 */
import "server-only";

import { NotFoundError } from "@/lib/data/onboardings";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/view-types";

export type ShareScope = "view" | "act";

/** Creates a link on an onboarding its owner holds; the caller made the token and passes its hash. */
export async function createShareLink(
  owner: Actor,
  input: {
    onboardingId: string;
    tokenHash: string;
    scope: ShareScope;
    expiresAt: Date;
    purpose?: string | null;
  },
) {
  const onboarding = await db.onboarding.findFirst({
    where: { id: input.onboardingId, ownerId: owner.id },
    select: { id: true },
  });
  if (!onboarding) throw new NotFoundError();
  return db.shareLink.create({
    data: {
      onboardingId: onboarding.id,
      tokenHash: input.tokenHash,
      scope: input.scope,
      expiresAt: input.expiresAt,
      purpose: input.purpose ?? null,
      createdById: owner.id,
    },
    select: { id: true, scope: true, expiresAt: true, createdAt: true },
  });
}

/** The owner's view of an onboarding's links: live ones first, each with who opened it and when. */
export async function listShareLinks(owner: Actor, onboardingId: string) {
  return db.shareLink.findMany({
    where: { onboardingId, onboarding: { ownerId: owner.id } },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: {
      id: true,
      scope: true,
      purpose: true,
      expiresAt: true,
      revokedAt: true,
      createdAt: true,
      visits: {
        orderBy: { at: "desc" },
        take: 10,
        select: { id: true, visitorName: true, at: true },
      },
      _count: { select: { visits: true } },
    },
  });
}

export type ShareLinkListItem = Awaited<ReturnType<typeof listShareLinks>>[number];

export async function revokeShareLink(owner: Actor, linkId: string): Promise<void> {
  const result = await db.shareLink.updateMany({
    where: { id: linkId, revokedAt: null, onboarding: { ownerId: owner.id } },
    data: { revokedAt: new Date() },
  });
  if (result.count === 0) {
    const exists = await db.shareLink.count({ where: { id: linkId, onboarding: { ownerId: owner.id } } });
    if (!exists) throw new NotFoundError("Share link");
  }
}

const linkForAccess = {
  id: true,
  tokenHash: true,
  scope: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
  onboardingId: true,
  createdBy: { select: { name: true, email: true } },
  onboarding: { select: { tenantId: true, ownerId: true } },
} as const;

/** The link a token hash belongs to, live or not (the caller says why one is refused). */
export function findShareLinkByTokenHash(tokenHash: string) {
  return db.shareLink.findUnique({ where: { tokenHash }, select: linkForAccess });
}

export function findShareLink(linkId: string) {
  return db.shareLink.findUnique({ where: { id: linkId }, select: linkForAccess });
}

export type ShareLinkForAccess = NonNullable<Awaited<ReturnType<typeof findShareLink>>>;

/** Someone opened the link: anonymously when the token is exchanged, then once per signed-in person. */
export async function recordShareVisit(linkId: string, visitor: Actor | null): Promise<void> {
  if (visitor) {
    const seen = await db.shareLinkVisit.count({ where: { shareLinkId: linkId, userId: visitor.id } });
    if (seen > 0) return;
  }
  await db.shareLinkVisit.create({
    data: {
      shareLinkId: linkId,
      userId: visitor?.id ?? null,
      visitorName: visitor ? (visitor.name ?? visitor.email) : null,
    },
  });
}
