import { z } from "zod";

import { formId, formUnreadable, onboardingIdSchema, printable } from "@/lib/validations/onboardings";

export const destinationChoices = ["vantage", "api", "by_hand"] as const;

const tokenMessage =
  "Paste the Vantage API token you made in Vantage's console (Settings > API Access Tokens).";

/**
 * A Vantage API token as pasted: one word of letters, digits and punctuation. Its value is never echoed
 * back (not in a message, not in a field error).
 */
export const vantageTokenSchema = z
  .string({ error: tokenMessage })
  .trim()
  .min(1, tokenMessage)
  .max(500, "That is too long for a Vantage API token: paste the token alone.")
  .regex(printable, "Paste the token alone, on one line.")
  .regex(/^\S+$/, "Paste the token alone: it has no spaces.");

/** The ticked boxes, joined with commas by the action (a form sends one value per box). */
const destinations = z
  .string({ error: formUnreadable })
  .transform((value) => [...new Set(value.split(",").filter(Boolean))])
  .refine((list) => list.length > 0, "Choose at least one destination.")
  .refine(
    (list) => list.every((d) => (destinationChoices as readonly string[]).includes(d)),
    "Choose among the destinations listed.",
  )
  .transform((list) => list as (typeof destinationChoices)[number][]);

/** A token field that may be left empty (a token is saved already). */
const optionalToken = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
  vantageTokenSchema.optional(),
);

/** A form with nothing in it but its button. */
export const emptyFormSchema = z.object({}, { error: formUnreadable });

export const saveVantageTokenSchema = z.object(
  { vantageToken: vantageTokenSchema },
  { error: formUnreadable },
);

export const chooseWorkspacesSchema = z.object(
  {
    workspaceTokens: z
      .string({ error: formUnreadable })
      .transform((value) => [...new Set(value.split(",").filter(Boolean))])
      .refine((list) => list.length > 0, "Choose at least one workspace.")
      .refine(
        (list) => list.every((t) => /^[A-Za-z0-9_-]{1,100}$/.test(t)),
        "Choose among the workspaces listed.",
      ),
  },
  { error: formUnreadable },
);

export const chooseDestinationsSchema = z.object(
  { onboardingId: onboardingIdSchema, destinations, vantageToken: optionalToken },
  { error: formUnreadable },
);

/** The first onboarding's one click: its destinations, and a Vantage token when Vantage is one. */
export const firstDestinationsSchema = z.object(
  {
    destinations: z.preprocess(
      (value) => (value === "" || value === undefined ? "api" : value),
      destinations,
    ),
    vantageToken: optionalToken,
  },
  { error: formUnreadable },
);

export const destinationIdSchema = z.object({ deliveryId: formId("destination") }, { error: formUnreadable });
