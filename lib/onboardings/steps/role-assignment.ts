/**
 * Step 4: Billing account reader for the app's service principal. createBillingRoleAssignment is a
 * POST and not idempotent, so the step always lists the account's assignments first and adopts one
 * that exists; only billing account owners (or a Global Administrator of the tenant) may assign.
 *
 * Checked only (a person assigned the role by hand, "I have done it: check again"): the step looks and
 * adopts, and never posts. Azure can take a little while to list a new assignment, so it keeps looking
 * for a couple of minutes before it says what it did not find.
 */
import { billingAccountReaderRoleId } from "@/lib/azure/arm";
import { AzureCallError } from "@/lib/azure/errors";
import { mayStillReplicate, StillWaiting, whileAzureCatchesUp } from "@/lib/onboardings/retry";
import type { StepModule } from "@/lib/onboardings/types";
import { isMcaBillingAccountId } from "@/lib/validations/billing-account";

const ownerMessage =
  "Only a Billing account owner of this billing account, or a Global Administrator of its tenant, may assign billing roles.";

/**
 * Microsoft does not document Billing's answer for a service principal it cannot see yet: any 400 or
 * 404 that names the principal counts, for a while after the step began (replicationPatienceMs).
 */
function principalNotVisible(error: AzureCallError, principalId: string): boolean {
  if (error.kind === "consistency") return true;
  if (error.status !== 400 && error.status !== 404) return false;
  return new RegExp(`${principalId}|principal`, "i").test(`${error.code ?? ""} ${error.azureMessage ?? ""}`);
}

const pendingMarker = "pending";
const pendingPatienceMs = 10 * 60_000;
/** How long a check after a hand-made assignment keeps looking before it reports it missing. */
export const checkOnlyPatienceMs = 2 * 60_000;

