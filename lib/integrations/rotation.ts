/**
 * Secret rotation with overlap, as phases of a persisted operation (lib/integrations/operations.ts):
 *   add       a new secret on the app, its value encrypted and saved in the same write as its keyId;
 *   verify    sign in as the app with it, read the billing account, run a cost query;
 *   deliver   the Integration (what /api/v1 serves) and the onboarding hold it, and the verification is
 *             recorded on it (a failing integration whose new secret worked is active again);
 *   grace     "secret_rotated"; both secrets work until removeAfter, so the cost platform's imports never stop;
 *   remove-old the old secret goes, with the actor's delegated token.
 * Interrupted anywhere, it resumes without a second new secret: a secret on the app named like ours
 * whose value nobody holds (a run that died between Azure's answer and our write) is removed, then one
 * is added; a stored new keyId still on the app is adopted.
 */
import "server-only";

import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError, scrub } from "@/lib/azure/errors";
import { appCredential } from "@/lib/azure/token-broker";
import { rotationSecretContext } from "@/lib/crypto/contexts";
import { decryptSecret, encryptSecret } from "@/lib/crypto/vault";
import { recordIntegrationEvent } from "@/lib/data/integration-events";
import { deliverRotatedSecretFenced } from "@/lib/data/integration-operations";
import { recordVerification, type VerificationRecord } from "@/lib/data/integrations";
import { LeaseLostError } from "@/lib/data/lease";
import { utcDateTime } from "@/lib/format";
import type { OperationContext, PhaseHandler, PhaseResult } from "@/lib/integrations/operation-types";
import { secretDescription } from "@/lib/onboardings/catalog";
import { StillWaiting, whileAzureCatchesUp } from "@/lib/onboardings/retry";

/** How long refusals of the new secret read as "not propagated yet" (as step 5). */
const propagationPatienceMs = 15 * 60_000;
const dayMs = 86_400_000;

