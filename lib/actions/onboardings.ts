"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import { formValues, withActor, withStepActor, type ActionResult } from "@/lib/actions/safe-action";
import { addDestinations } from "@/lib/data/deliveries";
import { findIntegrationsForBillingAccount } from "@/lib/data/integrations";
import {
  chooseBillingAccountFor,
  createOnboarding,
  getOnboardingForStepActor,
  getOnboardingOrThrow,
  updateOnboardingSettings,
} from "@/lib/data/onboardings";
import { getVantageTokenView } from "@/lib/data/vantage-tokens";
import { log } from "@/lib/log";
import { advance, queueSteps } from "@/lib/onboardings/engine";
import {
  chooseBillingAccountSchema,
  newOnboardingSchema,
  onboardingSettingsSchema,
  stepRequestSchema,
} from "@/lib/validations/onboardings";
import { firstDestinationsSchema } from "@/lib/validations/vantage";
import { checkAndSaveVantageToken } from "@/lib/vantage/token-check";
import type { Actor } from "@/lib/view-types";

// How long an action may spend running steps before it answers; the page's poller continues after.
const actionBudgetMs = 6_000;

export async function createOnboardingAction(
  _prev: ActionResult<{ id: string }> | null,
  formData: FormData,
): Promise<ActionResult<{ id: string }>> {
  const result = await withActor(newOnboardingSchema, formValues(formData), async (actor, data) => {
    const created = await createOnboarding(actor, data);
    return { ok: true, data: { ...created, mode: data.mode } };
  });
  if (result.ok) redirect(`/onboardings/${result.data.id}${result.data.mode === "manual" ? "/manual" : ""}`);
  return result;
}

/**
 * A first onboarding's one click ("Connect" where the list is empty): creates the onboarding with the
 * form's settings, queues every step and starts running them, then opens its checklist at once, where
 * the steps are seen moving. The run goes on after the answer (this process, under the steps' leases);
 * the checklist's poller and the background runner continue it as they would after any Connect.
 */
export async function createAndConnectAction(
  _prev: ActionResult<{ id: string }> | null,
  formData: FormData,
): Promise<ActionResult<{ id: string }>> {
  const values = formValues(formData);
  const schema = newOnboardingSchema.and(firstDestinationsSchema);
  const destinations =
    formData instanceof FormData
      ? formData
          .getAll("destination")
          .filter((v) => typeof v === "string")
          .join(",")
      : "";
  const result = await withActor(schema, { ...values, destinations }, async (actor, data) => {
    // Vantage needs a working token before anything is made in Azure: a refused one stops here.
    if (data.destinations.includes("vantage")) {
      if (data.vantageToken) {
        const checked = await checkAndSaveVantageToken(actor, data.vantageToken);
        if (!checked.ok)
          return { ok: false, message: checked.message, fieldErrors: { vantageToken: [checked.message] } };
      } else if (!(await getVantageTokenView(actor))) {
        const message =
          "Paste a Vantage API token with the Write scope to deliver to Vantage, or untick Vantage.";
        return { ok: false, message, fieldErrors: { vantageToken: [message] } };
      }
    }
    const created = await createOnboarding(actor, {
      appDisplayName: data.appDisplayName,
      secretExpiryMonths: data.secretExpiryMonths,
      mode: "automated",
    });
    await addDestinations(actor, created.id, data.destinations);
    await queueSteps(actor, created.id, "remaining");
    startRunning(actor, created.id, {});
    return { ok: true, data: created };
  });
  if (result.ok) redirect(`/onboardings/${result.data.id}`);
  return result;
}

export async function updateSettingsAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    onboardingSettingsSchema,
    formValues(formData),
    async (actor, { onboardingId, ...settings }) => {
      const onboarding = await getOnboardingOrThrow(actor, onboardingId);
      const stepDone = (id: string) => onboarding.steps.find((s) => s.stepId === id)?.status === "done";
      if (
        settings.appDisplayName !== undefined &&
        settings.appDisplayName !== onboarding.appDisplayName &&
        onboarding.clientId
      ) {
        return {
          ok: false,
          message: "The app registration exists already; its name can no longer be changed here.",
          fieldErrors: { appDisplayName: ["Already created in Azure."] },
        };
      }
      await updateOnboardingSettings(actor, onboardingId, settings);
      revalidatePath(`/onboardings/${onboardingId}`);
      return {
        ok: true,
        data: undefined,
        message:
          stepDone("client-secret") && settings.secretExpiryMonths
            ? "Saved. Redo step 2 to make a secret with the new expiry."
            : "Saved.",
      };
    },
  );
}