export const roleAssignmentStep: StepModule = {
  id: "role-assignment",
  async run(ctx) {
    const { onboarding } = ctx;
    // The account step 3 found and checked, not whatever the onboarding row says now: a choice saved
    // while step 3 ran is not used until step 3 has checked it.
    const found = (await ctx.outputsOf("billing-account")).billingAccountName;
    const account = isMcaBillingAccountId(found) ? found : null;
    const principalId = onboarding.servicePrincipalId;
    if (!account || !principalId) {
      throw new AzureCallError({ kind: "input", message: "Steps 1 and 3 must be done first." });
    }
    if (account !== onboarding.billingAccountName) {
      throw new AzureCallError({
        kind: "input",
        message: "The billing account changed after step 3 checked it. Run step 3 again, then this step.",
      });
    }
    const arm = ctx.arm();
    const isReader = (roleDefinitionId?: string) =>
      roleDefinitionId?.toLowerCase().endsWith(billingAccountReaderRoleId) ?? false;

    try {
      // The role's id is read beside the first look for an assignment (an assignment needs both).
      const readerRole = ctx.checkOnly ? null : arm.readerRoleDefinitionId(account);
      readerRole?.catch(() => undefined); // awaited below; an early answer leaves it unread
      const existing = (await arm.listRoleAssignments(account)).find(
        (a) => a.principalId === principalId && isReader(a.roleDefinitionId),
      );
      if (existing) {
        if (existing.id !== onboarding.roleAssignmentId)
          await ctx.save({ roleAssignmentId: existing.id, roleAssignmentName: existing.name });
        if (ctx.checkOnly)
          await ctx.audit({
            action: "Found Billing account reader assigned by hand",
            target: principalId,
            outcome: "success",
            detail: { billingAccount: account, roleAssignmentId: existing.id },
          });
        return {
          status: "done",
          outputs: {
            role: "Billing account reader",
            principalId,
            roleAssignmentId: existing.id,
            adopted: !onboarding.roleAssignmentId,
            ...(ctx.checkOnly ? { byHand: true } : {}),
          },
        };
      }

      if (ctx.checkOnly) {
        if (Date.now() - ctx.firstAttemptAt.getTime() < checkOnlyPatienceMs) {
          throw new StillWaiting(
            "Looking for the Billing account reader assignment made by hand; Azure can take a minute or two to list a new one.",
            5000,
          );
        }
        const where = onboarding.billingAccountDisplayName
          ? `${onboarding.billingAccountDisplayName} (${account})`
          : account;
        return {
          status: "needs_attention",
          error: {
            kind: "input",
            message: `No Billing account reader assignment for the ${onboarding.appDisplayName} app was found on the billing account ${where}. We looked for its service principal, ${principalId}.`,
            action:
              "In the Azure portal, open the billing account's Access control (IAM), add the Billing account reader role for the app (search for its name), then click “I have done it: check again”. A Billing account owner must do it.",
            resolution: "check-again",
          },
        };
      }

      // An accepted (202) assignment that is not listed yet: wait for it rather than posting again.
      if (
        onboarding.roleAssignmentName === pendingMarker &&
        Date.now() - ctx.firstAttemptAt.getTime() < pendingPatienceMs
      ) {
        throw new StillWaiting("Azure accepted the role assignment and is still applying it.", 5000);
      }

      const roleDefinitionId = await readerRole!;
      // Each attempt looks before it posts: a POST that failed in transit may still have taken effect.
      // The first attempt's look is the one just made.
      let looked = true;
      const created = await whileAzureCatchesUp(
        ctx,
        "Waiting for the new service principal to reach Microsoft's billing system.",
        async () => {
          const found = looked
            ? undefined
            : (await arm.listRoleAssignments(account)).find(
                (a) => a.principalId === principalId && isReader(a.roleDefinitionId),
              );
          looked = false;
          if (found) return { ...found, requestId: undefined, pending: false };
          return arm.createBillingRoleAssignment(
            account,
            { principalId, principalTenantId: onboarding.tenantId, roleDefinitionId },
            { maxWaitMs: Math.max(0, ctx.deadline - Date.now()) },
          );
        },
        (error) =>
          error.kind === "transient" ||
          (principalNotVisible(error, principalId) && mayStillReplicate(null, ctx.firstAttemptAt)),
      ).catch(async (error: unknown) => {
        if (error instanceof AzureCallError) {
          await ctx.audit({
            action: "Assign Billing account reader",
            target: principalId,
            requestId: error.requestId,
            outcome: "failure",
            detail: { code: error.code },
          });
        }
        throw error;
      });
      await ctx.audit({
        action: "Assign Billing account reader",
        target: principalId,
        requestId: created.requestId,
        outcome: "success",
        detail: { billingAccount: account, pending: Boolean(created.pending) },
      });
      if (created.pending) {
        // Azure accepted it; the next attempt lists assignments and adopts it when it shows.
        await ctx.save({ roleAssignmentName: pendingMarker });
        throw new StillWaiting("Azure accepted the role assignment and is still applying it.", 5000);
      }
      await ctx.save({ roleAssignmentId: created.id, roleAssignmentName: created.name });
      return {
        status: "done",
        outputs: { role: "Billing account reader", principalId, roleAssignmentId: created.id },
      };
    } catch (error) {
      if (error instanceof AzureCallError && error.kind === "permission" && ctx.checkOnly) {
        return {
          status: "needs_attention",
          error: {
            ...error.toJSON(),
            message:
              "Your account may not read this billing account's role assignments, so it cannot check the assignment made by hand.",
            action:
              "Ask the Billing account owner who assigned the role to click “I have done it: check again”, or share this onboarding with them.",
            resolution: "needs-billing-owner",
          },
        };
      }
      if (error instanceof AzureCallError && error.kind === "permission") {
        return {
          status: "needs_attention",
          error: {
            ...error.toJSON(),
            message: `Azure refused to assign the role. ${ownerMessage}`,
            action:
              "Share this onboarding with your billing account owner or a Global Administrator so they can run this step.",
            resolution: "needs-billing-owner",
          },
        };
      }
      throw error;
    }
  },
};
