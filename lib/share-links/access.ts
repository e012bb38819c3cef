/**
 * Share links: who may see or act on an onboarding through one. A link's 256-bit token travels once,
 * in the URL it was sent with; `/s/<token>` exchanges it for a cookie bound to that link (an HMAC of
 * the link's id and token hash under the session secret) and redirects to a URL without the token. From
 * then on the cookie is the proof, checked on every page, route and action, and a revoked or expired
 * link stops working at once because the link row is read every time.
 */
import "server-only";

import { createHmac, timingSafeEqual } from "node:crypto";

import { cookies } from "next/headers";

import { getCurrentUser } from "@/lib/auth";
import { randomToken, sha256Hex } from "@/lib/crypto/cipher";
import { findShareLink, findShareLinkByTokenHash, type ShareLinkForAccess } from "@/lib/data/share-links";
import { getEnv } from "@/lib/env";
import { UserFacingError } from "@/lib/errors";
import { isId, unknownIdMessages } from "@/lib/validations/ids";
import type { AccessRole, Actor } from "@/lib/view-types";

/** base64url of 32 random bytes. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): { token: string; tokenHash: string } {
  const token = randomToken(32);
  return { token, tokenHash: sha256Hex(token) };
}

export function shareUrl(token: string): string {
  return `${getEnv().publicBaseUrl}/s/${token}`;
}

export function shareCookieName(linkId: string): string {
  return `mca_share_${linkId}`;
}

function cookieValue(link: Pick<ShareLinkForAccess, "id" | "tokenHash">): string {
  return createHmac("sha256", getEnv().sessionSecret)
    .update(`share-link:${link.id}:${link.tokenHash}`)
    .digest("base64url");
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export type ShareProblem = "unknown" | "revoked" | "expired" | "no-cookie";

function problemOf(link: ShareLinkForAccess | null, now = new Date()): ShareProblem | null {
  if (!link) return "unknown";
  if (link.revokedAt) return "revoked";
  if (link.expiresAt <= now) return "expired";
  return null;
}

/**
 * Looks a token up: by its hash, through the unique index, then compared in constant time, so neither
 * the database nor this code answers faster for a token that is nearly right.
 */
export async function exchangeShareToken(token: string): Promise<
  | { ok: true; link: ShareLinkForAccess; cookie: { name: string; value: string; expires: Date } }
  | {
      ok: false;
      problem: ShareProblem;
      expiredAt?: Date;
    }
> {
  if (!tokenPattern.test(token)) return { ok: false, problem: "unknown" };
  const tokenHash = sha256Hex(token);
  const link = await findShareLinkByTokenHash(tokenHash);
  if (link && !sameSecret(link.tokenHash, tokenHash)) return { ok: false, problem: "unknown" };
  const problem = problemOf(link);
  if (problem || !link) return { ok: false, problem: problem ?? "unknown", expiredAt: link?.expiresAt };
  return {
    ok: true,
    link,
    cookie: { name: shareCookieName(link.id), value: cookieValue(link), expires: link.expiresAt },
  };
}

export type ShareAccess = {
  ok: true;
  link: ShareLinkForAccess;
  /** What the person may do now: "act" only with an act link, signed in to the onboarding's tenant. */
  role: Exclude<AccessRole, "owner">;
  /** The signed-in person, if any. */
  user: Actor | null;
  /** Why an act link does not let this person act yet. */
  actBlockedBy: "sign-in" | "other-tenant" | null;
};

/** Reads the link's cookie and the link itself; every share page, route and action starts here. */
export async function resolveShareAccess(
  linkId: string,
): Promise<ShareAccess | { ok: false; problem: ShareProblem; expiredAt?: Date }> {
  // Link ids are ours: anything else (a NUL byte PostgreSQL would refuse, say) cannot name one. Pages and
  // routes pass the id from the URL; actions have refused a malformed one already (their schema).
  const link = isId(linkId) ? await findShareLink(linkId) : null;
  const presented = link ? (await cookies()).get(shareCookieName(link.id))?.value : undefined;
  // Without the cookie nobody learns whether the link id exists or what became of it.
  if (!link || !presented || !sameSecret(presented, cookieValue(link)))
    return { ok: false, problem: "no-cookie" };
  const problem = problemOf(link);
  if (problem) return { ok: false, problem, expiredAt: link.expiresAt };
  const user = await getCurrentUser();
  const actBlockedBy =
    link.scope !== "act"
      ? null
      : !user
        ? "sign-in"
        : user.tenantId !== link.onboarding.tenantId
          ? "other-tenant"
          : null;
  const role = link.scope === "act" && !actBlockedBy ? "act" : "view";
  return { ok: true, link, role, user, actBlockedBy };
}

export class ShareAccessError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "ShareAccessError";
  }
}

/**
 * For actions and routes that act through a link: the signed-in colleague, if the link lets them act
 * on this onboarding. Throws with a message that says what to do otherwise.
 */
export async function requireShareActor(linkId: string, onboardingId: string): Promise<Actor> {
  const access = await resolveShareAccess(linkId);
  if (!access.ok || access.link.onboardingId !== onboardingId) {
    throw new ShareAccessError(
      access.ok || access.problem === "no-cookie"
        ? unknownIdMessages.shareLink
        : access.problem === "revoked"
          ? "This share link was revoked by its owner."
          : "This share link has expired. Ask its owner for a new one.",
    );
  }
  if (access.link.scope !== "act") throw new ShareAccessError("This link lets you view progress, not act.");
  if (access.actBlockedBy === "sign-in") throw new ShareAccessError("Sign in with Microsoft to act.");
  if (access.actBlockedBy === "other-tenant") {
    throw new ShareAccessError(
      `You are signed in to another tenant. This onboarding belongs to the tenant ${access.link.onboarding.tenantId}: sign in with an account of that tenant.`,
    );
  }
  return access.user!;
}