function revalidateOnboarding(onboardingId: string, via: { shareLinkId?: string }) {
  revalidatePath(via.shareLinkId ? `/shared/${via.shareLinkId}` : `/onboardings/${onboardingId}`);
}

/**
 * Starts running the queued steps without holding the answer: the page shows them moving (its poller
 * reads progress while the action would otherwise still be running). The run is this process's, under
 * the steps' leases; if it stops (the process ends, the budget runs out), the checklist's poller and the
 * background runner continue it.
 */
function startRunning(actor: Actor, onboardingId: string, via: { shareLinkId?: string }) {
  void advance(actor, onboardingId, { ...via, budgetMs: actionBudgetMs }).catch((error: unknown) =>
    log.warn(
      { onboardingId, err: error instanceof Error ? error.name : String(error) },
      "a run started by Connect stopped; the poller or the background runner continues",
    ),
  );
}

/** "Connect": queue every step that is not done and start running them, as the owner or a colleague. */
export async function connectAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return withStepActor(
    stepRequestSchema.pick({ onboardingId: true, shareLinkId: true }),
    formValues(formData),
    async (actor, { onboardingId }, via) => {
      await queueSteps(actor, onboardingId, "remaining", via);
      // The answer (and the page it renders) comes at once, the steps queued; the page's poller follows
      // them as they run.
      startRunning(actor, onboardingId, via);
      revalidateOnboarding(onboardingId, via);
      return { ok: true, data: undefined };
    },
  );
}

/** Runs (or redoes) one step, as the owner or a colleague. */
export async function runStepAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  return withStepActor(
    stepRequestSchema,
    formValues(formData),
    async (actor, { onboardingId, stepId }, via) => {
      await queueSteps(actor, onboardingId, stepId, via);
      await advance(actor, onboardingId, { ...via, budgetMs: actionBudgetMs });
      revalidateOnboarding(onboardingId, via);
      return { ok: true, data: undefined };
    },
  );
}

/**
 * The billing account picker of step 3, for the owner or a colleague acting through a link (who may be
 * the one whose step 3 listed the accounts); a chosen account already connected asks for confirmation.
 */
export async function chooseBillingAccountAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  const values = formValues(formData);
  return withStepActor(
    chooseBillingAccountSchema,
    values,
    async (actor, { onboardingId, billingAccountName }, via): Promise<ActionResult> => {
      const onboarding = await getOnboardingForStepActor(actor, onboardingId, via);
      // Only an account step 3 listed as usable: never a name from the form alone.
      const listed = (
        onboarding.steps.find((s) => s.stepId === "billing-account")?.outputs as {
          choices?: { name: string; usable: boolean }[];
        } | null
      )?.choices;
      if (!listed?.some((c) => c.name === billingAccountName && c.usable)) {
        return {
          ok: false,
          message:
            "Choose one of the usable billing accounts step 3 listed; run step 3 again to refresh the list.",
          fieldErrors: { billingAccountName: ["Not one of the billing accounts listed."] },
        };
      }
      const existing = (await findIntegrationsForBillingAccount(actor.tenantId, billingAccountName)).filter(
        (i) => i.onboardingId !== onboardingId,
      );
      if (existing.length > 0 && values.confirmDuplicate !== "yes") {
        return {
          ok: false,
          message: `This billing account is already connected (${existing.length === 1 ? "one integration" : `${existing.length} integrations`}). Connecting it again creates a second app with its own secret. Tick "Connect it again" to go ahead.`,
          fieldErrors: { confirmDuplicate: ["Confirm to connect this billing account a second time."] },
        };
      }
      if (onboarding.steps.find((s) => s.stepId === "role-assignment")?.status === "done") {
        return {
          ok: false,
          message:
            "The role is already assigned on the chosen account. Start a new onboarding to connect another billing account.",
        };
      }
      await chooseBillingAccountFor(actor, onboardingId, via, billingAccountName);
      await queueSteps(actor, onboardingId, "billing-account", via);
      await advance(actor, onboardingId, { ...via, budgetMs: actionBudgetMs });
      revalidateOnboarding(onboardingId, via);
      return { ok: true, data: undefined };
    },
  );
}
