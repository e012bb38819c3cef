"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { addDestinations, retryDelivery } from "@/lib/data/deliveries";
import { getOnboardingOrThrow } from "@/lib/data/onboardings";
import { chooseVantageWorkspaces, getVantageTokenView, removeVantageToken } from "@/lib/data/vantage-tokens";
import {
  chooseDestinationsSchema,
  chooseWorkspacesSchema,
  destinationIdSchema,
  emptyFormSchema,
  saveVantageTokenSchema,
} from "@/lib/validations/vantage";
import { checkAndSaveVantageToken } from "@/lib/vantage/token-check";

const settingsPage = "/settings/vantage";

/** A form's ticked boxes of one name, joined with commas for the schema (a crafted post: none). */
function ticked(formData: unknown, name: string): string {
  if (!(formData instanceof FormData)) return "";
  return formData
    .getAll(name)
    .filter((v): v is string => typeof v === "string")
    .join(",");
}

/**
 * Saves (or replaces) the actor's Vantage API token after GET /me accepted it with the write scope. The
 * token is never answered back: the page shows its first characters and the workspaces Vantage listed.
 */
export async function saveVantageTokenAction(
  _prev: ActionResult<{ workspaces: string[] }> | null,
  formData: FormData,
): Promise<ActionResult<{ workspaces: string[] }>> {
  return withActor(saveVantageTokenSchema, formValues(formData), async (actor, { vantageToken }) => {
    const checked = await checkAndSaveVantageToken(actor, vantageToken);
    if (!checked.ok)
      return { ok: false, message: checked.message, fieldErrors: { vantageToken: [checked.message] } };
    revalidatePath(settingsPage);
    const names = checked.workspaces.map((w) => w.name);
    return {
      ok: true,
      data: { workspaces: names },
      message: `Saved. Vantage shows ${names.length === 1 ? "the workspace" : "the workspaces"} ${names.join(", ")}; choose where new integrations go below.`,
    };
  });
}

/** The workspaces new Vantage integrations are put in: some of those the token's user sees. */
export async function chooseVantageWorkspacesAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    chooseWorkspacesSchema,
    { workspaceTokens: ticked(formData, "workspaceToken") },
    async (actor, { workspaceTokens }) => {
      await chooseVantageWorkspaces(actor, workspaceTokens);
      revalidatePath(settingsPage);
      return {
        ok: true,
        data: undefined,
        message: "Saved. New Vantage integrations go in these workspaces.",
      };
    },
  );
}

/** Forgets the actor's Vantage token. Integrations already in Vantage stay there (and keep importing). */
export async function removeVantageTokenAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(emptyFormSchema, formValues(formData), async (actor) => {
    if (!(await getVantageTokenView(actor)))
      return { ok: false, message: "There is no Vantage API token to remove." };
    await removeVantageToken(actor);
    revalidatePath(settingsPage);
    return {
      ok: true,
      data: undefined,
      message: "Removed. Integrations already in Vantage stay there; to deliver again, add a token.",
    };
  });
}

/**
 * Adds destinations to the actor's onboarding (its owner only: a Vantage delivery uses the owner's
 * token), at the start or after Connected. Vantage needs a token: the one saved, or one pasted here.
 */
export async function chooseDestinationsAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(
    chooseDestinationsSchema,
    { ...formValues(formData), destinations: ticked(formData, "destination") },
    async (actor, { onboardingId, destinations, vantageToken }) => {
      await getOnboardingOrThrow(actor, onboardingId);
      if (destinations.includes("vantage")) {
        if (vantageToken) {
          const checked = await checkAndSaveVantageToken(actor, vantageToken);
          if (!checked.ok)
            return { ok: false, message: checked.message, fieldErrors: { vantageToken: [checked.message] } };
        } else if (!(await getVantageTokenView(actor))) {
          const message = "Paste a Vantage API token with the Write scope to deliver to Vantage.";
          return { ok: false, message, fieldErrors: { vantageToken: [message] } };
        }
      }
      await addDestinations(actor, onboardingId, destinations);
      revalidatePath(`/onboardings/${onboardingId}`);
      return { ok: true, data: undefined, message: "Saved." };
    },
  );
}

/** "Try again" on a Vantage delivery that stopped: due now, run by the background job. */
export async function retryDestinationAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(destinationIdSchema, formValues(formData), async (actor, { deliveryId }) => {
    const { onboardingId } = await retryDelivery(actor, deliveryId);
    revalidatePath(`/onboardings/${onboardingId}`);
    return { ok: true, data: undefined, message: "Trying again." };
  });
}
