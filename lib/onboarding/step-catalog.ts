/**
 * The five steps' public words: titles in the seed guide's order, what each does and why. The checklist,
 * the home page, manual mode and the share page all render from here, so every screen says the same.
 */
export const stepIds = ["app-registration", "client-secret", "billing-account", "role-assignment", "verify"] as const;

export type StepId = (typeof stepIds)[number];

export type StepInfo = {
  id: StepId;
  number: number;
  title: string;
  summary: string;
  why: string;
};

export const stepCatalog: readonly StepInfo[] = [
  {
    id: "app-registration",
    number: 1,
    title: "Create a new application registration",
    summary: "Registers an app named “vantage” in your Microsoft Entra ID tenant, with its service principal.",
    why: "The cost platform signs in as this app. Its Application (client) ID and your Directory (tenant) ID identify it.",
  },
  {
    id: "client-secret",
    number: 2,
    title: "Generate a client secret",
    summary: "Adds a client secret called “vantage-secret” to the app, with the expiry you choose.",
    why: "The secret is the app's password. Azure shows its value once; the portal keeps it encrypted and shows only a hint afterwards.",
  },
  {
    id: "billing-account",
    number: 3,
    title: "Obtain your billing account ID",
    summary: "Finds your Microsoft Customer Agreement billing account and records its ID.",
    why: "Costs are read at the billing account scope, so the platform needs to know which account to read.",
  },
  {
    id: "role-assignment",
    number: 4,
    title: "Assign the billing account reader role to the service principal",
    summary: "Gives the app's service principal the Billing account reader role on that billing account.",
    why: "Read-only access to billing data is all the platform needs; it can never change your infrastructure.",
  },
  {
    id: "verify",
    number: 5,
    title: "Add app registration credentials",
    summary: "Stores the tenant ID, client ID, secret and billing account ID, then signs in as the app to prove they work.",
    why: "A connection is only done when the new credentials can read this month's costs.",
  },
];

export function stepInfo(id: StepId): StepInfo {
  const info = stepCatalog.find((step) => step.id === id);
  if (!info) throw new Error(`Unknown step ${id}`);
  return info;
}
