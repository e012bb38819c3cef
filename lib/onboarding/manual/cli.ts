/**
 * The Azure CLI alternative of manual mode: one bash script for the whole onboarding and the lines of
 * each step, pre-filled with every value already known. The script is cloud-agnostic: it reads the
 * Resource Manager and Graph endpoints from `az cloud show`, so it runs unchanged against public Azure,
 * a sovereign cloud, or the emulator registered as a custom cloud.
 *
 * INTERFACE STUB: implementation in progress (see the manual-mode issue).
 */
import type { StepId } from "@/lib/onboarding/step-catalog";

/** What is already known when the instructions are shown; null where a step has not produced it. */
export type ManualValues = {
  tenantId: string;
  appDisplayName: string;
  secretDescription: string;
  secretExpiryMonths: number;
  clientId: string | null;
  servicePrincipalId: string | null;
  billingAccountName: string | null;
};

/** The lines of one step, as a bash snippet that relies on the variables the earlier steps set. */
export function cliLinesForStep(stepId: StepId, values: ManualValues): string {
  void values;
  return `# ${stepId}: not written yet`;
}

/** The whole script: every step, in order, ending with the four values to paste back. */
export function cliScript(values: ManualValues): string {
  void values;
  return "#!/usr/bin/env bash\n# not written yet\n";
}
