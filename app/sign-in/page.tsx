import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { SignInButton } from "@/components/auth/sign-in-button";
import { SignInProblem } from "@/components/auth/sign-in-problem";
import { SiteHeader } from "@/components/layout/site-header";
import { getCurrentUser } from "@/lib/auth";
import { getEnv } from "@/lib/env";
import { safeCallbackPath } from "@/lib/http/safe-redirect";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl, getEnv().publicBaseUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-2xl px-4 py-12">
        {typeof params.error === "string" ? (
          <div className="mb-8">
            <SignInProblem error={params.error} />
          </div>
        ) : null}
        <h1 className="text-brand-900 text-3xl font-bold">Sign in with Microsoft</h1>
        <p className="mt-4 text-slate-700">
          Use a work account of the Microsoft Entra tenant that owns your billing account. Microsoft will ask
          you to allow MCA Connect to act on your behalf:
        </p>
        <ul className="mt-4 list-disc space-y-2 pl-6 text-slate-700">
          <li>
            <strong>Read and write all applications</strong> (Microsoft Graph): to register the “vantage” app
            and add its secret. This permission needs an administrator&apos;s consent.
          </li>
          <li>
            <strong>Access Azure Resource Manager as you</strong>: to find your billing account and assign the
            Billing account reader role.
          </li>
          <li>
            <strong>Sign you in and read your profile</strong>: to know who is acting, for the audit trail.
          </li>
        </ul>
        <p className="mt-4 text-sm text-slate-600">
          MCA Connect only uses these rights while you run a step, and keeps your tokens encrypted on the
          server.
        </p>
        <div className="mt-8">
          <SignInButton callbackUrl={callbackUrl} />
        </div>
      </main>
    </>
  );
}
