import Link from "next/link";

import { SignOutButton } from "@/components/auth/sign-out-button";
import { isOperator } from "@/lib/data/operators";

/**
 * Every page is rendered per request (the session, the person's own data), so a prefetch is a full
 * server render that is thrown away unless clicked: the header, on every page, would cost each page
 * view four or five extra renders and the main-thread work of receiving them. Its links load on click.
 */
type HeaderUser = {
  id: string;
  tenantId: string;
  entraObjectId?: string;
  name: string | null;
  email: string | null;
} | null;

/** The operators' pages (API keys, webhooks) are linked for operators only. */
export async function SiteHeader({ user }: { user?: HeaderUser }) {
  const operator = user ? await isOperator(user) : false;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-3">
        <Link
          href="/"
          prefetch={false}
          className="text-brand-900 flex shrink-0 items-center gap-2 font-semibold whitespace-nowrap"
        >
          <svg aria-hidden="true" viewBox="0 0 24 24" className="text-brand-600 h-6 w-6" fill="currentColor">
            <path d="M3 5h8v6H3zM13 5h8v6h-8zM3 13h8v6H3zM13 13h8v6h-8z" opacity=".9" />
          </svg>
          MCA Connect
        </Link>
        {user ? (
          <nav
            aria-label="Account"
            className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm whitespace-nowrap"
          >
            <Link
              href="/onboardings"
              prefetch={false}
              className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100"
            >
              Onboardings
            </Link>
            <Link
              href="/integrations"
              prefetch={false}
              className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100"
            >
              Integrations
            </Link>
            {operator ? (
              <>
                <Link
                  href="/settings/api-keys"
                  prefetch={false}
                  className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100"
                >
                  API keys
                </Link>
                <Link
                  href="/settings/webhooks"
                  prefetch={false}
                  className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100"
                >
                  Webhooks
                </Link>
              </>
            ) : null}
            <Link
              href="/settings/vantage"
              prefetch={false}
              className="rounded-md px-3 py-1.5 text-slate-700 hover:bg-slate-100"
            >
              Vantage
            </Link>
            <span className="text-slate-600" title={user.email ?? undefined}>
              {user.name ?? user.email}
            </span>
            <SignOutButton />
          </nav>
        ) : null}
      </div>
    </header>
  );
}
