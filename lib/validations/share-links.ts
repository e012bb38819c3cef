import { z } from "zod";

import { formNumber, formUnreadable, onboardingIdSchema } from "@/lib/validations/onboardings";
import { shareLinkMaxDays } from "@/lib/validations/share-link-limits";

export { shareLinkDefaultDays, shareLinkMaxDays } from "@/lib/validations/share-link-limits";

export const createShareLinkSchema = z.object(
  {
    onboardingId: onboardingIdSchema,
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
  // An unknown link of the owner's answers as an unknown onboarding does (NotFoundError): so does a malformed one.
  { onboardingId: onboardingIdSchema, linkId: onboardingIdSchema },
  { error: formUnreadable },
);

export const askBillingOwnerSchema = z.object(
  { onboardingId: onboardingIdSchema },
  { error: formUnreadable },
);
