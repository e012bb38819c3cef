import type { Metadata } from "next";
import Link from "next/link";

import { SiteHeader } from "@/components/layout/site-header";
import { FirstOnboarding } from "@/components/onboardings/first-onboarding";
import { NewOnboardingForm } from "@/components/onboardings/new-onboarding-form";
import { requireUser } from "@/lib/auth";
import { getVantageTokenView } from "@/lib/data/vantage-tokens";
import { warmDelegatedTokens } from "@/lib/azure/token-broker";
import { listOnboardings } from "@/lib/data/onboardings";
import { utcDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Your onboardings" };

const statusLabels: Record<string, string> = {
  in_progress: "In progress",
  needs_attention: "Needs attention",
  completed: "Connected",
  cancelled: "Cancelled",
};

export default async function OnboardingsPage() {
  const user = await requireUser("/onboardings");
  const [onboardings, vantageToken] = await Promise.all([listOnboardings(user), getVantageTokenView(user)]);
  // A first onboarding's page has Connect on it: its tokens are fetched while the person reads.
  if (onboardings.length === 0) warmDelegatedTokens(user.homeAccountId, user.tenantId);
  return (
    <>
      <SiteHeader user={user} />
      <main className="mx-auto max-w-5xl px-4 py-10">
        {onboardings.length === 0 ? (
          <FirstOnboarding vantageTokenHint={vantageToken?.hint ?? null} />
        ) : (
          <OnboardingList onboardings={onboardings} />
        )}
      </main>
    </>
  );
}

function OnboardingList({ onboardings }: { onboardings: Awaited<ReturnType<typeof listOnboardings>> }) {
  return (
    <>
      <h1 className="text-brand-900 text-3xl font-bold">Your onboardings</h1>
      <p className="mt-2 text-slate-700">
        Each onboarding connects one billing account. Start one, then click Connect.
      </p>
      <div className="mt-6">
        <NewOnboardingForm />
      </div>
      <section aria-labelledby="list-heading" className="mt-10">
        <h2 id="list-heading" className="text-brand-900 text-xl font-semibold">
          All onboardings
        </h2>
        {onboardings.length === 0 ? (
          <p className="mt-3 text-slate-600">None yet.</p>
        ) : (
          <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {onboardings.map((o) => {
              const done = o.steps.filter((s) => s.status === "done").length;
              const status = o.disconnected ? "Disconnected" : (statusLabels[o.status] ?? o.status);
              return (
                <li key={o.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
                  <div>
                    <Link href={`/onboardings/${o.id}`} className="text-brand-700 font-semibold underline">
                      {o.billingAccountDisplayName ?? `App “${o.appDisplayName}”`}
                    </Link>
                    <p className="text-sm text-slate-600">
                      Started {utcDateTime(o.createdAt)} ·{" "}
                      {o.disconnected
                        ? "its app, secret and role were removed from Azure; start a new onboarding to connect again"
                        : `${done} of 5 steps done`}
                    </p>
                  </div>
                  <span
                    className={`rounded-full px-3 py-1 text-sm font-medium ${o.disconnected ? "bg-red-100 text-red-800" : "bg-slate-100 text-slate-800"}`}
                  >
                    {status}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
