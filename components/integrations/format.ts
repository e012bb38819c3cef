/** Why an integration fails, in a few words (lib/azure/app-check.ts names the causes). */
export const reasonLabels: Record<string, string> = {
  "secret-expired": "Secret expired",
  "secret-invalid": "Secret refused",
  "app-missing": "App deleted",
  "no-billing-read": "Role removed",
  "billing-account-missing": "Billing account not found",
  "entra-refused": "Sign-in refused",
  other: "Other",
};

export type LastVerification = {
  ok?: boolean;
  message?: string;
  action?: string;
  reason?: string;
  code?: string;
  at?: string;
  amount?: number;
  currency?: string | null;
} | null;
