/**
 * What Azure's refusals mean when the portal (or the cost platform) signs in as a connected app and
 * reads its billing account: one classification shared by step 5's verification and the health job,
 * so both name the same cause for the same answer. Also the cleaning every such error goes through:
 * nothing Azure says back may carry the app's secret into a message, a log or the database.
 */
import { AzureCallError, scrub } from "@/lib/azure/errors";

/** Cost Management allows an app about 4 queries per scope a minute: after a refused query, wait this long. */
export const costQuerySpacingMs = 15_000;

export type Refusal = Pick<AzureCallError, "kind" | "code" | "status">;

/**
 * Why signing in as the app or reading its billing account failed:
 * - secret-expired: Entra's AADSTS7000222, the secret's end date has passed;
 * - secret-invalid: AADSTS7000215, not a current secret of the app (removed, replaced, mistyped);
 * - app-missing: AADSTS700016 / 7000229, no such app (or no service principal) in the tenant;
 * - billing-account-missing: the billing account is gone (404);
 * - no-billing-read: 403 on the billing read: the Billing account reader role is missing or was removed;
 * - entra-refused: any other refusal by Entra (Conditional Access for workload identities, disabled app);
 * - throttled / transient: Azure asks us to wait, or did not answer (not the integration's fault);
 * - other: anything else.
 */
export type RefusalReason =
  | "secret-expired"
  | "secret-invalid"
  | "app-missing"
  | "billing-account-missing"
  | "no-billing-read"
  | "entra-refused"
  | "throttled"
  | "transient"
  | "other";

export function isSecretExpired(e: Refusal) {
  return e.code === "AADSTS7000222";
}
export function isSecretRefused(e: Refusal) {
  return e.code === "AADSTS7000215";
}
export function isAppUnknown(e: Refusal) {
  return e.code === "AADSTS700016" || e.code === "AADSTS7000229";
}
export function isBillingAccountMissing(e: Refusal) {
  return e.status === 404 || /BillingAccountNotFound/i.test(e.code ?? "");
}
export function isNoBillingRead(e: Refusal) {
  return e.kind === "permission" || (e.status === 401 && !e.code?.startsWith("AADSTS"));
}

export function refusalReason(e: Refusal): RefusalReason {
  if (isSecretExpired(e)) return "secret-expired";
  if (isSecretRefused(e)) return "secret-invalid";
  if (isAppUnknown(e)) return "app-missing";
  if (e.status === 429) return "throttled";
  if (e.kind === "transient") return "transient";
  if (isBillingAccountMissing(e)) return "billing-account-missing";
  if (isNoBillingRead(e)) return "no-billing-read";
  if (e.code?.startsWith("AADSTS")) return "entra-refused";
  return "other";
}

/** MSAL words a server error as "Error(s): N - Timestamp: … - Description: AADSTSN: …"; keep the description. */
export function entraDescription(message: string): string {
  return /Description:\s*(.*)$/.exec(message)?.[1] ?? message;
}

/** The same error with every trace of `secret` replaced. */
export function withoutSecret(error: AzureCallError, secret: string): AzureCallError {
  const raw = error.toJSON();
  if (!secret || !JSON.stringify(raw).includes(secret)) return error;
  return new AzureCallError({
    ...raw,
    message: scrub(raw.message, [secret]),
    ...(raw.azureMessage ? { azureMessage: scrub(raw.azureMessage, [secret]) } : {}),
  });
}

/** An error from the ARM SDK or the network as a classified AzureCallError. */
export function toAzureError(error: unknown): AzureCallError {
  if (error instanceof AzureCallError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  if (e?.name === "RestError" && e.statusCode) {
    const kind =
      e.statusCode === 403
        ? "permission"
        : e.statusCode === 401
          ? "sign-in"
          : e.statusCode >= 500 || e.statusCode === 429
            ? "transient"
            : "fatal";
    return new AzureCallError({
      kind,
      status: e.statusCode,
      code: e.code,
      message: e.message ?? "Request failed",
      service: "arm",
    });
  }
  return new AzureCallError({ kind: "transient", message: e?.message ?? String(error) });
}
