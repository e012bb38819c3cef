/**
 * The five steps' public words: titles in the seed guide's order, what each does and why. The checklist,
 * the home page, manual mode and the share page all render from here, so every screen says the same.
 * Each step's click path in the Azure portal is in lib/onboardings/manual/portal-path.ts.
 */
export const stepIds = [
  "app-registration",
  "client-secret",
  "billing-account",
  "role-assignment",
  "verify",
] as const;

export type StepId = (typeof stepIds)[number];

/** The client secret's description in Entra, as the seed guide names it. */
export const secretDescription = "vantage-secret";

/** Onboarding fields a step saves early enough for another to start on. */
export type EarlyField = "applicationObjectId";

export type StepInfo = {
  id: StepId;
  number: number;
  title: string;
  summary: string;
  why: string;
  /** What the step needs done first. */
  needs: readonly StepId[];
  /**
   * Of `needs`, the one whose first result is enough to start: the step may start once that step has
   * saved this onboarding field, while it still works on the rest (the secret needs only the app, not
   * its service principal). A redo of that step still queues this one again when it is done.
   */
  startsOnceSaved?: { step: StepId; field: EarlyField };
  /** Our drawings of the Azure screens the manual path goes through (public/steps). */
  pictures: readonly { src: string; alt: string }[];
};

export const stepCatalog: readonly StepInfo[] = [
  {
    id: "app-registration",
    number: 1,
    title: "Create a new application registration",
    summary:
      "Registers an app named “vantage” in your Microsoft Entra ID tenant, with its service principal.",
    why: "The cost platform signs in as this app. Its Application (client) ID and your Directory (tenant) ID identify it.",
    needs: [],
    pictures: [
      {
        src: "/steps/app-registrations.svg",
        alt: "Microsoft Entra ID with App registrations selected and the New registration button highlighted",
      },
      {
        src: "/steps/register-app.svg",
        alt: "The Register an application form with vantage entered as the name",
      },
      {
        src: "/steps/app-ids.svg",
        alt: "The vantage app's overview with its Application (client) ID and Directory (tenant) ID highlighted",
      },
    ],
  },
  {
    id: "client-secret",
    number: 2,
    title: "Generate a client secret",
    summary: "Adds a client secret called “vantage-secret” to the app, with the expiry you choose.",
    why: "The secret is the app's password. Azure shows its value once; the portal keeps it encrypted and shows only a hint afterwards.",
    needs: ["app-registration"],
    startsOnceSaved: { step: "app-registration", field: "applicationObjectId" },
    pictures: [
      {
        src: "/steps/client-secret.svg",
        alt: "The Add a client secret pane with vantage-secret as the description and an expiry chosen",
      },
    ],
  },
  {
    id: "billing-account",
    number: 3,
    title: "Obtain your billing account ID",
    summary: "Finds your Microsoft Customer Agreement billing account and records its ID.",
    why: "Costs are read at the billing account scope, so the platform needs to know which account to read.",
    needs: [],
    pictures: [
      {
        src: "/steps/billing-account-id.svg",
        alt: "Cost Management + Billing properties of an MCA billing account with the billing account ID highlighted",
      },
    ],
  },
  {
    id: "role-assignment",
    number: 4,
    title: "Assign the billing account reader role to the service principal",
    summary: "Gives the app's service principal the Billing account reader role on that billing account.",
    why: "Read-only access to billing data is all the platform needs; it can never change your infrastructure.",
    needs: ["app-registration", "billing-account"],
    pictures: [
      {
        src: "/steps/billing-account-reader.svg",
        alt: "Add role assignment on the billing account with Billing account reader chosen for the vantage app",
      },
    ],
  },
  {
    id: "verify",
    number: 5,
    title: "Add app registration credentials",
    summary:
      "Stores the tenant ID, client ID, secret and billing account ID, then signs in as the app to prove they work.",
    why: "A connection is only done when the new credentials can read this month's costs.",
    needs: ["client-secret", "role-assignment"],
    pictures: [
      {
        src: "/steps/credentials.svg",
        alt: "A cost platform's Add credentials form with tenant ID, app ID, password and billing account ID fields",
      },
    ],
  },
];

/**
 * The steps `info` still waits for: those of its needs not done, unless the early result it may start
 * on is saved (`saved`: the onboarding's fields). The engine schedules by it; the checklist says it.
 */
export function unmetNeeds(
  info: StepInfo,
  statusOf: (id: StepId) => string | undefined,
  saved: Partial<Record<EarlyField, string | null>> = {},
): StepId[] {
  return info.needs.filter(
    (need) =>
      statusOf(need) !== "done" &&
      !(info.startsOnceSaved?.step === need && saved[info.startsOnceSaved.field]),
  );
}

export function stepInfo(id: StepId): StepInfo {
  const info = stepCatalog.find((step) => step.id === id);
  if (!info) throw new Error(`Unknown step ${id}`);
  return info;
}
