"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { getOnboardingOrThrow } from "@/lib/data/onboardings";
import { createShareLink, revokeShareLink } from "@/lib/data/share-links";
import { newShareToken, shareUrl } from "@/lib/share-links/access";
import { billingOwnerMessage, shareMessage } from "@/lib/share-links/message";
import {
  askBillingOwnerSchema,
  createShareLinkSchema,
  revokeShareLinkSchema,
  shareLinkDefaultDays,
} from "@/lib/validations/share-links";
import type { Actor } from "@/lib/view-types";

/** Shown once, right after creation: only the token's hash is stored, so the URL cannot be shown again. */
export type NewShareLink = { url: string; scope: "view" | "act"; expiresAt: string; message: string };

function daysFromNow(days: number) {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000);
}

/**
 * Makes the link, and the note to send along with it (written by `message` from the link's URL and
 * expiry): the token's hash is stored, the URL is returned once.
 */
async function issueLink(
  actor: Actor,
  link: { onboardingId: string; scope: "view" | "act"; expiryDays: number; purpose?: "billing-owner" },
  message: (sent: { senderName: string; url: string; expiresAt: Date }) => string,
): Promise<ActionResult<NewShareLink>> {
  const { token, tokenHash } = newShareToken();
  const made = await createShareLink(actor, {
    onboardingId: link.onboardingId,
    tokenHash,
    scope: link.scope,
    expiresAt: daysFromNow(link.expiryDays),
    purpose: link.purpose,
  });
  const url = shareUrl(token);
  revalidatePath(`/onboardings/${link.onboardingId}`);
  const senderName = actor.name ?? actor.email ?? "A colleague";
  return {
    ok: true,
    data: {
      url,
      scope: made.scope,
      expiresAt: made.expiresAt.toISOString(),
      message: message({ senderName, url, expiresAt: made.expiresAt }),
    },
  };
}

/** The owner makes a link to hand the onboarding to a colleague. */
export async function createShareLinkAction(
  _prev: ActionResult<NewShareLink> | null,
  formData: FormData,
): Promise<ActionResult<NewShareLink>> {
  return withActor(
    createShareLinkSchema,
    formValues(formData),
    (actor, { onboardingId, scope, expiryDays }) =>
      issueLink(actor, { onboardingId, scope, expiryDays }, (sent) =>
        shareMessage({ ...sent, canAct: scope === "act" }),
      ),
  );
}

/** Step 4 was refused: an act link for the billing account owner, with a note to send along. */
export async function askBillingOwnerAction(
  _prev: ActionResult<NewShareLink> | null,
  formData: FormData,
): Promise<ActionResult<NewShareLink>> {
  return withActor(askBillingOwnerSchema, formValues(formData), async (actor, { onboardingId }) => {
    const onboarding = await getOnboardingOrThrow(actor, onboardingId);
    return issueLink(
      actor,
      { onboardingId, scope: "act", expiryDays: shareLinkDefaultDays, purpose: "billing-owner" },
      (sent) =>
        billingOwnerMessage({
          ...sent,
          billingAccountName: onboarding.billingAccountDisplayName ?? onboarding.billingAccountName,
          appName: onboarding.appDisplayName,
        }),
    );
  });
}

export async function revokeShareLinkAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withActor(revokeShareLinkSchema, formValues(formData), async (actor, { onboardingId, linkId }) => {
    await revokeShareLink(actor, linkId);
    revalidatePath(`/onboardings/${onboardingId}`);
    return { ok: true, data: undefined, message: "Revoked. The link no longer opens this onboarding." };
  });
}
