import type { StepId } from "@/lib/onboardings/catalog";
import { appRegistrationStep } from "@/lib/onboardings/steps/app-registration";
import { billingAccountStep } from "@/lib/onboardings/steps/billing-account";
import { clientSecretStep } from "@/lib/onboardings/steps/client-secret";
import { roleAssignmentStep } from "@/lib/onboardings/steps/role-assignment";
import { verifyStep } from "@/lib/onboardings/steps/verify";
import type { StepModule } from "@/lib/onboardings/types";

export const stepModules: Record<StepId, StepModule> = {
  "app-registration": appRegistrationStep,
  "client-secret": clientSecretStep,
  "billing-account": billingAccountStep,
  "role-assignment": roleAssignmentStep,
  verify: verifyStep,
};
