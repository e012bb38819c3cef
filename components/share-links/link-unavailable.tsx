import Link from "next/link";

import { SiteHeader } from "@/components/layout/site-header";

export const unavailableReasons: Record<string, { title: string; body: string }> = {
  revoked: {
    title: "This link was revoked",
    body: "The person who shared it has withdrawn it. Ask them for a new link if you still need access.",
  },
  expired: {
    title: "This link has expired",
    body: "Share links work for a limited time. Ask the person who shared it for a new one.",
  },
  unknown: {
    title: "This link does not work",
    body: "It may have been copied incompletely. Open the link exactly as you received it, or ask for a new one.",
  },
  "no-cookie": {
    title: "Open the link you were sent",
    body: "This page opens only from the share link itself, in the browser where you opened it. Open the link you received again.",
  },
};

/** A share link that cannot be used: what happened and what to do, nothing of any onboarding. */
export function LinkUnavailable({ title, body }: { title: string; body: string }) {
  return (
    <>
      <SiteHeader />
      <main className="mx-auto max-w-2xl px-4 py-12">
        <h1 className="text-brand-900 text-3xl font-bold">{title}</h1>
        <p className="mt-4 text-slate-700">{body}</p>
        <p className="mt-6 text-sm">
          <Link href="/" className="text-brand-700 underline">
            About MCA Connect
          </Link>
        </p>
      </main>
    </>
  );
}
