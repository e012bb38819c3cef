import { z } from "zod";

import { formUnreadable, idSchema } from "@/lib/validations/onboarding";

export const checkIntegrationSchema = z.object({ integrationId: idSchema }, { error: formUnreadable });