function addMonths(date: Date, months: number) {
  const out = new Date(date);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

function appObjectId(ctx: OperationContext): string {
  const id = ctx.integration.onboarding?.applicationObjectId;
  if (!id)
    throw new AzureCallError({
      kind: "input",
      message:
        "This integration's app was not created by the portal (manual mode): rotate its secret in Azure.",
    });
  return id;
}

/** Not found and throttling are worth waiting for; anything else a POST answered may have taken effect. */
function onReplica<T>(ctx: OperationContext, fn: () => Promise<T>) {
  return whileAzureCatchesUp(ctx, "Waiting for Microsoft Entra.", fn, (e) => e.kind === "transient");
}

const add: PhaseHandler = async (ctx) => {
  const graph = ctx.graph();
  const objectId = appObjectId(ctx);
  const app = await onReplica(ctx, () => graph.application(objectId));
  if (!app)
    return {
      attention: {
        message: "The app registration is gone from Microsoft Entra, so its secret cannot be rotated.",
        action: "Disconnect this integration and connect the billing account again.",
      },
    };
  const op = ctx.operation;
  const credentials = app.passwordCredentials ?? [];
  if (op.newKeyId && op.newSecretCiphertext && credentials.some((c) => c.keyId === op.newKeyId)) {
    await ctx.mark("added");
    return { next: "verify" };
  }
  const keep = new Set([op.retiringKeyId, ctx.integration.secretKeyId].filter(Boolean));
  for (const orphan of credentials.filter((c) => !keep.has(c.keyId) && c.displayName === secretDescription)) {
    const removed = await onReplica(ctx, () => graph.removePassword(objectId, orphan.keyId));
    await ctx.audit({
      action: "Remove unusable client secret (rotation)",
      target: `${orphan.hint ?? ""}… (${orphan.keyId})`,
      requestId: removed.requestId,
      outcome: "success",
    });
  }
  // The same lifetime as the secret it replaces (as chosen in the onboarding), counted from now.
  const original = credentials.find((c) => c.keyId === op.retiringKeyId);
  const lifetime =
    original?.startDateTime && original.endDateTime
      ? new Date(original.endDateTime).getTime() - new Date(original.startDateTime).getTime()
      : null;
  const expiresAt =
    lifetime && lifetime > dayMs
      ? new Date(Date.now() + lifetime)
      : addMonths(new Date(), ctx.integration.onboarding?.secretExpiryMonths ?? 12);
  let secret;
  try {
    secret = await onReplica(ctx, () => graph.addPassword(objectId, secretDescription, expiresAt));
  } catch (error) {
    if (!(error instanceof AzureCallError)) throw error;
    await ctx.audit({
      action: "Add client secret (rotation)",
      target: secretDescription,
      requestId: error.requestId,
      outcome: "failure",
      detail: { code: error.code },
    });
    if (error.kind === "permission")
      return {
        attention: {
          message:
            "Your account may not add a client secret to this app. It needs the Application Administrator or Cloud Application Administrator role, or to own the app.",
          action:
            "Ask someone with one of these roles to sign in and rotate the secret. The current secret keeps working.",
          code: error.code,
        },
      };
    if (error.kind === "policy")
      return {
        attention: {
          message: "Your tenant's app management policy refused a secret with this lifetime.",
          action: "Ask an administrator about the policy. The current secret keeps working.",
          code: error.code,
        },
      };
    throw error;
  }
  const sealed = encryptSecret(secret.secretText, rotationSecretContext(op.id));
  try {
    const timeline = { ...((op.timeline ?? {}) as Record<string, string>), added: new Date().toISOString() };
    await ctx.save({
      newKeyId: secret.keyId,
      newSecretCiphertext: sealed.ciphertext,
      newSecretEncryptionKeyId: sealed.keyId,
      newSecretHint: secret.hint ?? secret.secretText.slice(0, 3),
      newSecretExpiresAt: secret.endDateTime ? new Date(secret.endDateTime) : expiresAt,
      timeline,
    });
  } catch (error) {
    // Taken over while Azure made the secret: nobody will hold its value, so it must not stay.
    if (error instanceof LeaseLostError) {
      const removed = await graph.removePassword(objectId, secret.keyId).catch(() => undefined);
      await ctx.audit({
        action: "Remove client secret of an interrupted rotation",
        target: secret.keyId,
        requestId: removed?.requestId,
        outcome: removed ? "success" : "failure",
      });
    }
    throw error;
  }
  await ctx.audit({
    action: "Add client secret (rotation)",
    target: `${secretDescription} (${secret.keyId})`,
    requestId: secret.requestId,
    outcome: "success",
    detail: { expires: secret.endDateTime },
  });
  return { next: "verify" };
};

function newSecret(ctx: OperationContext): string {
  const op = ctx.operation;
  if (!op.newSecretCiphertext || !op.newSecretEncryptionKeyId)
    throw new Error("rotation lost its new secret");
  return decryptSecret(
    { ciphertext: op.newSecretCiphertext, keyId: op.newSecretEncryptionKeyId },
    rotationSecretContext(op.id),
  );
}

const verify: PhaseHandler = async (ctx) => {
  const op = ctx.operation;
  if (!op.newSecretCiphertext) return { next: "add" };
  const secret = newSecret(ctx);
  const endpoints = azureEndpoints();
  const { tenantId, clientId, billingAccountName } = ctx.integration;
  const arm = new ArmClient(appCredential(tenantId, clientId, secret, endpoints.arm.resource), endpoints, {
    deadline: ctx.deadline,
  });
  const since = new Date(((op.timeline ?? {}) as Record<string, string>).added ?? op.createdAt).getTime();
  const propagating = (e: AzureCallError) =>
    e.kind === "transient" || (e.code !== "AADSTS7000222" && Date.now() - since < propagationPatienceMs);
  try {
    const result = await whileAzureCatchesUp(
      ctx,
      "Waiting for the new secret to reach every Azure service (this can take a few minutes).",
      async () => {
        try {
          await arm.getBillingAccount(billingAccountName);
          return await arm.monthToDateCost(billingAccountName);
        } catch (error) {
          throw error instanceof AzureCallError
            ? new AzureCallError({ ...error.toJSON(), message: scrub(error.message, [secret]) })
            : error;
        }
      },
      propagating,
    );
    await ctx.audit({
      action: "Verify new client secret (rotation)",
      target: billingAccountName,
      requestId: result.requestId,
      outcome: "success",
      detail: { currency: result.currency },
    });
    const verification: VerificationRecord = {
      ok: true,
      amount: result.amount,
      currency: result.currency,
      from: result.from,
      to: result.to,
    };
    await ctx.save({ verification });
    await ctx.mark("verified");
    return { next: "deliver" };
  } catch (error) {
    if (error instanceof StillWaiting || !(error instanceof AzureCallError)) throw error;
    await ctx.audit({
      action: "Verify new client secret (rotation)",
      target: billingAccountName,
      requestId: error.requestId,
      outcome: "failure",
      detail: { code: error.code },
    });
    return {
      attention: {
        message: `The new secret does not work as the app yet: ${scrub(error.message, [secret])}`,
        action: "The current secret keeps working and nothing was handed over. Try again later.",
        code: error.code,
      },
    };
  }
};

const deliver: PhaseHandler = async (ctx) => {
  const op = ctx.operation;
  if (ctx.integration.secretKeyId !== op.newKeyId) {
    if (!op.newSecretCiphertext || !op.newKeyId) return { next: "add" };
    const now = new Date();
    const removeAfter = new Date(now.getTime() + (op.graceMs ?? dayMs));
    const timeline = { ...((op.timeline ?? {}) as Record<string, string>), delivered: now.toISOString() };
    ctx.operation = await deliverRotatedSecretFenced(
      op,
      ctx.leaseToken,
      {
        value: newSecret(ctx),
        keyId: op.newKeyId,
        hint: op.newSecretHint ?? "",
        expiresAt: op.newSecretExpiresAt,
      },
      { removeAfter, timeline, newSecretCiphertext: null },
    );
  }
  // The Integration holds the secret that just worked as the app: that is a verification, as the health
  // check's (a failing integration is active again). Once: a crash before the mark records it again,
  // which changes nothing.
  const verification = ctx.operation.verification as VerificationRecord | null;
  const timeline = (ctx.operation.timeline ?? {}) as Record<string, string>;
  if (verification?.ok && !timeline.verificationRecorded) {
    await recordVerification(ctx.integration.id, verification);
    await ctx.mark("verificationRecorded");
  }
  return { next: "grace" };
};

const grace: PhaseHandler = async (ctx) => {
  const op = ctx.operation;
  // Once per rotation, also when a run died between the hand-over and this line.
  await recordIntegrationEvent({
    tenantId: ctx.integration.tenantId,
    integrationId: ctx.integration.id,
    type: "integration.secret_rotated",
    dedupeKey: `secret_rotated:${op.id}`,
    data: {
      integrationId: ctx.integration.id,
      tenantId: ctx.integration.tenantId,
      clientId: ctx.integration.clientId,
      billingAccountName: ctx.integration.billingAccountName,
      secretKeyId: op.newKeyId,
      secretExpiresAt: op.newSecretExpiresAt?.toISOString() ?? null,
      previousSecretKeyId: op.retiringKeyId,
      previousSecretRemovedAfter: op.removeAfter?.toISOString() ?? null,
    },
  });
  const due = op.removeAfter ? op.removeAfter.getTime() - Date.now() : 0;
  if (due > 0)
    return {
      wait: `Both secrets work until ${utcDateTime(op.removeAfter)}; then the old one is removed.`,
      retryInMs: due,
    };
  return { next: "remove-old" };
};

const removeOld: PhaseHandler = async (ctx) => {
  const op = ctx.operation;
  if (op.retiringKeyId) {
    const objectId = appObjectId(ctx);
    const graph = ctx.graph();
    const app = await onReplica(ctx, () => graph.application(objectId));
    const present = app?.passwordCredentials?.some((c) => c.keyId === op.retiringKeyId);
    if (present) {
      try {
        const removed = await onReplica(ctx, () => graph.removePassword(objectId, op.retiringKeyId!));
        await ctx.audit({
          action: "Remove old client secret (rotation, after grace period)",
          target: op.retiringKeyId,
          requestId: removed.requestId,
          outcome: "success",
        });
      } catch (error) {
        if (!(error instanceof AzureCallError)) throw error;
        if (error.kind !== "sign-in")
          await ctx.audit({
            action: "Remove old client secret (rotation, after grace period)",
            target: op.retiringKeyId,
            requestId: error.requestId,
            outcome: "failure",
            detail: { code: error.code },
          });
        // Already gone (removed in Azure by hand): nothing left to do.
        if (!(error.status === 404 || /No password credential found/i.test(error.message))) throw error;
      }
    }
  }
  await ctx.mark("oldRemoved");
  return { next: "done" };
};

export const rotationPhases: Record<string, PhaseHandler> = {
  add,
  verify,
  deliver,
  grace,
  "remove-old": removeOld,
};

export type { PhaseResult };
