/**
 * Disconnect, as phases of a persisted operation (lib/integrations/operations.ts): the Billing account
 * reader role assignment (ARM), then every secret, the service principal and the app (Graph), each
 * removal audited with Azure's request id. Each phase is idempotent (404 = already gone), so a run
 * interrupted anywhere is simply run again. A refusal (an Application Administrator may not delete a
 * billing role assignment) stops with who can do it; nothing is lost, a person may retry.
 */
import "server-only";

import { AzureCallError } from "@/lib/azure/errors";
import { recordIntegrationEvent } from "@/lib/data/integration-events";
import { markIntegrationDisconnectedFenced } from "@/lib/data/integration-operations";
import type { OperationContext, PhaseHandler } from "@/lib/integrations/operation-types";
import { whileAzureCatchesUp } from "@/lib/onboardings/retry";

function retryTransient<T>(ctx: OperationContext, fn: () => Promise<T>) {
  return whileAzureCatchesUp(
    ctx,
    "Azure had a temporary problem; trying again.",
    fn,
    (e) => e.kind === "transient",
  );
}

async function auditFailure(ctx: OperationContext, action: string, target: string, error: unknown) {
  if (error instanceof AzureCallError && error.kind !== "sign-in" && error.kind !== "transient")
    await ctx.audit({
      action,
      target,
      requestId: error.requestId,
      outcome: "failure",
      detail: { code: error.code },
    });
}

const role: PhaseHandler = async (ctx) => {
  const o = ctx.integration.onboarding;
  const name = o?.roleAssignmentName ?? o?.roleAssignmentId?.split("/").pop();
  if (!name) return { next: "secrets" };
  const action = "Remove Billing account reader role assignment";
  try {
    const removed = await retryTransient(ctx, () =>
      ctx.arm().deleteBillingRoleAssignment(ctx.integration.billingAccountName, name),
    );
    await ctx.audit({
      action,
      target: o?.roleAssignmentId ?? name,
      requestId: removed.requestId,
      outcome: "success",
      detail: removed.gone ? { alreadyGone: true } : undefined,
    });
  } catch (error) {
    await auditFailure(ctx, action, o?.roleAssignmentId ?? name, error);
    if (error instanceof AzureCallError && error.kind === "permission")
      return {
        attention: {
          message:
            "Your account may not remove the app's Billing account reader role: only a Billing account owner (or a Global Administrator who has elevated access on the billing account) may remove billing role assignments.",
          action:
            "Ask your billing account owner to remove the app's Billing account reader role in the Azure portal (Cost Management + Billing, the billing account, Access control (IAM)), then choose Continue disconnect. Nothing was removed yet; the connection still works.",
          resolution: "needs-billing-owner",
          code: error.code,
        },
      };
    throw error;
  }
  await ctx.mark("roleRemoved");
  return { next: "secrets" };
};

function objectIdOf(ctx: OperationContext) {
  return ctx.integration.onboarding?.applicationObjectId ?? null;
}

const secrets: PhaseHandler = async (ctx) => {
  const objectId = objectIdOf(ctx);
  if (objectId) {
    const graph = ctx.graph();
    const app = await retryTransient(ctx, () => graph.application(objectId));
    for (const credential of app?.passwordCredentials ?? []) {
      const action = "Remove client secret";
      try {
        const removed = await retryTransient(ctx, () => graph.removePassword(objectId, credential.keyId));
        await ctx.audit({
          action,
          target: `${credential.hint ?? ""}… (${credential.keyId})`,
          requestId: removed.requestId,
          outcome: "success",
        });
      } catch (error) {
        if (error instanceof AzureCallError && /No password credential found/i.test(error.message)) continue;
        await auditFailure(ctx, action, credential.keyId, error);
        if (error instanceof AzureCallError && error.kind === "permission") return appAdminNeeded(error);
        throw error;
      }
    }
  }
  await ctx.mark("secretsRemoved");
  return { next: "service-principal" };
};

function appAdminNeeded(error: AzureCallError) {
  return {
    attention: {
      message:
        "Your account may not change this app: it needs the Application Administrator or Cloud Application Administrator role, or to own the app.",
      action: "Ask someone with one of these roles to sign in and disconnect. Nothing else was lost.",
      code: error.code,
    },
  };
}

function graphRemoval(
  event: string,
  action: string,
  id: (ctx: OperationContext) => string | null | undefined,
  remove: (ctx: OperationContext, id: string) => Promise<{ requestId?: string; gone: boolean }>,
  next: string,
): PhaseHandler {
  return async (ctx) => {
    const target = id(ctx);
    if (target) {
      try {
        const removed = await retryTransient(ctx, () => remove(ctx, target));
        await ctx.audit({
          action,
          target,
          requestId: removed.requestId,
          outcome: "success",
          detail: removed.gone ? { alreadyGone: true } : undefined,
        });
      } catch (error) {
        await auditFailure(ctx, action, target, error);
        if (error instanceof AzureCallError && error.kind === "permission") return appAdminNeeded(error);
        throw error;
      }
    }
    await ctx.mark(event);
    return { next };
  };
}

const servicePrincipal = graphRemoval(
  "servicePrincipalRemoved",
  "Delete service principal",
  (ctx) => ctx.integration.onboarding?.servicePrincipalId,
  (ctx, id) => ctx.graph().deleteServicePrincipal(id),
  "application",
);

const application = graphRemoval(
  "applicationRemoved",
  "Delete app registration",
  objectIdOf,
  (ctx, id) => ctx.graph().deleteApplication(id),
  "finish",
);

const finish: PhaseHandler = async (ctx) => {
  if (ctx.integration.status !== "disconnected") {
    const timeline = {
      ...((ctx.operation.timeline ?? {}) as Record<string, string>),
      disconnected: new Date().toISOString(),
    };
    await markIntegrationDisconnectedFenced(ctx.operation, ctx.leaseToken, { timeline });
  }
  const i = ctx.integration;
  await recordIntegrationEvent({
    tenantId: i.tenantId,
    integrationId: i.id,
    type: "integration.disconnected",
    dedupeKey: `disconnected:${i.id}`,
    data: {
      integrationId: i.id,
      tenantId: i.tenantId,
      clientId: i.clientId,
      billingAccountName: i.billingAccountName,
      onboardingId: i.onboardingId,
    },
  });
  return { next: "done" };
};

export const disconnectPhases: Record<string, PhaseHandler> = {
  role,
  secrets,
  "service-principal": servicePrincipal,
  application,
  finish,
};
