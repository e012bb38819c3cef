import { z } from "zod";

import { isMcaBillingAccountId } from "@/lib/validations/billing-account";
import { secretExpiryChoices } from "@/lib/onboarding/secret-expiry";

export const appNameSchema = z
  .string()
  .trim()
  .min(1, "Enter a name for the app registration.")
  .max(120, "Use at most 120 characters.")
  .regex(/^[^<>]+$/, "The name cannot contain < or >.");

export const expirySchema = z.coerce
  .number()
  .refine(
    (value) => (secretExpiryChoices as readonly number[]).includes(value),
    "Choose 6, 12 or 24 months.",
  );

export const newOnboardingSchema = z.object({
  appDisplayName: appNameSchema,
  secretExpiryMonths: expirySchema,
  /** Automated (the portal runs the steps) or manual (instructions, then paste the values back). */
  mode: z.enum(["automated", "manual"]).default("automated"),
});

export const onboardingSettingsSchema = z.object({
  onboardingId: z.string().min(1),
  appDisplayName: appNameSchema.optional(),
  secretExpiryMonths: expirySchema.optional(),
});

export const chooseBillingAccountSchema = z.object({
  onboardingId: z.string().min(1),
  billingAccountName: z
    .string()
    .trim()
    .min(1, "Choose a billing account.")
    .refine(isMcaBillingAccountId, "Choose one of the Microsoft Customer Agreement billing accounts listed."),
});

export const stepRequestSchema = z.object({
  onboardingId: z.string().min(1),
  stepId: z.enum(["app-registration", "client-secret", "billing-account", "role-assignment", "verify"]),
});
