"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { getIntegrationForManagingOrThrow } from "@/lib/data/integration-operations";
import { ConfirmationMismatchError, startDisconnect, startRotation } from "@/lib/lifecycle";
import { disconnectSchema, rotateSecretSchema } from "@/lib/validations/integrations";

// How long an action may spend on the change before it answers; the background job continues after.
const actionBudgetMs = 6_000;

function revalidateIntegration(integrationId: string, onboardingId: string | null) {
  if (onboardingId) revalidatePath(`/onboardings/${onboardingId}`);
  revalidatePath(`/integrations/${integrationId}`);
}

/**
 * Rotates an integration's secret with overlap, as its owner signed in to its tenant (their delegated
 * token): a new secret is added, verified and handed over now; the old one goes after the grace period.
 * Posting again while a rotation is open continues that one (a second click makes no second secret).
 */
export async function rotateSecretAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    rotateSecretSchema,
    formValues(formData),
    async (actor, { integrationId, graceMinutes }) => {
      const integration = await getIntegrationForManagingOrThrow(actor, integrationId);
      await startRotation(actor, integrationId, { graceMinutes, budgetMs: actionBudgetMs });
      revalidateIntegration(integrationId, integration.onboardingId);
      return { ok: true, data: undefined, message: "Rotation started: see its progress below." };
    },
  );
}

/**
 * Disconnects an integration after the typed confirmation: removes its role assignment, secrets,
 * service principal and app in Azure. Posting again continues an interrupted disconnect.
 */
export async function disconnectIntegrationAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(disconnectSchema, formValues(formData), async (actor, { integrationId, confirmation }) => {
    const integration = await getIntegrationForManagingOrThrow(actor, integrationId);
    try {
      await startDisconnect(actor, integrationId, confirmation, { budgetMs: actionBudgetMs });
    } catch (error) {
      if (error instanceof ConfirmationMismatchError)
        return { ok: false, message: error.message, fieldErrors: { confirmation: [error.message] } };
      throw error;
    }
    revalidateIntegration(integrationId, integration.onboardingId);
    return { ok: true, data: undefined };
  });
}
