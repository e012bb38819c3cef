/**
 * The copy panel's password: an integration's client secret, handed to its owner alone, once per click,
 * only shortly after Entra authenticated them (a session left open on a shared desk does not reveal it),
 * and each time written to the onboarding's audit record. Share links never reach it.
 */
import "server-only";

import { integrationSecretContext } from "@/lib/crypto/contexts";
import { decryptSecret } from "@/lib/crypto/vault";
import { recordAudit } from "@/lib/data/audit";
import { NotFoundError } from "@/lib/data/onboardings";
import { db } from "@/lib/db";
import { UserFacingError } from "@/lib/errors";
import type { Actor } from "@/lib/view-types";

/** How recent the sign-in must be: long enough to come back from Entra and click, short for a desk. */
export const freshSignInMs = 5 * 60_000;

export const revealAuditAction = "Client secret revealed";

/** A reveal refused for a reason the owner can fix; `signInAgain` when a fresh sign-in is what is missing. */
export class RevealError extends UserFacingError {
  constructor(
    message: string,
    readonly signInAgain = false,
  ) {
    super(message);
    this.name = "RevealError";
  }
}

export function signedInRecently(actor: Actor, now = Date.now()) {
  const at = actor.signedInAt?.getTime();
  // A little ahead of our clock is Entra's clock, not a future sign-in.
  return at !== undefined && !Number.isNaN(at) && now - at <= freshSignInMs && at - now <= 60_000;
}

/** The owner's integration's secret, decrypted; refused before any decryption for anyone else. */
export async function revealClientSecret(actor: Actor, onboardingId: string): Promise<string> {
  const onboarding = await db.onboarding.findFirst({
    where: { id: onboardingId, ownerId: actor.id, tenantId: actor.tenantId },
    select: {
      id: true,
      integration: {
        select: {
          id: true,
          clientId: true,
          status: true,
          secretCiphertext: true,
          secretEncryptionKeyId: true,
        },
      },
    },
  });
  if (!onboarding) throw new NotFoundError();
  const integration = onboarding.integration;
  if (!integration)
    throw new RevealError("There is no password to reveal yet: it is shown once step 5 has connected.");
  if (integration.status === "disconnected")
    throw new RevealError("This connection is disconnected: its app and password are gone from Azure.");
  if (!actor.signedInAt)
    // A session from before this check, or an app registration without the auth_time claim (README).
    throw new RevealError(
      "To reveal the password, sign in again. If this keeps coming back after you signed in, Microsoft is not saying when you signed in: ask whoever runs this portal to add the auth_time optional claim to its app registration.",
      true,
    );
  if (!signedInRecently(actor))
    throw new RevealError(
      "To reveal the password, sign in again: it is shown only within 5 minutes of signing in.",
      true,
    );
  const secret = decryptSecret(
    { ciphertext: integration.secretCiphertext, keyId: integration.secretEncryptionKeyId },
    integrationSecretContext(integration.id),
  );
  await recordAudit(onboarding.id, actor, {
    action: revealAuditAction,
    target: integration.clientId,
    outcome: "success",
  });
  return secret;
}
