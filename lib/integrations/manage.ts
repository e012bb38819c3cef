/**
 * What the actions call: start a rotation or a disconnect of an integration the actor owns, run it as
 * far as this request's budget allows, and leave the rest to the background job (lib/jobs/background).
 */
import "server-only";

import {
  getIntegrationForManagingOrThrow,
  IntegrationOperationError,
  retryOperation,
  secretStepsInFlight,
  startOperation,
} from "@/lib/data/integration-operations";
import { cancelOpenSteps } from "@/lib/data/steps";
import { getEnv } from "@/lib/env";
import { runDueOperations, runOperation } from "@/lib/integrations/operations";
import type { BackgroundJob } from "@/lib/jobs/background";
import type { Actor } from "@/lib/view-types";

const daySeconds = 86_400;

/**
 * The grace periods a person may choose in the rotate dialog, in seconds: the operator's default, or
 * longer.
 */
export function graceChoices(): number[] {
  const standard = getEnv().rotationGraceSeconds;
  return [...new Set([standard, daySeconds, 3 * daySeconds, 7 * daySeconds])]
    .filter((m) => m >= standard)
    .sort((a, b) => a - b);
}

/**
 * Starts (or joins) a rotation of the integration's secret. `graceSeconds` must be one of
 * graceChoices(); the operator's default when absent.
 */
export async function startRotation(
  actor: Actor,
  integrationId: string,
  options: { graceSeconds?: number; budgetMs?: number } = {},
) {
  const integration = await getIntegrationForManagingOrThrow(actor, integrationId);
  if (integration.status === "disconnected")
    throw new IntegrationOperationError("This integration is disconnected; there is no secret to rotate.");
  if (!integration.onboarding?.applicationObjectId || !integration.secretKeyId)
    throw new IntegrationOperationError(
      "This integration's secret was pasted by hand, so the portal cannot rotate it: add a new secret in Azure and paste it again.",
    );
  // A redo of step 2 in flight holds a new secret only the onboarding knows: the rotation would remove it.
  if (integration.onboardingId && (await secretStepsInFlight(integration.onboardingId)))
    throw new IntegrationOperationError(
      "Step 2 is being redone on this integration's onboarding (or step 1 or 5 is running), with a new secret of its own. Rotate after those steps have finished.",
    );
  const graceSeconds = options.graceSeconds ?? getEnv().rotationGraceSeconds;
  if (!graceChoices().includes(graceSeconds))
    throw new IntegrationOperationError("Choose one of the grace periods offered.");
  const { operation } = await startOperation({
    integrationId,
    onboardingId: integration.onboardingId,
    tenantId: integration.tenantId,
    kind: "rotate_secret",
    phase: "add",
    actorId: actor.id,
    retiringKeyId: integration.secretKeyId,
    graceMs: graceSeconds * 1000,
  });
  await retryOperation(operation.id, actor.id);
  await runOperation(operation.id, { budgetMs: options.budgetMs ?? 6_000 });
  return operation.id;
}

/** What a person must type to disconnect: the billing account's name or the app's. */
export function confirmationMatches(
  typed: string,
  integration: {
    billingAccountDisplayName: string | null;
    billingAccountName: string;
    onboarding: { appDisplayName: string } | null;
  },
): boolean {
  const norm = (s: string) => s.trim().toLowerCase();
  const accepted = [
    integration.billingAccountDisplayName,
    integration.billingAccountName,
    integration.onboarding?.appDisplayName,
  ].filter((s): s is string => Boolean(s));
  return accepted.some((s) => norm(s) === norm(typed));
}

export class ConfirmationMismatchError extends IntegrationOperationError {
  constructor(message: string) {
    super(message, "confirmation");
    this.name = "ConfirmationMismatchError";
  }
}

/** Starts (or continues) a disconnect, after the typed confirmation matched. */
export async function startDisconnect(
  actor: Actor,
  integrationId: string,
  confirmation: string,
  options: { budgetMs?: number } = {},
) {
  const integration = await getIntegrationForManagingOrThrow(actor, integrationId);
  if (!confirmationMatches(confirmation, integration))
    throw new ConfirmationMismatchError(
      "Type the billing account's name or the app's name exactly as shown to confirm.",
    );
  if (integration.status === "disconnected")
    throw new IntegrationOperationError("This integration is already disconnected.");
  const { operation } = await startOperation({
    integrationId,
    onboardingId: integration.onboardingId,
    tenantId: integration.tenantId,
    kind: "disconnect",
    phase: "role",
    actorId: actor.id,
  });
  // Whatever the onboarding had queued would work on objects about to be removed: it stops now. A step
  // queued after this line is cancelled by the engine when it takes the step's lease.
  if (integration.onboardingId)
    await cancelOpenSteps(
      integration.onboardingId,
      "Cancelled: this connection is being disconnected, so its steps no longer run. Start a new onboarding to connect the billing account again.",
    );
  await retryOperation(operation.id, actor.id);
  await runOperation(operation.id, { budgetMs: options.budgetMs ?? 8_000 });
  return operation.id;
}

/** The periodic job: finishes due rotations (the old secret after grace) and interrupted disconnects. */
export const integrationOperationsJob: BackgroundJob = {
  name: "integration-operations",
  everyMs: 5_000,
  run: (now) => runDueOperations(now),
};
