import Link from "next/link";

import { utcDateTime } from "@/lib/format";

/**
 * At the top of a disconnected onboarding: its connection is gone from Azure, its steps are a record
 * and cannot run again, and what to do to connect the billing account again.
 */
export function DisconnectedBanner({
  billingAccount,
  at,
  canStartNew = true,
}: {
  billingAccount: string | null;
  /** When the disconnect finished (ISO), when known. */
  at: string | null;
  /** The owner may start a new onboarding; a colleague with a share link is told to ask them. */
  canStartNew?: boolean;
}) {
  return (
    <section
      role="status"
      aria-labelledby="disconnected-heading"
      className="mt-6 rounded-lg border border-red-200 bg-red-50 p-5 text-red-950"
    >
      <h2 id="disconnected-heading" className="text-lg font-semibold">
        This connection was disconnected{at ? ` on ${utcDateTime(at)}` : ""}
      </h2>
      <p className="mt-1 text-sm">
        Its app registration, client secret, service principal and Billing account reader role were removed
        from Azure, and the cost platform&apos;s API reports the integration as disconnected. The steps below
        are kept as a record; they cannot run again.
      </p>
      <p className="mt-2 text-sm font-medium">
        {canStartNew ? (
          <>
            To connect {billingAccount ?? "the billing account"} again,{" "}
            <Link href="/onboardings" className="underline">
              start a new onboarding
            </Link>
            : it creates a new app with its own secret.
          </>
        ) : (
          `To connect ${billingAccount ?? "the billing account"} again, the person who shared this onboarding starts a new one.`
        )}
      </p>
    </section>
  );
}
