/**
 * Step 5: prove the credentials work as the cost platform will use them: sign in as the new app with
 * its secret (client credentials), read the billing account, and run a month-to-date Cost Management
 * query; only then is the Integration written (what the cost platform's API lists). A new secret and a new role take a while to reach every Azure service, so
 * refusals that look like propagation are retried for a while before they count as failures.
 *
 * Credentials pasted in manual mode (a secret whose keyId we never saw) get shorter patience where a
 * refusal more likely means a wrong value than a slow Azure, and every failure names the step to redo.
 */
import {
  costQuerySpacingMs,
  entraDescription,
  isAppUnknown,
  isBillingAccountMissing,
  isNoBillingRead,
  isSecretRefused,
  refusalReason,
  toAzureError,
  withoutSecret,
  type Refusal,
} from "@/lib/azure/app-check";
import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError } from "@/lib/azure/errors";
import { appCredential } from "@/lib/azure/token-broker";
import { decryptSecret } from "@/lib/crypto/vault";
import {
  CredentialsChangedError,
  IntegrationTakenError,
  recordFailedCheckFenced,
  saveProvedIntegrationFenced,
} from "@/lib/data/integrations";
import { clearRetiringSecretFenced } from "@/lib/data/steps";
import type { OnboardingRecord } from "@/lib/data/steps";
import { utcTime } from "@/lib/format";
import type { StepId } from "@/lib/onboardings/catalog";
import { StillWaiting, whileAzureCatchesUp } from "@/lib/onboardings/retry";
import { secretContext } from "@/lib/onboardings/steps/client-secret";
import type { StepError, StepModule } from "@/lib/onboardings/types";

// How long refusals are read as "not propagated yet" before they count as real failures.
const propagationPatienceMs = 15 * 60_000;
/** Pasted in manual mode: we hold the secret's value but never saw Azure create it. */
export function credentialsWerePasted(
  o: Pick<OnboardingRecord, "secretCiphertext" | "secretKeyId">,
): boolean {
  return Boolean(o.secretCiphertext) && !o.secretKeyId;
}

/**
 * How long a refusal may still be Azure catching up. A secret Azure made for us is retried for the
 * full propagation time; a pasted one is refused for real much sooner (new secrets work within
 * seconds), while a new app or a new billing role can take minutes either way.
 */
export function patienceFor(error: Refusal, pasted: boolean): number {
  if (error.kind === "transient") return Number.POSITIVE_INFINITY;
  if (!pasted)
    return ["consistency", "permission", "sign-in"].includes(error.kind) ? propagationPatienceMs : 0;
  if (error.code === "AADSTS7000222" || isBillingAccountMissing(error)) return 0;
  if (isSecretRefused(error)) return 30_000;
  if (isAppUnknown(error)) return 2 * 60_000;
  if (isNoBillingRead(error)) return 5 * 60_000;
  return ["consistency", "sign-in"].includes(error.kind) ? 60_000 : 0;
}

/** What a person reads while the check waits, naming what Azure refused and until when we try. */
export function waitingReason(error: Refusal, until: Date): string {
  if (error.status === 429)
    return `Cost Management asked us to wait before the next query (it allows an app a few a minute). Next query at ${utcTime(until)}.`;
  if (isSecretRefused(error))
    return `Microsoft Entra does not accept the secret yet; a new secret takes a few seconds to work. Trying until ${utcTime(until)}.`;
  if (isAppUnknown(error))
    return `Microsoft Entra does not know the app in this tenant yet; a new app can take a minute or two to appear. Trying until ${utcTime(until)}.`;
  if (isNoBillingRead(error))
    return `The app may not read the billing account yet: a new Billing account reader role can take a few minutes to take effect. Checking again until ${utcTime(until)}.`;
  return "Waiting for the new secret and role to reach every Azure service (this can take a few minutes).";
}

