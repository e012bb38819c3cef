/**
 * A person's Vantage API token: encrypted bound to its user, its value read only by the delivery job
 * (never returned to a page), with the workspaces GET /me listed and the ones the person chose.
 */
import "server-only";

import { vantageTokenContext } from "@/lib/crypto/contexts";
import { decryptSecret, encryptSecret } from "@/lib/crypto/vault";
import { asJson } from "@/lib/data/steps";
import { db } from "@/lib/db";
import { UserFacingError } from "@/lib/errors";
import type { VantageMe, VantageWorkspace } from "@/lib/vantage/client";
import type { Actor } from "@/lib/view-types";

/** What a page shows of the token: never its value, only its first characters. */
export type VantageTokenView = {
  hint: string;
  workspaces: VantageWorkspace[];
  workspaceTokens: string[];
  scopes: string[];
  checkedAt: Date;
};

export class VantageTokenError extends UserFacingError {
  constructor(message: string) {
    super(message);
    this.name = "VantageTokenError";
  }
}

/** A token's first characters: enough to tell two apart, far too few to use. */
export function tokenHint(token: string) {
  return `${token.slice(0, Math.min(8, Math.floor(token.length / 4)))}…`;
}

function workspacesOf(value: unknown): VantageWorkspace[] {
  return Array.isArray(value)
    ? value.filter(
        (w): w is VantageWorkspace =>
          typeof w === "object" && w !== null && typeof (w as VantageWorkspace).token === "string",
      )
    : [];
}

export async function getVantageTokenView(actor: Actor): Promise<VantageTokenView | null> {
  const row = await db.vantageToken.findUnique({
    where: { userId: actor.id },
    select: { tokenHint: true, workspaces: true, workspaceTokens: true, scopes: true, checkedAt: true },
  });
  if (!row) return null;
  return {
    hint: row.tokenHint,
    workspaces: workspacesOf(row.workspaces),
    workspaceTokens: row.workspaceTokens,
    scopes: row.scopes,
    checkedAt: row.checkedAt,
  };
}

/**
 * Saves a token GET /me accepted (a new one, or one replacing the last). The workspaces chosen before
 * stay chosen where the new token sees them; otherwise Vantage's default workspace is.
 */
export async function saveVantageToken(actor: Actor, token: string, me: VantageMe) {
  const previous = await db.vantageToken.findUnique({
    where: { userId: actor.id },
    select: { workspaceTokens: true },
  });
  const seen = new Set(me.workspaces.map((w) => w.token));
  const kept = (previous?.workspaceTokens ?? []).filter((t) => seen.has(t));
  const fallback =
    me.defaultWorkspaceToken && seen.has(me.defaultWorkspaceToken)
      ? [me.defaultWorkspaceToken]
      : me.workspaces.slice(0, 1).map((w) => w.token);
  const sealed = encryptSecret(token, vantageTokenContext(actor.id));
  const data = {
    tokenCiphertext: sealed.ciphertext,
    tokenEncryptionKeyId: sealed.keyId,
    tokenHint: tokenHint(token),
    workspaces: asJson(me.workspaces),
    workspaceTokens: kept.length ? kept : fallback,
    scopes: me.scopes ?? [],
    checkedAt: new Date(),
  };
  await db.vantageToken.upsert({
    where: { userId: actor.id },
    create: { userId: actor.id, ...data },
    update: data,
  });
}

/** The workspaces new Vantage integrations go in: some of those the token sees. */
export async function chooseVantageWorkspaces(actor: Actor, tokens: string[]) {
  const row = await db.vantageToken.findUnique({
    where: { userId: actor.id },
    select: { workspaces: true },
  });
  if (!row) throw new VantageTokenError("Add a Vantage API token first.");
  const seen = new Set(workspacesOf(row.workspaces).map((w) => w.token));
  const chosen = [...new Set(tokens)].filter((t) => seen.has(t));
  if (chosen.length === 0 || chosen.length !== new Set(tokens).size)
    throw new VantageTokenError("Choose at least one of the workspaces listed.");
  await db.vantageToken.update({ where: { userId: actor.id }, data: { workspaceTokens: chosen } });
}

export async function removeVantageToken(actor: Actor) {
  await db.vantageToken.deleteMany({ where: { userId: actor.id } });
}

/** For the delivery job only: the token's value and the chosen workspaces of a user; null when none. */
export async function vantageTokenOfUser(userId: string) {
  const row = await db.vantageToken.findUnique({
    where: { userId },
    select: { tokenCiphertext: true, tokenEncryptionKeyId: true, workspaceTokens: true, updatedAt: true },
  });
  if (!row) return null;
  return {
    token: decryptSecret(
      { ciphertext: row.tokenCiphertext, keyId: row.tokenEncryptionKeyId },
      vantageTokenContext(userId),
    ),
    workspaceTokens: row.workspaceTokens,
    updatedAt: row.updatedAt,
  };
}
