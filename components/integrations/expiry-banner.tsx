import { utcDate } from "@/lib/format";
import { daysLeft, reminderThresholds } from "@/lib/integrations/expiry";

/**
 * Warns from the first reminder (30 days) on that the client secret expires, and what to do: rotate
 * it; and says it has expired once the date has passed or Microsoft Entra refused it as expired (also
 * for a pasted secret, whose date the portal never learnt). Nothing otherwise.
 */
export function ExpiryBanner({
  secretExpiresAt,
  account,
  refusedAsExpired = false,
  now = new Date(),
}: {
  secretExpiresAt: Date | null;
  account: string;
  /** The last check failed with Entra's "secret expired" (AADSTS7000222). */
  refusedAsExpired?: boolean;
  now?: Date;
}) {
  const left = secretExpiresAt ? daysLeft(secretExpiresAt, now) : null;
  const passed = left !== null && left <= 0;
  const expired = passed || refusedAsExpired;
  if (!expired && (left === null || left > reminderThresholds[0])) return null;
  return (
    <div
      role="alert"
      className={`rounded-md border p-4 ${expired ? "border-red-300 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-950"}`}
    >
      <p className="font-semibold">
        {passed && secretExpiresAt
          ? `The client secret for ${account} expired on ${utcDate(secretExpiresAt)}.`
          : expired
            ? `The client secret for ${account} has expired: Microsoft Entra refuses it.`
            : `The client secret for ${account} expires in ${left === 1 ? "1 day" : `${left} days`}, on ${utcDate(secretExpiresAt!)}.`}
      </p>
      <p className="mt-1 text-sm">
        {expired
          ? "The cost platform can no longer sign in as the app: cost imports have stopped. Rotate the secret: add a new one and hand it to the cost platform."
          : "When it expires, the cost platform can no longer sign in as the app and cost imports stop. Rotate the secret before then: add a new one and hand it to the cost platform; the old one is removed after a grace period."}
      </p>
    </div>
  );
}