/** The step to redo for a failed check, in words. */
export function verificationFailure(
  error: Refusal & { message: string },
  values: { pasted: boolean; clientId: string; tenantId: string; billingAccountName: string },
): Pick<StepError, "message" | "action" | "resolution"> & { redo: StepId | null } {
  const redo = (step: StepId, message: string, action: string) => ({
    redo: step,
    message,
    action,
    resolution: `redo-${step}`,
  });
  const reason = refusalReason(error);
  if (reason === "secret-expired")
    return redo(
      "client-secret",
      "The client secret has expired.",
      values.pasted
        ? "Redo step 2: add a new client secret, copy its Value and paste it again."
        : "Redo step 2 to make a new secret, then verify again.",
    );
  if (reason === "secret-invalid")
    return redo(
      "client-secret",
      "Microsoft Entra refused the client secret (invalid client secret).",
      values.pasted
        ? "Redo step 2: what was pasted is not a working secret of this app (most likely the Secret ID, an older secret or another app's). Add a new client secret, copy its Value (not the Secret ID) and paste it again."
        : "Redo step 2 to make a new secret, then verify again.",
    );
  if (reason === "app-missing")
    return redo(
      "app-registration",
      `Microsoft Entra found no app with the Application (client) ID ${values.clientId} in the tenant ${values.tenantId}.`,
      "Check step 1: copy the Application (client) ID and the Directory (tenant) ID again from the app's Overview page. The app must be in this tenant, and must have its service principal (created with the app in the portal).",
    );
  if (reason === "billing-account-missing")
    return redo(
      "billing-account",
      `No billing account with the ID ${values.billingAccountName} was found.`,
      "Check step 3: copy the Billing account ID again from Cost Management + Billing, Billing scopes, your billing account, Settings > Properties.",
    );
  if (reason === "no-billing-read")
    return redo(
      "role-assignment",
      "The app may not read the billing account: it lacks the Billing account reader role, or the role has not taken effect.",
      values.pasted
        ? "Do step 4: on the billing account, Access control (IAM), add Billing account reader for the app (a Billing account owner must do it). Then check again; a new role can take a few minutes to take effect."
        : "Redo step 4 so the app has Billing account reader, then verify again.",
    );
  // Any other refusal of Entra's (a Conditional Access policy for apps, a disabled app, ...).
  if (error.code?.startsWith("AADSTS"))
    return {
      redo: null,
      message: `Microsoft Entra refused to sign in as the app: ${entraDescription(error.message)}`,
      action:
        "A tenant policy or setting keeps the app from signing in (for example Conditional Access for workload identities, or the app's sign-in being disabled). Ask an administrator to allow it, then verify again.",
      resolution: undefined,
    };
  return {
    redo: null,
    message: error.message,
    action: "Try again; if it keeps failing, check the steps above.",
    resolution: undefined,
  };
}

