/**
 * Step 1: the app registration and its service principal, in the onboarding's tenant. The app is
 * marked with our uniqueName ("mca-connect-<onboarding id>") and created by an upsert on it, so a
 * retry, a second tab or a crash after Azure answered adopts the same app instead of making another.
 */
import { AzureCallError } from "@/lib/azure/errors";
import { mayStillReplicate, whileAzureCatchesUp } from "@/lib/onboardings/retry";
import type { StepModule } from "@/lib/onboardings/types";

export function appUniqueName(onboardingId: string) {
  return `mca-connect-${onboardingId}`;
}

/** Entra's 403 says "Insufficient privileges"; say which rights would do and who has them. */
function explainPermission(error: unknown): unknown {
  if (!(error instanceof AzureCallError) || (error.kind !== "permission" && error.status !== 403))
    return error;
  return new AzureCallError({
    ...error.toJSON(),
    message:
      "Your account may not register applications in this tenant. It needs the Application Administrator, Cloud Application Administrator or Application Developer role, or the tenant must let users register applications.",
  });
}

export const appRegistrationStep: StepModule = {
  id: "app-registration",
  async run(ctx) {
    const graph = ctx.graph();
    // The engine runs a step only for a person signed in to the onboarding's tenant (the sign-in's tid)
    // and asks for tokens at that tenant: the tenant's name is for display only, so it is read beside
    // the app's creation, off the critical path, and a failure to read it costs nothing but the name.
    const organization = graph.organization().catch(() => null);

    // The upsert is idempotent: a retry while a new app replicates finds the same app.
    const app = await whileAzureCatchesUp(
      ctx,
      "Waiting for Microsoft Entra to replicate the new app.",
      () => graph.upsertApplication(appUniqueName(ctx.onboarding.id), ctx.onboarding.appDisplayName),
      (error) =>
        error.kind === "transient" ||
        (error.kind === "consistency" && mayStillReplicate(null, ctx.firstAttemptAt)),
    ).catch(async (error: unknown) => {
      if (error instanceof AzureCallError) {
        await ctx.audit({
          action: "Create app registration",
          target: ctx.onboarding.appDisplayName,
          outcome: "failure",
          requestId: error.requestId,
          detail: { code: error.code },
        });
      }
      throw explainPermission(error);
    });
    if (app.id !== ctx.onboarding.applicationObjectId || app.appId !== ctx.onboarding.clientId) {
      await ctx.save({ applicationObjectId: app.id, clientId: app.appId });
    }
    if (app.created) {
      await ctx.audit({
        action: "Create app registration",
        target: `${app.displayName} (${app.appId})`,
        requestId: app.requestId,
        outcome: "success",
      });
    }

    // A new app takes a moment to replicate before its service principal can be made; until then Graph
    // may even answer 403 (see errors.ts). Only for a while after the app was created.
    const sp = await whileAzureCatchesUp(
      ctx,
      "Waiting for Microsoft Entra to replicate the new app before creating its service principal.",
      () => graph.upsertServicePrincipal(app.appId),
      (error) =>
        error.kind === "transient" ||
        (error.kind === "consistency" && mayStillReplicate(app.createdDateTime, ctx.firstAttemptAt)),
    ).catch(async (error: unknown) => {
      if (error instanceof AzureCallError) {
        await ctx.audit({
          action: "Create service principal",
          target: app.appId,
          outcome: "failure",
          requestId: error.requestId,
          detail: { code: error.code },
        });
      }
      throw explainPermission(error);
    });
    if (sp.id !== ctx.onboarding.servicePrincipalId) await ctx.save({ servicePrincipalId: sp.id });
    if (sp.created) {
      await ctx.audit({
        action: "Create service principal",
        target: sp.id,
        requestId: sp.requestId,
        outcome: "success",
      });
    }

    return {
      status: "done",
      outputs: {
        tenantId: ctx.onboarding.tenantId,
        tenantName: (await organization)?.displayName ?? null,
        appName: app.displayName,
        clientId: app.appId,
        applicationObjectId: app.id,
        servicePrincipalId: sp.id,
      },
    };
  },
};
