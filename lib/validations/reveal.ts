import { z } from "zod";

import { formUnreadable, onboardingIdSchema } from "@/lib/validations/onboardings";

/** The copy panel's "Reveal password": the onboarding alone (no share link: a link never reveals). */
export const revealSecretSchema = z.object({ onboardingId: onboardingIdSchema }, { error: formUnreadable });
