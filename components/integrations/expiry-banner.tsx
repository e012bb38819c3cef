import { day } from "@/components/integrations/format";
import { daysLeft, reminderThresholds } from "@/lib/days-left";

/**
 * Warns from the first reminder (30 days) on that the client secret expires, and what to do: rotate
 * it. Nothing when the expiry is further away or unknown (a pasted secret's).
 */
export function ExpiryBanner({
  secretExpiresAt,
  account,
  now = new Date(),
}: {
  secretExpiresAt: Date | null;
  account: string;
  now?: Date;
}) {
  if (!secretExpiresAt) return null;
  const left = daysLeft(secretExpiresAt, now);
  if (left > reminderThresholds[0]) return null;
  const expired = left <= 0;
  return (
    <div
      role="alert"
      className={`rounded-md border p-4 ${expired ? "border-red-300 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-950"}`}
    >
      <p className="font-semibold">
        {expired
          ? `The client secret for ${account} expired on ${day(secretExpiresAt)}.`
          : `The client secret for ${account} expires in ${left === 1 ? "1 day" : `${left} days`}, on ${day(secretExpiresAt)}.`}
      </p>
      <p className="mt-1 text-sm">
        {expired
          ? "The cost platform can no longer sign in as the app: cost imports have stopped. Rotate the secret: add a new one and hand it to the cost platform."
          : "When it expires, the cost platform can no longer sign in as the app and cost imports stop. Rotate the secret before then: add a new one and hand it to the cost platform; the old one is removed after a grace period."}
      </p>
    </div>
  );
}
