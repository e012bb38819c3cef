/** The paste-back form as the server action reads it: zod, so kept out of the form's client bundle. */
import { z } from "zod";

import { formUnreadable, onboardingIdSchema } from "@/lib/validations/onboardings";

/** The form's fields as they reach the server action: strings, checked in depth by checkPasteBack. */
const pasted = z.string({ error: "Paste the value as text." }).default("");

export const pasteBackFormSchema = z.object(
  {
    onboardingId: onboardingIdSchema,
    tenantId: pasted,
    clientId: pasted,
    clientSecret: pasted,
    billingAccountId: pasted,
  },
  { error: formUnreadable },
);