export const verifyStep: StepModule = {
  id: "verify",
  async run(ctx) {
    const o = ctx.onboarding;
    if (!o.clientId || !o.secretCiphertext || !o.secretEncryptionKeyId || !o.billingAccountName) {
      throw new AzureCallError({ kind: "input", message: "Steps 1 to 4 must be done first." });
    }
    const secret = decryptSecret(
      { ciphertext: o.secretCiphertext, keyId: o.secretEncryptionKeyId },
      secretContext(o.id),
    );
    // Nothing is written to the Integration before the check has proved these exact values, and then
    // only while the onboarding still holds them (lib/data/integrations.ts, fenced by this lease).
    const checked = { clientId: o.clientId, billingAccountName: o.billingAccountName, secret };
    const fence = { onboardingId: o.id, stepId: ctx.stepId, leaseOwner: ctx.leaseToken };

    const endpoints = azureEndpoints();
    const arm = new ArmClient(
      appCredential(o.tenantId, o.clientId, secret, endpoints.arm.resource),
      endpoints,
      { deadline: ctx.deadline },
    );
    const account = o.billingAccountName;
    const pasted = credentialsWerePasted(o);
    const stillPropagating = (error: AzureCallError) =>
      Date.now() - ctx.firstAttemptAt.getTime() < patienceFor(error, pasted);

    try {
      let last: AzureCallError | undefined;
      const result = await whileAzureCatchesUp(
        ctx,
        "Waiting for the new secret and role to reach every Azure service (this can take a few minutes).",
        async () => {
          try {
            await arm.getBillingAccount(account);
          } catch (error) {
            // Nothing Azure says back may carry the secret into a message, a log or the database.
            last = withoutSecret(error instanceof AzureCallError ? error : toAzureError(error), secret);
            throw last;
          }
          try {
            return await arm.monthToDateCost(account);
          } catch (error) {
            last = withoutSecret(error instanceof AzureCallError ? error : toAzureError(error), secret);
            // Never hammer Cost Management: space a refused query's retry, or honour its own wait.
            if (last.kind !== "transient")
              last = new AzureCallError({
                ...last.toJSON(),
                retryAfterMs: Math.max(last.retryAfterMs ?? 0, costQuerySpacingMs),
              });
            throw last;
          }
        },
        stillPropagating,
      ).catch((error: unknown) => {
        // Say what Azure still refuses (or asks us to wait for), and until when we keep trying.
        if (error instanceof StillWaiting && last && (last.kind !== "transient" || last.status === 429)) {
          const until =
            last.status === 429
              ? new Date(Date.now() + error.retryInMs)
              : new Date(ctx.firstAttemptAt.getTime() + patienceFor(last, pasted));
          throw new StillWaiting(waitingReason(last, until), error.retryInMs);
        }
        throw error;
      });
      let saved;
      try {
        saved = await saveProvedIntegrationFenced(
          fence,
          checked,
          { ok: true, amount: result.amount, currency: result.currency, from: result.from, to: result.to },
          { status: "completed" },
        );
      } catch (error) {
        if (error instanceof CredentialsChangedError)
          return {
            status: "waiting",
            message:
              "The credentials changed while they were being checked (a new secret, or values pasted again): checking the new ones.",
            retryInMs: 0,
          };
        if (error instanceof IntegrationTakenError)
          return {
            status: "needs_attention",
            error: {
              kind: "input",
              message:
                "Another onboarding already connected this app to this billing account: it works, and that onboarding holds it.",
              action:
                "There is nothing more to do here. To replace its secret, use that onboarding; to connect again with another app, redo step 1.",
            },
          };
        throw error;
      }
      ctx.onboarding = saved.onboarding;
      await ctx.audit({
        action: "Verify connection",
        target: account,
        requestId: result.requestId,
        outcome: "success",
        detail: { currency: result.currency },
      });
      // Read under the lock: the secret the Integration held before this one, which may go now.
      const retiring = saved.onboarding.retiringSecretKeyId;
      if (retiring && saved.onboarding.applicationObjectId) {
        let gone = false;
        try {
          const removed = await ctx.graph().removePassword(saved.onboarding.applicationObjectId, retiring);
          await ctx.audit({
            action: "Remove previous client secret",
            target: retiring,
            requestId: removed.requestId,
            outcome: "success",
          });
          gone = true;
        } catch (error) {
          const e = error instanceof AzureCallError ? error : null;
          await ctx.audit({
            action: "Remove previous client secret",
            target: retiring,
            requestId: e?.requestId,
            outcome: "failure",
            detail: { code: e?.code },
          });
          if (e?.status === 404) gone = true;
        }
        if (gone) await clearRetiringSecretFenced(fence, retiring);
      }
      return {
        status: "done",
        outputs: {
          amount: result.amount,
          currency: result.currency,
          from: result.from,
          to: result.to,
          integrationId: saved.integrationId,
        },
      };
    } catch (error) {
      if (error instanceof AzureCallError) {
        // Only an Integration that holds these very values is marked failing: a failed replacement
        // leaves the working one as it is, and with none nothing is written.
        await recordFailedCheckFenced(fence, checked, {
          ok: false,
          message: error.message,
          code: error.code,
        });
        await ctx.audit({
          action: "Verify connection",
          target: account,
          requestId: error.requestId,
          outcome: "failure",
          detail: { code: error.code },
        });
        const failure = verificationFailure(error, {
          pasted,
          clientId: o.clientId,
          tenantId: o.tenantId,
          billingAccountName: account,
        });
        return {
          status: "needs_attention",
          error: {
            ...error.toJSON(),
            message: failure.message,
            action: failure.action,
            resolution: failure.resolution,
          },
        };
      }
      throw error;
    }
  },
};
