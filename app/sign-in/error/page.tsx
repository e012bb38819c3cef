import type { Metadata } from "next";
import Link from "next/link";

import { SignInButton } from "@/components/auth/sign-in-button";
import { SiteHeader } from "@/components/layout/site-header";

export const metadata: Metadata = { title: "Sign-in did not complete" };

type Explanation = { title: string; body: string; action: string };

function explain(error: string, code: string): Explanation {
  if (code === "AADSTS65004" || (error === "access_denied" && !code)) {
    return {
      title: "You declined the permissions",
      body: "Microsoft asked whether MCA Connect may act on your behalf, and the answer was no. Without these permissions the portal cannot create the app registration or read your billing account.",
      action:
        "Sign in again and choose Accept, or use manual mode to do the steps yourself in the Azure portal.",
    };
  }
  if (code === "AADSTS90094" || code === "AADSTS65001" || error === "consent_required") {
    return {
      title: "An administrator must approve MCA Connect first",
      body: "Creating app registrations needs the Application.ReadWrite.All permission, which only an administrator (for example a Global Administrator or Cloud Application Administrator) can grant for your organization.",
      action:
        "Ask an administrator to sign in once and consent on behalf of your organization, then sign in again.",
    };
  }
  if (error === "NotAnOrganizationAccount") {
    return {
      title: "Use a work or school account",
      body: "The account you chose is not part of a Microsoft Entra tenant, so it cannot own app registrations or billing accounts.",
      action: "Sign in again with your organization's account.",
    };
  }
  if (error === "AccessDenied") {
    return {
      title: "Access denied",
      body: "MCA Connect could not accept this sign-in.",
      action: "Sign in again; if it keeps happening, ask the portal's operator to check its logs.",
    };
  }
  return {
    title: "Sign-in did not complete",
    body: "Microsoft's answer could not be verified or redeemed (for example the sign-in took too long, or was opened in two tabs).",
    action: "Sign in again. If it keeps failing, the portal's operator can find the reason in its logs.",
  };
}

export default async function SignInErrorPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const error = (params.error ?? "").slice(0, 60);
  const code = /^AADSTS\d{4,7}$/.test(params.code ?? "") ? params.code! : "";
  const text = explain(error, code);
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-2xl px-4 py-12">
        <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-6">
          <h1 className="text-2xl font-bold text-amber-950">{text.title}</h1>
          <p className="mt-3 text-amber-950">{text.body}</p>
          <p className="mt-3 font-medium text-amber-950">{text.action}</p>
          {code ? <p className="mt-3 text-sm text-amber-900">Microsoft error code: {code}</p> : null}
        </div>
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
