/**
 * Manual mode's paste-back, as stored: the four values go onto the onboarding (the secret as the
 * caller sealed it), steps 1 to 4 are recorded as done by hand, step 5 is reset so its check starts
 * afresh, and an audit event says who pasted what (never the secret). One transaction: a half-stored
 * paste would leave a secret that matches no app.
 */
import "server-only";

import type { Sealed } from "@/lib/crypto/cipher";
import { NotFoundError } from "@/lib/data/onboardings";
import { db } from "@/lib/db";
import { UserFacingError } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "@/lib/onboardings/types";

export class StepsBusyError extends UserFacingError {
  constructor() {
    super("Steps of this onboarding are running right now. Wait until they stop, then paste again.");
    this.name = "StepsBusyError";
  }
}

export type PastedCredentials = {
  clientId: string;
  secret: Sealed;
  secretHint: string;
  billingAccountName: string;
};

const byHandSteps = ["app-registration", "client-secret", "billing-account", "role-assignment"] as const;

export async function savePastedCredentials(
  actor: Actor,
  onboardingId: string,
  pasted: PastedCredentials,
): Promise<void> {
  const onboarding = await db.onboarding.findFirst({
    where: { id: onboardingId, ownerId: actor.id },
    select: {
      id: true,
      tenantId: true,
      clientId: true,
      billingAccountName: true,
      steps: { select: { stepId: true, status: true, leaseExpiresAt: true } },
    },
  });
  if (!onboarding) throw new NotFoundError();
  const now = new Date();
  if (onboarding.steps.some((s) => s.status === "running" && s.leaseExpiresAt && s.leaseExpiresAt > now))
    throw new StepsBusyError();

  // Ids Azure gave an automated run stay only while they belong to the same app and account.
  const sameApp = onboarding.clientId?.toLowerCase() === pasted.clientId.toLowerCase();
  const sameAccount = onboarding.billingAccountName === pasted.billingAccountName;
  const note = "Done by hand; the values were pasted back.";
  const outputs: Record<(typeof byHandSteps)[number], Record<string, unknown>> = {
    "app-registration": { byHand: true, note, tenantId: onboarding.tenantId, clientId: pasted.clientId },
    "client-secret": { byHand: true, note, secretHint: `${pasted.secretHint}…` },
    "billing-account": { byHand: true, note, billingAccountName: pasted.billingAccountName },
    "role-assignment": { byHand: true, note, role: "Billing account reader" },
  };

  await db.$transaction(async (tx) => {
    await tx.onboarding.update({
      where: { id: onboardingId },
      data: {
        clientId: pasted.clientId,
        ...(sameApp ? {} : { applicationObjectId: null, servicePrincipalId: null }),
        secretKeyId: null,
        secretCiphertext: pasted.secret.ciphertext,
        secretEncryptionKeyId: pasted.secret.keyId,
        secretHint: pasted.secretHint,
        secretExpiresAt: null,
        billingAccountName: pasted.billingAccountName,
        ...(sameAccount ? {} : { billingAccountDisplayName: null }),
        ...(sameApp && sameAccount ? {} : { roleAssignmentId: null, roleAssignmentName: null }),
        status: "in_progress",
        version: { increment: 1 },
      },
    });
    for (const stepId of byHandSteps) {
      await tx.onboardingStep.update({
        where: { onboardingId_stepId: { onboardingId, stepId } },
        data: {
          status: "done",
          outputs: outputs[stepId] as Prisma.InputJsonValue,
          error: Prisma.DbNull,
          nextAttemptAt: null,
          leaseOwner: null,
          leaseExpiresAt: null,
          startedAt: now,
          finishedAt: now,
          version: { increment: 1 },
        },
      });
    }
    // Step 5 starts afresh, so its patience with Azure counts from this paste.
    await tx.onboardingStep.update({
      where: { onboardingId_stepId: { onboardingId, stepId: "verify" } },
      data: {
        status: "not_started",
        outputs: {},
        error: Prisma.DbNull,
        attempts: 0,
        nextAttemptAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
        startedAt: null,
        finishedAt: null,
        version: { increment: 1 },
      },
    });
    await tx.auditEvent.create({
      data: {
        onboardingId,
        actorId: actor.id,
        actorName: actor.name ?? actor.email ?? "Unknown user",
        action: "Credentials pasted",
        target: pasted.clientId,
        outcome: "success",
        detail: {
          tenantId: onboarding.tenantId,
          billingAccount: pasted.billingAccountName,
          byHand: byHandSteps,
        },
      },
    });
  });
}

/** Another onboarding's integration with exactly these values (the schema allows one), if any. */
export async function integrationOfAnotherOnboarding(
  tenantId: string,
  billingAccountName: string,
  clientId: string,
  onboardingId: string,
): Promise<{ status: string; onboardingId: string | null } | null> {
  return db.integration.findFirst({
    where: {
      tenantId,
      billingAccountName,
      clientId,
      OR: [{ onboardingId: null }, { onboardingId: { not: onboardingId } }],
    },
    select: { status: true, onboardingId: true },
  });
}
