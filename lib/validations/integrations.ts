import { z } from "zod";

import { formId, formNumber, formUnreadable, printable } from "@/lib/validations/onboardings";

export const rotateSecretSchema = z.object(
  {
    integrationId: formId("integration"),
    /** One of the grace periods the dialog offers, in seconds; the operator's default when absent. */
    graceSeconds: z.preprocess(
      (value) => (value === "" ? undefined : value),
      formNumber("Choose one of the grace periods offered.")
        .pipe(
          z
            .number()
            .int("Choose one of the grace periods offered.")
            .min(0, "Choose one of the grace periods offered.")
            .max(2_592_000, "Choose one of the grace periods offered."),
        )
        .optional(),
    ),
  },
  { error: formUnreadable },
);

export const disconnectSchema = z.object(
  {
    integrationId: formId("integration"),
    confirmation: z
      .string({ message: "Type the name shown to confirm." })
      .trim()
      .min(1, "Type the name shown to confirm.")
      .max(200, "That is not the name shown.")
      .regex(printable, "That is not the name shown."),
  },
  { error: formUnreadable },
);

export const checkIntegrationSchema = z.object(
  { integrationId: formId("integration") },
  { error: formUnreadable },
);
