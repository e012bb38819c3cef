import type { Metadata } from "next";

import { FirstOnboarding } from "@/components/onboardings/first-onboarding";
import { NewOnboardingForm } from "@/components/onboardings/new-onboarding-form";
import { OnboardingList } from "@/components/onboardings/onboarding-list";
import { PageShell } from "@/components/ui/page-shell";
import { requireUser } from "@/lib/auth";
import { warmDelegatedTokens } from "@/lib/azure/token-broker";
import { listOnboardings } from "@/lib/data/onboardings";
import { getVantageTokenView } from "@/lib/data/vantage-tokens";

export const metadata: Metadata = { title: "Your onboardings" };

export default async function OnboardingsPage() {
  const user = await requireUser("/onboardings");
  const [onboardings, vantageToken] = await Promise.all([listOnboardings(user), getVantageTokenView(user)]);
  if (onboardings.length === 0) {
    // A first onboarding's page has Connect on it: its tokens are fetched while the person reads.
    warmDelegatedTokens(user.homeAccountId, user.tenantId);
    return (
      <main className="mx-auto max-w-5xl px-4 py-10">
        <FirstOnboarding vantageTokenHint={vantageToken?.hint ?? null} />
      </main>
    );
  }
  return (
    <PageShell
      title="Your onboardings"
      description="Each onboarding connects one billing account. Start one, then click Connect."
    >
      <div className="mt-6">
        <NewOnboardingForm />
      </div>
      <section aria-labelledby="list-heading" className="mt-10">
        <h2 id="list-heading" className="text-brand-900 text-xl font-semibold">
          All onboardings
        </h2>
        <OnboardingList onboardings={onboardings} />
      </section>
    </PageShell>
  );
}
