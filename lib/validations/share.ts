import { z } from "zod";

export const shareLinkMaxDays = 30;
export const shareLinkDefaultDays = 7;

export const createShareLinkSchema = z.object({
  onboardingId: z.string().min(1).max(64),
  scope: z.enum(["view", "act"], { message: "Choose whether the colleague may only view, or also act." }),
  expiryDays: z.coerce
    .number({ message: `Enter a number of days from 1 to ${shareLinkMaxDays}.` })
    .int(`Enter a whole number of days from 1 to ${shareLinkMaxDays}.`)
    .min(1, "A link must stay valid for at least 1 day.")
    .max(shareLinkMaxDays, `A link can stay valid for at most ${shareLinkMaxDays} days.`),
});

export const revokeShareLinkSchema = z.object({
  onboardingId: z.string().min(1).max(64),
  linkId: z.string().min(1).max(64),
});

export const askBillingOwnerSchema = z.object({ onboardingId: z.string().min(1).max(64) });
