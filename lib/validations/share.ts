import { z } from "zod";

import { formNumber, formUnreadable, idSchema } from "@/lib/validations/onboarding";

import { shareLinkMaxDays } from "@/lib/validations/share-limits";

export { shareLinkDefaultDays, shareLinkMaxDays } from "@/lib/validations/share-limits";

export const createShareLinkSchema = z.object(
  {
    onboardingId: idSchema,
    scope: z.enum(["view", "act"], { message: "Choose whether the colleague may only view, or also act." }),
    expiryDays: formNumber(`Enter a number of days from 1 to ${shareLinkMaxDays}.`).pipe(
      z
        .number()
        .int(`Enter a whole number of days from 1 to ${shareLinkMaxDays}.`)
        .min(1, "A link must stay valid for at least 1 day.")
        .max(shareLinkMaxDays, `A link can stay valid for at most ${shareLinkMaxDays} days.`),
    ),
  },
  { error: formUnreadable },
);

export const revokeShareLinkSchema = z.object(
  { onboardingId: idSchema, linkId: idSchema },
  { error: formUnreadable },
);

export const askBillingOwnerSchema = z.object({ onboardingId: idSchema }, { error: formUnreadable });
