/**
 * Step 3: which billing account. Only an active Microsoft Customer Agreement account whose primary
 * billing tenant is this tenant can grant roles to this tenant's app; one such account is chosen
 * automatically, several need a person to pick, and every other account says why it cannot be used.
 */
import type { BillingAccountSummary } from "@/lib/azure/arm";
import { AzureCallError } from "@/lib/azure/errors";
import { findIntegrationsForBillingAccount } from "@/lib/data/integrations";
import type { StepModule } from "@/lib/onboardings/types";

export type BillingAccountChoice = BillingAccountSummary & {
  usable: boolean;
  reason: string | null;
  /** How the person sees the account, in words (own billing role, or Global Administrator access). */
  accessLabel: string;
};

/** In words, for the picker: why this person sees the account at all. */
export function accessLabel(access: BillingAccountSummary["access"]): string {
  return access === "global-admin"
    ? "you hold no billing role on it and see it through your Microsoft Entra administrator role. A Global Administrator may assign its billing roles."
    : "you see it through a billing role of your own on it.";
}

const agreementNames: Record<string, string> = {
  MicrosoftCustomerAgreement: "Microsoft Customer Agreement",
  EnterpriseAgreement: "Enterprise Agreement",
  MicrosoftOnlineServicesProgram: "Microsoft Online Services Program (pay-as-you-go)",
  MicrosoftPartnerAgreement: "Microsoft Partner Agreement",
};

export function agreementName(type: string) {
  return agreementNames[type] ?? type;
}

export function classifyAccount(account: BillingAccountSummary, tenantId: string): BillingAccountChoice {
  let reason: string | null = null;
  if (account.agreementType !== "MicrosoftCustomerAgreement") {
    reason =
      account.agreementType === "EnterpriseAgreement"
        ? "An Enterprise Agreement account: connect it with the EA integration, which uses enrollment roles instead."
        : `A ${agreementName(account.agreementType)} account: only Microsoft Customer Agreement accounts can be connected here.`;
  } else if (account.accountStatus !== "Active") {
    reason = `The account is ${account.accountStatus.toLowerCase()}, not active.`;
  } else if (account.primaryBillingTenantId && account.primaryBillingTenantId !== tenantId) {
    reason =
      "The account belongs to another tenant: only apps of its primary billing tenant can be given billing roles on it.";
  } else if (account.hasReadAccess === false) {
    reason =
      "Your Microsoft Entra role lists this account but gives no access to it: a Billing account owner or a Global Administrator must finish the connection.";
  }
  return { ...account, usable: reason === null, reason, accessLabel: accessLabel(account.access) };
}

export const billingAccountStep: StepModule = {
  id: "billing-account",
  async run(ctx) {
    let listed: BillingAccountSummary[];
    try {
      listed = await ctx.arm().listBillingAccounts();
    } catch (error) {
      if (!(error instanceof AzureCallError) || error.kind !== "permission") throw error;
      return {
        status: "needs_attention",
        error: {
          ...error.toJSON(),
          message:
            "Azure refused to list your billing accounts. Billing accounts are visible to people with a billing role on them (for example Billing account owner or reader).",
          action:
            "Ask a Billing account owner to finish this step with a share link, or to give you a billing role, then run it again.",
          resolution: "needs-billing-owner",
        },
      };
    }
    const accounts = listed.map((a) => classifyAccount(a, ctx.onboarding.tenantId));
    const usable = accounts.filter((a) => a.usable);
    const choices = accounts.map((a) => ({
      name: a.name,
      displayName: a.displayName,
      agreementType: a.agreementType,
      accountStatus: a.accountStatus,
      usable: a.usable,
      reason: a.reason,
      access: a.access ?? "billing-role",
      accessLabel: a.accessLabel,
    }));

    const chosenName = ctx.onboarding.billingAccountName;
    if (chosenName) {
      const chosen = accounts.find((a) => a.name === chosenName);
      if (chosen?.usable) {
        if (chosen.displayName !== ctx.onboarding.billingAccountDisplayName)
          await ctx.save({ billingAccountDisplayName: chosen.displayName });
        return {
          status: "done",
          outputs: {
            billingAccountName: chosen.name,
            billingAccountDisplayName: chosen.displayName,
            agreementType: chosen.agreementType,
            choices,
          },
        };
      }
      return {
        status: "needs_attention",
        outputs: { choices },
        error: {
          kind: "input",
          message: chosen
            ? `The chosen billing account cannot be used: ${chosen.reason}`
            : "The chosen billing account is not visible to you.",
          action: "Choose another billing account below.",
          resolution: "choose-billing-account",
        },
      };
    }

    if (usable.length === 1) {
      const only = usable[0]!;
      const connected = (await findIntegrationsForBillingAccount(ctx.onboarding.tenantId, only.name)).filter(
        (i) => i.onboardingId !== ctx.onboarding.id,
      );
      if (connected.length > 0) {
        return {
          status: "needs_attention",
          outputs: { choices },
          error: {
            kind: "input",
            message: `${only.displayName} is already connected by another onboarding.`,
            action:
              "Connecting it again makes a second app with its own secret. Choose it below and confirm if that is what you want.",
            resolution: "choose-billing-account",
          },
        };
      }
      await ctx.save({ billingAccountName: only.name, billingAccountDisplayName: only.displayName });
      return {
        status: "done",
        outputs: {
          billingAccountName: only.name,
          billingAccountDisplayName: only.displayName,
          agreementType: only.agreementType,
          autoSelected: true,
          choices,
        },
      };
    }

    if (usable.length > 1) {
      return {
        status: "needs_attention",
        outputs: { choices },
        error: {
          kind: "input",
          message: `You have ${usable.length} Microsoft Customer Agreement billing accounts.`,
          action: "Choose the one to connect.",
          resolution: "choose-billing-account",
        },
      };
    }

    return {
      status: "needs_attention",
      outputs: { choices },
      error: {
        kind: "input",
        message:
          accounts.length === 0
            ? "You can see no billing accounts. A billing account is visible to people with a billing role on it (for example Billing account owner or reader) and to the Global Administrators of its tenant."
            : "None of the billing accounts you can see is an active Microsoft Customer Agreement account of this tenant.",
        action:
          accounts.length === 0
            ? "Ask a Billing account owner to finish this step with a share link, or to give you a billing role, then run it again."
            : "Check the reasons listed below; an Enterprise Agreement needs the EA integration instead.",
        resolution: "no-usable-billing-account",
      },
    };
  },
};
