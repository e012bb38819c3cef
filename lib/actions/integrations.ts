"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { getIntegrationForManagingOrThrow } from "@/lib/data/integration-operations";
import { getIntegrationForOwnerOrThrow } from "@/lib/data/integration-views";
import { utcTime } from "@/lib/format";
import { consumeKey } from "@/lib/http/rate-limit";
import { checkIntegration } from "@/lib/integrations/health";
import { startDisconnect, startRotation } from "@/lib/integrations/manage";
import { checkIntegrationSchema, disconnectSchema, rotateSecretSchema } from "@/lib/validations/integrations";

/**
 * "Check now": the owner re-verifies one integration at once, as the health job would (under the same
 * lease, so never twice at the same moment). A few per person and integration every five minutes, since
 * each is a Cost Management query.
 */
export async function checkIntegrationAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(checkIntegrationSchema, formValues(formData), async (actor, { integrationId }) => {
    // Not the owner's (or no such id): the wrapper answers with the one not-found message.
    const integration = await getIntegrationForOwnerOrThrow(actor, integrationId);
    if (integration.status !== "active" && integration.status !== "failing")
      return {
        ok: false,
        message:
          integration.status === "pending"
            ? "This integration is not connected yet: finish its onboarding first (step 5 verifies it)."
            : "This integration is no longer connected, so there is nothing to check.",
      };
    const allowed = await consumeKey("integration-check", `${actor.id}:${integration.id}`);
    if (!allowed.ok) {
      const minutes = Math.ceil(allowed.retryAfterSec / 60);
      return {
        ok: false,
        message: `You checked this integration a few times just now; Azure allows only a few cost queries a minute. Try again in ${minutes === 1 ? "a minute" : `${minutes} minutes`}.`,
      };
    }
    const result = await checkIntegration(integration.id, { force: true });
    revalidatePath(`/integrations/${integration.id}`);
    revalidatePath("/integrations");
    switch (result.outcome) {
      case "active":
        return {
          ok: true,
          data: undefined,
          message: "Working: the app signed in, read the billing account and its costs.",
        };
      case "failing":
        return { ok: true, data: undefined, message: `Failing: ${result.message}` };
      case "deferred":
        return {
          ok: true,
          data: undefined,
          message:
            result.reason === "throttled"
              ? `Azure asked us to wait (too many cost queries). The next check runs at ${utcTime(result.retryAtMs)}.`
              : `Azure did not answer. Nothing changed; the next check runs at ${utcTime(result.retryAtMs)}.`,
        };
      case "busy":
        return {
          ok: false,
          message: "A check of this integration is running right now; its result shows here in a moment.",
        };
    }
  });
}

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
    async (actor, { integrationId, graceSeconds }) => {
      const integration = await getIntegrationForManagingOrThrow(actor, integrationId);
      await startRotation(actor, integrationId, { graceSeconds, budgetMs: actionBudgetMs });
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
    await startDisconnect(actor, integrationId, confirmation, { budgetMs: actionBudgetMs });
    revalidateIntegration(integrationId, integration.onboardingId);
    return { ok: true, data: undefined };
  });
}
