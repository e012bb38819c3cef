/**
 * Each step's click path through the Azure portal, in our own words (following the screens of the seed
 * guide): the one text both the checklist ("How this looks in the Azure portal") and manual mode show,
 * with the known values (app name, tenant ID, client ID, ...) filled in where the person types or
 * checks them, and the catalog's pictures placed at the screen they show.
 */
import { secretDescription, type StepId } from "@/lib/onboardings/catalog";
import type { ManualValues } from "@/lib/onboardings/manual/cli";

export type ManualValueKey = keyof Pick<
  ManualValues,
  | "tenantId"
  | "appDisplayName"
  | "secretDescription"
  | "secretExpiryMonths"
  | "clientId"
  | "servicePrincipalId"
  | "billingAccountName"
>;

/** Text; a portal control's name (shown bold); or a known value (with a copy button), else `unknown`. */
export type PathPart = string | { ui: string } | { value: ManualValueKey; unknown: string };

export type PortalInstruction = {
  parts: readonly PathPart[];
  /** Index of the step's picture (step catalog) that shows this screen. */
  picture?: number;
};

export type PortalPath = {
  instructions: readonly PortalInstruction[];
  /** What to note or watch out for, after the clicks. */
  tip?: readonly PathPart[];
};

/** The values an onboarding already knows, as the instructions show them (null when not known yet). */
export function knownValuesOf(onboarding: {
  tenantId: string;
  appDisplayName: string;
  secretExpiryMonths: number;
  clientId: string | null;
  servicePrincipalId: string | null;
  billingAccountName: string | null;
}): Record<ManualValueKey, string | null> {
  return {
    tenantId: onboarding.tenantId,
    appDisplayName: onboarding.appDisplayName,
    secretDescription,
    secretExpiryMonths: String(onboarding.secretExpiryMonths),
    clientId: onboarding.clientId,
    servicePrincipalId: onboarding.servicePrincipalId,
    billingAccountName: onboarding.billingAccountName,
  };
}

export const portalPaths: Record<StepId, PortalPath> = {
  "app-registration": {
    instructions: [
      {
        parts: [
          "Sign in to the Azure portal in the directory ",
          { value: "tenantId", unknown: "of your organization" },
          ", search for ",
          { ui: "Microsoft Entra ID" },
          " and open it.",
        ],
      },
      {
        parts: [
          "Under ",
          { ui: "Manage" },
          ", select ",
          { ui: "App registrations" },
          ", then ",
          { ui: "+ New registration" },
          ".",
        ],
        picture: 0,
      },
      {
        parts: [
          "For ",
          { ui: "Name" },
          ", enter ",
          { value: "appDisplayName", unknown: "vantage" },
          ". Keep the other settings as they are (accounts in this organizational directory only) and click ",
          { ui: "Register" },
          ".",
        ],
        picture: 1,
      },
      {
        parts: [
          "The app's ",
          { ui: "Overview" },
          " opens. Copy its ",
          { ui: "Application (client) ID" },
          " and its ",
          { ui: "Directory (tenant) ID" },
          ": you paste both in step 5.",
        ],
        picture: 2,
      },
    ],
    tip: [
      "Registering the app in the portal also creates its service principal (under Enterprise applications), which step 4 gives the role to.",
    ],
  },
  "client-secret": {
    instructions: [
      {
        parts: [
          "On the app's page, open ",
          { ui: "Certificates & secrets" },
          " (or click ",
          { ui: "Add a certificate or secret" },
          " next to Client credentials) and click ",
          { ui: "+ New client secret" },
          ".",
        ],
      },
      {
        parts: [
          "For ",
          { ui: "Description" },
          ", enter ",
          { value: "secretDescription", unknown: "vantage-secret" },
          "; for ",
          { ui: "Expires" },
          ", choose about ",
          { value: "secretExpiryMonths", unknown: "12" },
          " months. Click ",
          { ui: "Add" },
          ".",
        ],
        picture: 0,
      },
      {
        parts: [
          "Copy the new secret's ",
          { ui: "Value" },
          " at once: Azure shows it only now. Do not copy the ",
          { ui: "Secret ID" },
          " beside it: that is not the secret.",
        ],
      },
    ],
    tip: ["Before the secret expires, add a new one and paste it here again, or the connection stops."],
  },
  "billing-account": {
    instructions: [
      { parts: ["Search for ", { ui: "Cost Management + Billing" }, " and open it."] },
      {
        parts: [
          "Select ",
          { ui: "Billing scopes" },
          ", then your Microsoft Customer Agreement billing account.",
        ],
      },
      {
        parts: [
          "Under ",
          { ui: "Settings" },
          ", open ",
          { ui: "Properties" },
          " and copy the ",
          { ui: "Billing account ID" },
          ". It looks like two GUIDs and a date (<GUID>:<GUID>_<yyyy-mm-dd>); a billing profile or invoice section ID (XXXX-XXXX-XXX-XXX) is not it.",
        ],
        picture: 0,
      },
    ],
    tip: ["You need a billing role on the account (reader or higher) to see it under Billing scopes."],
  },
  "role-assignment": {
    instructions: [
      {
        parts: [
          "On the billing account ",
          { value: "billingAccountName", unknown: "from step 3" },
          ", open ",
          { ui: "Access control (IAM)" },
          " and click ",
          { ui: "+ Add" },
          ".",
        ],
      },
      {
        parts: [
          "In the ",
          { ui: "Add role assignment" },
          " pane, choose the role ",
          { ui: "Billing account reader" },
          ".",
        ],
        picture: 0,
      },
      {
        parts: [
          "Under ",
          { ui: "Users, groups, or apps" },
          ", search for ",
          { value: "appDisplayName", unknown: "vantage" },
          " and select it (its service principal is ",
          { value: "servicePrincipalId", unknown: "made with the app in step 1" },
          "), then click ",
          { ui: "Add" },
          ".",
        ],
      },
    ],
    tip: [
      "Only a Billing account owner, or a Global Administrator who has elevated access to billing, may assign billing roles. A new role can take a few minutes to take effect.",
    ],
  },
  verify: {
    instructions: [
      {
        parts: [
          "Paste the four values below: the ",
          { ui: "Directory (tenant) ID" },
          " and ",
          { ui: "Application (client) ID" },
          " from step 1, the secret's ",
          { ui: "Value" },
          " from step 2 and the ",
          { ui: "Billing account ID" },
          " from step 3.",
        ],
      },
      {
        parts: [
          "Click ",
          { ui: "Save and verify" },
          ". MCA Connect signs in as the app with them and reads this month's costs to prove they work.",
        ],
      },
    ],
  },
};
