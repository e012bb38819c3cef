import { z } from "zod";

import { secretExpiryChoices } from "@/lib/onboardings/secret-expiry";
import { isMcaBillingAccountId } from "@/lib/validations/billing-account";
import { idField, type unknownIdMessages } from "@/lib/validations/ids";

/**
 * For what no person types: hidden fields and the form as a whole. A crafted post (any value of any
 * type, in place of the form or a field) gets this message rather than zod's own words.
 */
export const formUnreadable = "This form could not be read. Reload the page and try again.";

/**
 * A record's id from a hidden field, refused before any query when it cannot be one of ours, with the
 * answer an unknown id of its kind gets (lib/validations/ids.ts); a missing one: the form is unreadable.
 */
export function formId(kind: keyof typeof unknownIdMessages) {
  return idField(kind, formUnreadable);
}

/** The onboarding a form acts on. */
export const onboardingIdSchema = formId("onboarding");

/**
 * The act share link a colleague acts through (empty or absent: the owner acts). Checked again, with its
 * cookie, by lib/share-links/access.
 */
export const shareLinkIdSchema = z.preprocess(
  (value) => (value === "" ? undefined : value),
  formId("shareLink").optional(),
);

/** No line breaks or other control characters (PostgreSQL refuses NUL), no lone UTF-16 halves. */
export const printable = /^[^\p{Cc}\p{Cs}]*$/u;

/** A number typed in a form field, or sent as one; anything else is refused with `message`. */
export function formNumber(message: string) {
  return z.preprocess(
    (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
    z.number({ error: message }),
  );
}

export const appNameSchema = z
  .string({ error: "Enter a name for the app registration." })
  .trim()
  .min(1, "Enter a name for the app registration.")
  .max(120, "Use at most 120 characters.")
  .regex(/^[^<>]+$/, "The name cannot contain < or >.")
  .regex(printable, "The name cannot contain line breaks or other control characters.");

export const expirySchema = formNumber("Choose 6, 12 or 24 months.").refine(
  (value) => (secretExpiryChoices as readonly number[]).includes(value),
  "Choose 6, 12 or 24 months.",
);

export const newOnboardingSchema = z.object(
  {
    appDisplayName: appNameSchema,
    secretExpiryMonths: expirySchema,
    /** Automated (the portal runs the steps) or manual (instructions, then paste the values back). */
    mode: z.enum(["automated", "manual"], { error: "Choose automated or by hand." }).default("automated"),
  },
  { error: formUnreadable },
);

export const onboardingSettingsSchema = z.object(
  {
    onboardingId: onboardingIdSchema,
    appDisplayName: appNameSchema.optional(),
    secretExpiryMonths: expirySchema.optional(),
  },
  { error: formUnreadable },
);

export const chooseBillingAccountSchema = z.object(
  {
    onboardingId: onboardingIdSchema,
    shareLinkId: shareLinkIdSchema,
    billingAccountName: z
      .string({ error: "Choose a billing account." })
      .trim()
      .min(1, "Choose a billing account.")
      .max(200, "That is not a billing account ID: choose one from the list.")
      .regex(printable, "That is not a billing account ID: choose one from the list.")
      .refine(
        isMcaBillingAccountId,
        "Choose one of the Microsoft Customer Agreement billing accounts listed.",
      ),
  },
  { error: formUnreadable },
);

export const stepRequestSchema = z.object(
  {
    onboardingId: onboardingIdSchema,
    shareLinkId: shareLinkIdSchema,
    stepId: z.enum(["app-registration", "client-secret", "billing-account", "role-assignment", "verify"], {
      error: formUnreadable,
    }),
  },
  { error: formUnreadable },
);
