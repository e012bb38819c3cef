import Link from "next/link";

import { SignInButton } from "@/components/auth/sign-in-button";
import { getCurrentUser } from "@/lib/auth";
import { stepCatalog } from "@/lib/onboardings/catalog";

export default async function HomePage() {
  const user = await getCurrentUser();
  return (
    <main className="mx-auto max-w-5xl px-4 py-12">
      <section aria-labelledby="intro" className="max-w-3xl">
        <h1 id="intro" className="text-brand-900 text-4xl font-bold tracking-tight">
          Connect your Azure billing account in about a minute
        </h1>
        <p className="mt-4 text-lg text-slate-700">
          MCA Connect links a Microsoft Customer Agreement (MCA) billing account to your cloud-cost platform.
          Sign in with Microsoft and it does the five Azure portal steps for you: it registers an app, gives
          it a secret, finds your billing account, grants read-only billing access, and proves the connection
          works by reading this month&apos;s costs.
        </p>
        <div className="mt-8 flex flex-wrap items-center gap-4">
          {user ? (
            <Link
              href="/onboardings"
              className="bg-brand-600 hover:bg-brand-700 rounded-md px-5 py-3 font-semibold text-white shadow-sm"
            >
              Go to your onboardings
            </Link>
          ) : (
            <>
              <SignInButton />
              <p className="text-sm text-slate-600">
                You need an account that can register apps in Microsoft Entra ID.
              </p>
            </>
          )}
        </div>
      </section>

      <section aria-labelledby="steps-heading" className="mt-14">
        <h2 id="steps-heading" className="text-brand-900 text-xl font-semibold">
          What it does for you
        </h2>
        <ol className="mt-4 grid gap-4 md:grid-cols-2">
          {stepCatalog.map((step) => (
            <li key={step.id} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
              <p className="text-brand-600 text-sm font-medium">Step {step.number}</p>
              <h3 className="mt-1 font-semibold">{step.title}</h3>
              <p className="mt-2 text-sm text-slate-700">{step.summary}</p>
            </li>
          ))}
        </ol>
        <p className="mt-6 text-sm text-slate-600">
          The app only ever gets the <strong>Billing account reader</strong> role: it can read costs, never
          change your infrastructure. The secret is stored encrypted and never shown again after it is
          created.
        </p>
      </section>
    </main>
  );
}
