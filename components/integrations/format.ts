/** How the integrations pages write dates, times and amounts. */
export function when(date: Date | null | undefined): string {
  return date
    ? `${date.toLocaleString("en-GB", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" })} UTC`
    : "never";
}

export function day(date: Date): string {
  return date.toLocaleDateString("en-GB", { timeZone: "UTC", dateStyle: "long" });
}

export function money(amount: number, currency: string | null): string {
  if (!currency) return amount.toFixed(2);
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amount);
}

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
