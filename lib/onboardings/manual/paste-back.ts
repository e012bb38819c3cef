/**
 * Manual mode's paste-back, from the four typed values to a verified connection: validate them (and
 * look a tenant's domain up), store them on the onboarding with steps 1 to 4 done by hand, then run
 * step 5's check through the engine, exactly as an automated onboarding ends. The secret is sealed
 * here, as step 2 seals the one Azure returns, and is never part of what this returns.
 */
import "server-only";

import { azureEndpoints } from "@/lib/azure/endpoints";
import { TenantLookupError, tenantIdForDomain } from "@/lib/azure/tenant-discovery";
import { encryptSecret } from "@/lib/crypto/vault";
import { getOnboardingOrThrow } from "@/lib/data/onboardings";
import { integrationOfAnotherOnboarding, savePastedCredentials } from "@/lib/data/pasted-credentials";
import { advance, queueSteps } from "@/lib/onboardings/engine";
import { lifecycleRefusal } from "@/lib/onboardings/lifecycle-guard";
import { secretContext } from "@/lib/onboardings/steps/client-secret";
import type { Actor } from "@/lib/onboardings/types";
import {
  checkPasteBack,
  tenantMismatch,
  type PasteBackCheck,
  type PasteField,
} from "@/lib/validations/paste-back";

export type PasteBackOutcome = Pick<PasteBackCheck, "notes" | "cleaned"> &
  (
    | { ok: true; status: string; message: string }
    | { ok: false; message: string; fieldErrors: Partial<Record<PasteField, string>> }
  );

function note(notes: PasteBackCheck["notes"], field: PasteField, text: string) {
  (notes[field] ??= []).push(text);
}

/** Validates, stores and verifies pasted credentials; a failure says what to fix, field by field. */
export async function submitPasteBack(
  actor: Actor,
  onboardingId: string,
  raw: Partial<Record<PasteField, unknown>>,
  options: { budgetMs: number },
): Promise<PasteBackOutcome> {
  const onboarding = await getOnboardingOrThrow(actor, onboardingId);
  // Pasting replaces the onboarding's secret and re-verifies it, as a redo of step 2 would: not after a
  // disconnect, nor while a secret rotation is under way. Refused before anything is written.
  const refusal = await lifecycleRefusal(onboardingId, ["client-secret", "verify"]);
  if (refusal) return { ok: false, message: refusal, fieldErrors: {}, notes: {}, cleaned: {} };
  const firstStep = onboarding.steps.find((s) => s.stepId === "app-registration");
  const tenantName = (firstStep?.outputs as { tenantName?: string } | null)?.tenantName ?? null;
  const known = {
    tenantId: onboarding.tenantId,
    tenantName,
    applicationObjectId: onboarding.applicationObjectId,
    servicePrincipalId: onboarding.servicePrincipalId,
  };
  const check = checkPasteBack(raw, known);
  const { fieldErrors, notes, cleaned } = check;

  // A domain is looked up even when other fields still need fixing: the person learns both at once.
  let tenantId = check.values?.tenant.kind === "id" ? check.values.tenant.tenantId : null;
  const domain =
    !fieldErrors.tenantId && cleaned.tenantId && !/^[0-9a-f-]{36}$/.test(cleaned.tenantId)
      ? cleaned.tenantId
      : null;
  if (domain) {
    try {
      tenantId = await tenantIdForDomain(domain, azureEndpoints());
      cleaned.tenantId = tenantId;
      note(notes, "tenantId", `We looked up ${domain}: its tenant ID is ${tenantId}.`);
      const mismatch = tenantMismatch(tenantId, known);
      if (mismatch) fieldErrors.tenantId = mismatch;
    } catch (error) {
      if (!(error instanceof TenantLookupError)) throw error;
      fieldErrors.tenantId = error.message;
    }
  }

  const values = check.values;
  if (!values || !tenantId || Object.keys(fieldErrors).length > 0) {
    return { ok: false, message: "Please correct the highlighted fields.", fieldErrors, notes, cleaned };
  }
  const taken = await integrationOfAnotherOnboarding(
    tenantId,
    values.billingAccountId,
    values.clientId,
    onboardingId,
  );
  if (taken) {
    return {
      ok: false,
      message:
        taken.status === "active"
          ? "These credentials are already connected."
          : "These values belong to another onboarding.",
      fieldErrors: {
        clientId:
          taken.status === "active"
            ? "Another onboarding already connected this app to this billing account: there is nothing more to do. To replace its secret, paste into that onboarding."
            : "Another onboarding already holds this app and billing account. Open it and paste the values there, or use another app.",
      },
      notes,
      cleaned,
    };
  }

  await savePastedCredentials(actor, onboardingId, {
    clientId: values.clientId,
    secret: encryptSecret(values.clientSecret, secretContext(onboardingId)),
    secretHint: values.clientSecret.slice(0, 3),
    billingAccountName: values.billingAccountId,
  });
  await queueSteps(actor, onboardingId, "verify");
  await advance(actor, onboardingId, { budgetMs: options.budgetMs });

  const after = await getOnboardingOrThrow(actor, onboardingId);
  const verify = after.steps.find((s) => s.stepId === "verify");
  const status = verify?.status ?? "waiting";
  const message =
    status === "done"
      ? "Saved and verified: connected."
      : status === "needs_attention"
        ? "Saved, but the check failed: see what to fix above."
        : "Saved. The check with Azure goes on above; this page updates by itself.";
  return { ok: true, status, message, notes, cleaned };
}
