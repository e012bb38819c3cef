import Link from "next/link";

// Also what a page that is not someone's to see answers (notFound()), so it never says the page exists.
export default function NotFound() {
  return (
    <main className="mx-auto max-w-2xl px-4 py-16">
      <h1 className="text-brand-900 text-2xl font-bold">Page not found</h1>
      <p className="mt-3 text-slate-700">
        This page could not be found. Check the address, or start from your onboardings.
      </p>
      <Link href="/onboardings" className="text-brand-700 mt-6 inline-block underline">
        Your onboardings
      </Link>
    </main>
  );
}
