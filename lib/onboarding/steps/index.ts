import type { StepId } from "@/lib/onboarding/step-catalog";
import { appRegistrationStep } from "@/lib/onboarding/steps/app-registration";
import { billingAccountStep } from "@/lib/onboarding/steps/billing-account";
import { clientSecretStep } from "@/lib/onboarding/steps/client-secret";
import { roleAssignmentStep } from "@/lib/onboarding/steps/role-assignment";
import { verifyStep } from "@/lib/onboarding/steps/verify";
import type { StepModule } from "@/lib/onboarding/types";

export const stepModules: Record<StepId, StepModule> = {
  "app-registration": appRegistrationStep,
  "client-secret": clientSecretStep,
  "billing-account": billingAccountStep,
  "role-assignment": roleAssignmentStep,
  verify: verifyStep,
};
