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

/** Shown once, right after creation: only the token's hash is stored, so the URL cannot be shown again. */
export type NewShareLink = { url: string; scope: "view" | "act"; expiresAt: string; message: string };

function daysFromNow(days: number) {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000);
}

/** The owner makes a link to hand the onboarding to a colleague. */
export async function createShareLinkAction(
  _prev: ActionResult<NewShareLink> | null,
  formData: FormData,
): Promise<ActionResult<NewShareLink>> {
  return withActor(
    createShareLinkSchema,
    formValues(formData),
    async (actor, { onboardingId, scope, expiryDays }) => {
      const { token, tokenHash } = newShareToken();
      const link = await createShareLink(actor, {
        onboardingId,
        tokenHash,
        scope,
        expiresAt: daysFromNow(expiryDays),
      });
      const url = shareUrl(token);
      revalidatePath(`/onboardings/${onboardingId}`);
      return {
        ok: true,
        data: {
          url,
          scope: link.scope,
          expiresAt: link.expiresAt.toISOString(),
          message: shareMessage({
            senderName: actor.name ?? actor.email ?? "A colleague",
            url,
            expiresAt: link.expiresAt,
            canAct: link.scope === "act",
          }),
        },
      };
    },
  );
}

/** Step 4 was refused: an act link for the billing account owner, with a note to send along. */
export async function askBillingOwnerAction(
  _prev: ActionResult<NewShareLink> | null,
  formData: FormData,
): Promise<ActionResult<NewShareLink>> {
  return withActor(askBillingOwnerSchema, formValues(formData), async (actor, { onboardingId }) => {
    const onboarding = await getOnboardingOrThrow(actor, onboardingId);
    const { token, tokenHash } = newShareToken();
    const link = await createShareLink(actor, {
      onboardingId,
      tokenHash,
      scope: "act",
      expiresAt: daysFromNow(shareLinkDefaultDays),
      purpose: "billing-owner",
    });
    const url = shareUrl(token);
    revalidatePath(`/onboardings/${onboardingId}`);
    return {
      ok: true,
      data: {
        url,
        scope: "act",
        expiresAt: link.expiresAt.toISOString(),
        message: billingOwnerMessage({
          senderName: actor.name ?? actor.email ?? "A colleague",
          billingAccountName: onboarding.billingAccountDisplayName ?? onboarding.billingAccountName,
          appName: onboarding.appDisplayName,
          url,
          expiresAt: link.expiresAt,
        }),
      },
    };
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
