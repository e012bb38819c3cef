/**
 * Step 5: store the integration, then prove it works as the cost platform will use it: sign in as the
 * new app with its secret (client credentials), read the billing account, and run a month-to-date
 * Cost Management query. A new secret and a new role take a while to reach every Azure service, so
 * refusals that look like propagation are retried for a while before they count as failures.
 */
import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError } from "@/lib/azure/errors";
import { appCredential } from "@/lib/azure/token-broker";
import { saveIntegrationForOnboarding, recordVerification } from "@/lib/data/integrations";
import { StillWaiting, whileAzureCatchesUp } from "@/lib/onboarding/retry";
import { secretContext } from "@/lib/onboarding/steps/client-secret";
import type { StepModule } from "@/lib/onboarding/types";
import { decryptSecret } from "@/lib/vault";

// How long refusals are read as "not propagated yet" before they count as real failures.
const propagationPatienceMs = 15 * 60_000;
// Cost Management allows an app about 4 queries per scope a minute: after a refused query, the next
// one waits this long (the billing account read, which is cheap, keeps checking the role meanwhile).
const costQuerySpacingMs = 15_000;

/** What the step waits for, in words, and until when it keeps trying. */
function waitingFor(error: AzureCallError, until: Date): string {
  const by = `Trying until ${until.toISOString().slice(11, 16)} UTC.`;
  if (error.status === 429) return `Cost Management asked us to wait before the next query. ${by}`;
  if (error.code === "AADSTS7000215" || error.code === "AADSTS7000222")
    return `Waiting for Microsoft Entra to accept the new secret (a new secret can take minutes to work). ${by}`;
  if (error.code === "AADSTS700016" || error.code === "AADSTS7000229")
    return `Waiting for Microsoft Entra to know the new app in this tenant. ${by}`;
  if (error.kind === "permission" || error.kind === "sign-in")
    return `Waiting for the Billing account reader role to take effect: Azure still refuses the app's reads. ${by}`;
  return `Waiting for the new secret and role to reach every Azure service. ${by}`;
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
    const integration = await saveIntegrationForOnboarding(o);

    const endpoints = azureEndpoints();
    const arm = new ArmClient(
      appCredential(o.tenantId, o.clientId, secret, endpoints.arm.resource),
      endpoints,
      { deadline: ctx.deadline },
    );
    const account = o.billingAccountName;
    const stillPropagating = (error: AzureCallError) =>
      error.kind === "transient" ||
      (Date.now() - ctx.firstAttemptAt.getTime() < propagationPatienceMs &&
        ["consistency", "permission", "sign-in"].includes(error.kind));

    try {
      let last: AzureCallError | undefined;
      const result = await whileAzureCatchesUp(
        ctx,
        "Waiting for the new secret and role to reach every Azure service (this can take a few minutes).",
        async () => {
          try {
            await arm.getBillingAccount(account);
          } catch (error) {
            last = error instanceof AzureCallError ? error : toAzureError(error);
            throw last;
          }
          try {
            return await arm.monthToDateCost(account);
          } catch (error) {
            last = error instanceof AzureCallError ? error : toAzureError(error);
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
        if (error instanceof StillWaiting && last) {
          const until = new Date(ctx.firstAttemptAt.getTime() + propagationPatienceMs);
          throw new StillWaiting(waitingFor(last, until), error.retryInMs);
        }
        throw error;
      });
      await recordVerification(integration.id, {
        ok: true,
        amount: result.amount,
        currency: result.currency,
        from: result.from,
        to: result.to,
      });
      await ctx.audit({
        action: "Verify connection",
        target: account,
        requestId: result.requestId,
        outcome: "success",
        detail: { currency: result.currency },
      });
      await ctx.save({ status: "completed" });
      return {
        status: "done",
        outputs: {
          amount: result.amount,
          currency: result.currency,
          from: result.from,
          to: result.to,
          integrationId: integration.id,
        },
      };
    } catch (error) {
      if (error instanceof AzureCallError) {
        await recordVerification(integration.id, { ok: false, message: error.message, code: error.code });
        await ctx.audit({
          action: "Verify connection",
          target: account,
          requestId: error.requestId,
          outcome: "failure",
          detail: { code: error.code },
        });
        const redo =
          error.code === "AADSTS7000222" || error.code === "AADSTS7000215"
            ? "client-secret"
            : error.kind === "permission"
              ? "role-assignment"
              : null;
        return {
          status: "needs_attention",
          error: {
            ...error.toJSON(),
            action:
              redo === "client-secret"
                ? "Redo step 2 to make a new secret, then verify again."
                : redo === "role-assignment"
                  ? "Redo step 4 so the app has Billing account reader, then verify again."
                  : "Try again; if it keeps failing, check the steps above.",
            resolution: redo ? `redo-${redo}` : undefined,
          },
        };
      }
      throw error;
    }
  },
};

function toAzureError(error: unknown): AzureCallError {
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  if (e?.name === "RestError" && e.statusCode) {
    const kind =
      e.statusCode === 403
        ? "permission"
        : e.statusCode === 401
          ? "sign-in"
          : e.statusCode >= 500 || e.statusCode === 429
            ? "transient"
            : "fatal";
    return new AzureCallError({
      kind,
      status: e.statusCode,
      code: e.code,
      message: e.message ?? "Request failed",
      service: "arm",
    });
  }
  return new AzureCallError({ kind: "transient", message: e?.message ?? String(error) });
}
