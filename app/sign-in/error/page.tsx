import type { Metadata } from "next";
import Link from "next/link";

import { SignInButton } from "@/components/auth/sign-in-button";
import { SignInProblem } from "@/components/auth/sign-in-problem";
import { SiteHeader } from "@/components/layout/site-header";

export const metadata: Metadata = { title: "Sign-in did not complete" };

export default async function SignInErrorPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-2xl px-4 py-12">
        <h1 className="sr-only">Sign-in did not complete</h1>
        <SignInProblem error={params.error ?? ""} code={params.code} />
        <div className="mt-8 flex flex-wrap items-center gap-4">
          <SignInButton label="Sign in again" />
          <Link href="/" className="text-brand-700 underline">
            Back to the home page
          </Link>
        </div>
      </main>
    </>
  );
}
