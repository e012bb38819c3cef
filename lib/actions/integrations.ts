"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { getIntegrationForOwnerOrThrow, IntegrationNotFoundError } from "@/lib/data/integration-views";
import { checkIntegration } from "@/lib/integrations/health";
import { consumeKey } from "@/lib/rate-limit";
import { checkIntegrationSchema } from "@/lib/validations/integrations";

function clock(ms: number) {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

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
    let integration;
    try {
      integration = await getIntegrationForOwnerOrThrow(actor, integrationId);
    } catch (error) {
      if (error instanceof IntegrationNotFoundError) return { ok: false, message: error.message };
      throw error;
    }
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
              ? `Azure asked us to wait (too many cost queries). The next check runs at ${clock(result.retryAtMs)}.`
              : `Azure did not answer. Nothing changed; the next check runs at ${clock(result.retryAtMs)}.`,
        };
      case "busy":
        return {
          ok: false,
          message: "A check of this integration is running right now; its result shows here in a moment.",
        };
    }
  });
}
