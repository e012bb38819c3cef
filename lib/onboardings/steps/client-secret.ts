/**
 * Step 2: the client secret. Azure returns a secret's value once, so the value is encrypted and saved
 * in the same write as its keyId. A secret on our app that we hold no value for (a crash between
 * Azure's answer and that write, or an earlier redo) is removed: exactly one usable secret remains.
 */
import { AzureCallError } from "@/lib/azure/errors";
import type { GraphApplication } from "@/lib/azure/graph";
import { onboardingSecretContext } from "@/lib/crypto/contexts";
import { encryptSecret } from "@/lib/crypto/vault";
import { findIntegrationForOnboarding } from "@/lib/data/integrations";
import { LeaseLostError } from "@/lib/data/lease";
import { secretDescription } from "@/lib/onboardings/catalog";
import { lifecycleRefusal } from "@/lib/onboardings/lifecycle-guard";
import { mayStillReplicate, whileAzureCatchesUp } from "@/lib/onboardings/retry";
import type { StepModule } from "@/lib/onboardings/types";

export { secretDescription };

/** The onboarding's secret is bound to its row (lib/crypto/contexts). */
export const secretContext = onboardingSecretContext;

function addMonths(date: Date, months: number) {
  const out = new Date(date);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

export const clientSecretStep: StepModule = {
  id: "client-secret",
  async run(ctx) {
    const { onboarding } = ctx;
    if (!onboarding.applicationObjectId) {
      throw new AzureCallError({ kind: "input", message: "Create the app registration (step 1) first." });
    }
    // A rotation (or a disconnect) that started after this step was queued: its secrets stay.
    const refusal = await lifecycleRefusal(onboarding.id, ["client-secret"]);
    if (refusal)
      return {
        status: "needs_attention",
        error: { kind: "input", message: refusal },
      };
    const graph = ctx.graph();
    const objectId = onboarding.applicationObjectId;
    // Read beside Graph's answer rather than after it: it is on the way to the secret.
    const integrationLookup = findIntegrationForOnboarding(onboarding.id);
    integrationLookup.catch(() => undefined); // awaited below; an early answer leaves it unread
    // Graph may not find an app it just created for a while (404 on GET, addPassword, removePassword):
    // read as replication for some minutes, then as an app that is gone.
    const replicating = (createdAt?: string | null) => (error: AzureCallError) =>
      error.kind === "transient" ||
      (error.kind === "consistency" && mayStillReplicate(createdAt, ctx.firstAttemptAt));
    const app: GraphApplication = await whileAzureCatchesUp(
      ctx,
      "Waiting for Microsoft Entra to replicate the new app.",
      async () => {
        const found = await graph.application(objectId);
        if (!found)
          throw new AzureCallError({
            kind: "consistency",
            message:
              "Microsoft Entra does not find the app registration (yet). If it was deleted, redo step 1.",
            service: "graph",
          });
        return found;
      },
      replicating(),
    );
    const onReplica = <T>(fn: () => Promise<T>) =>
      whileAzureCatchesUp(ctx, "Waiting for Microsoft Entra to replicate the new app.", fn, (error) =>
        // Only "not found" is retried: a POST that failed otherwise may have taken effect.
        error.kind === "consistency" ? replicating(app.createdDateTime)(error) : false,
      );

    const held = onboarding.secretKeyId && onboarding.secretCiphertext ? onboarding.secretKeyId : null;
    const credentials = app.passwordCredentials ?? [];
    if (held && !ctx.redo && credentials.some((c) => c.keyId === held)) {
      return { status: "done", outputs: outputsFrom(onboarding.secretHint, onboarding.secretExpiresAt) };
    }

    // The secret an Integration holds stays until step 5 has verified its replacement, also while it
    // fails (the cost platform may still use it, and a failed replacement leaves it in place).
    const integration = await integrationLookup;
    const inUse =
      integration?.status === "active" || integration?.status === "failing" ? integration.secretKeyId : null;
    // Secrets on our app whose value we do not hold cannot be used by anyone: remove them first.
    for (const orphan of credentials.filter(
      (c) => c.keyId !== held && c.keyId !== inUse && c.displayName === secretDescription,
    )) {
      const removed = await onReplica(() => graph.removePassword(objectId, orphan.keyId));
      await ctx.audit({
        action: "Remove unusable client secret",
        target: `${orphan.hint ?? ""}… (${orphan.keyId})`,
        requestId: removed.requestId,
        outcome: "success",
      });
    }

    const expiresAt = addMonths(new Date(), onboarding.secretExpiryMonths);
    let secret;
    try {
      secret = await onReplica(() => graph.addPassword(objectId, secretDescription, expiresAt));
    } catch (error) {
      if (!(error instanceof AzureCallError)) throw error;
      const e = error;
      await ctx.audit({
        action: "Add client secret",
        target: secretDescription,
        requestId: e.requestId,
        outcome: "failure",
        detail: { code: e.code },
      });
      if (e.kind === "permission") {
        return {
          status: "needs_attention",
          error: {
            ...e.toJSON(),
            message:
              "Your account may not add a client secret to this app. It needs the Application Administrator or Cloud Application Administrator role, or to be an owner of the app.",
            action:
              "Ask an administrator for one of these roles, or share this onboarding with someone who has one so they can run this step.",
          },
        };
      }
      if (e.kind === "policy") {
        return {
          status: "needs_attention",
          error: {
            ...e.toJSON(),
            message: `Your tenant's app management policy refused a secret valid for ${onboarding.secretExpiryMonths} months.`,
            action:
              "Choose a shorter expiry and run this step again, or ask an administrator about the policy.",
            resolution: "shorter-expiry",
          },
        };
      }
      throw error;
    }
    const sealed = encryptSecret(secret.secretText, secretContext(onboarding.id));
    const previous = held;
    try {
      await ctx.save({
        secretKeyId: secret.keyId,
        secretCiphertext: sealed.ciphertext,
        secretEncryptionKeyId: sealed.keyId,
        secretHint: secret.hint ?? secret.secretText.slice(0, 3),
        secretExpiresAt: secret.endDateTime ? new Date(secret.endDateTime) : expiresAt,
        retiringSecretKeyId: inUse && credentials.some((c) => c.keyId === inUse) ? inUse : null,
      });
    } catch (error) {
      // This run lost its lease while Azure made the secret: its value will never be stored, so the
      // secret must not stay behind (the runner that took over makes its own).
      if (error instanceof LeaseLostError) {
        await graph.removePassword(objectId, secret.keyId).catch(() => undefined);
        await ctx.audit({
          action: "Remove client secret of an interrupted run",
          target: secret.keyId,
          outcome: "success",
        });
      }
      throw error;
    }
    await ctx.audit({
      action: "Add client secret",
      target: `${secretDescription} (${secret.keyId})`,
      requestId: secret.requestId,
      outcome: "success",
      detail: { expires: secret.endDateTime },
    });

    // A redo replaces the secret. One that no working Integration holds goes now; the one the cost
    // platform uses goes only after step 5 has verified the new one and handed it over.
    if (previous && previous !== inUse && credentials.some((c) => c.keyId === previous)) {
      const removed = await onReplica(() => graph.removePassword(objectId, previous));
      await ctx.audit({
        action: "Remove previous client secret",
        target: previous,
        requestId: removed.requestId,
        outcome: "success",
      });
    }
    return {
      status: "done",
      outputs: outputsFrom(ctx.onboarding.secretHint, ctx.onboarding.secretExpiresAt),
    };
  },
};

function outputsFrom(hint: string | null, expiresAt: Date | null) {
  return {
    secretHint: hint ? `${hint}…` : null,
    secretExpiresAt: expiresAt?.toISOString() ?? null,
    description: secretDescription,
  };
}
