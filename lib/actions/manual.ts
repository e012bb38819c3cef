"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, withStepActor, type ActionResult } from "@/lib/actions/safe-action";
import { getOnboardingForStepActor } from "@/lib/data/onboardings";
import { advance, queueSteps } from "@/lib/onboardings/engine";
import { submitPasteBack } from "@/lib/onboardings/manual/paste-back";
import { stepRequestSchema } from "@/lib/validations/onboardings";
import type { PasteBackCheck } from "@/lib/validations/paste-back";
import { pasteBackFormSchema } from "@/lib/validations/paste-back-form";

// How long an action may spend running steps before it answers; the page's poller continues after.
const actionBudgetMs = 6_000;

function revalidate(onboardingId: string) {
  revalidatePath(`/onboardings/${onboardingId}`);
  revalidatePath(`/onboardings/${onboardingId}/manual`);
}

/** What the paste-back form gets back: never the secret, only notes and the cleaned IDs. */
export type PasteBackState = ActionResult<{ status: string }> &
  Partial<Pick<PasteBackCheck, "notes" | "cleaned">>;

/** Manual mode's paste-back: validate the four values, store them, then verify them as step 5 does. */
export async function pasteCredentialsAction(
  _prev: PasteBackState | null,
  formData: FormData,
): Promise<PasteBackState> {
  let extras: Partial<Pick<PasteBackCheck, "notes" | "cleaned">> = {};
  const result = await withActor<typeof pasteBackFormSchema, { status: string }>(
    pasteBackFormSchema,
    formValues(formData),
    async (actor, data) => {
      const outcome = await submitPasteBack(actor, data.onboardingId, data, { budgetMs: actionBudgetMs });
      extras = { notes: outcome.notes, cleaned: outcome.cleaned };
      if (!outcome.ok) {
        const fieldErrors = Object.fromEntries(
          Object.entries(outcome.fieldErrors).map(([field, message]) => [field, [message]]),
        );
        return { ok: false, message: outcome.message, fieldErrors };
      }
      revalidate(data.onboardingId);
      return { ok: true, data: { status: outcome.status }, message: outcome.message };
    },
  );
  return { ...result, ...extras };
}

/**
 * "I have done it: check again" for a step done by hand in the Azure portal (today step 4): the step
 * looks for the result and adopts it, never creating anything; step 5 follows when it is queued.
 */
export async function checkAgainAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withStepActor(
    stepRequestSchema,
    formValues(formData),
    async (actor, { onboardingId, stepId }, via) => {
      if (stepId !== "role-assignment")
        return { ok: false, message: "Only step 4 can be checked after doing it by hand." };
      const onboarding = await getOnboardingForStepActor(actor, onboardingId, via);
      if (!onboarding.servicePrincipalId || !onboarding.billingAccountName)
        return {
          ok: false,
          message:
            "Steps 1 and 3 must be done first: the check looks for the app's service principal on the billing account.",
        };
      await queueSteps(actor, onboardingId, "role-assignment", { ...via, checkOnly: true });
      const verify = onboarding.steps.find((s) => s.stepId === "verify");
      if (verify && (verify.status === "not_started" || verify.status === "needs_attention"))
        await queueSteps(actor, onboardingId, "verify", via);
      await advance(actor, onboardingId, { ...via, budgetMs: actionBudgetMs });
      revalidatePath(via.shareLinkId ? `/shared/${via.shareLinkId}` : `/onboardings/${onboardingId}`);
      return { ok: true, data: undefined };
    },
  );
}
