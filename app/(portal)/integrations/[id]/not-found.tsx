import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-2xl px-4 py-16">
      <h1 className="text-brand-900 text-2xl font-bold">Integration not found</h1>
      <p className="mt-3 text-slate-700">It does not exist, or it belongs to someone else.</p>
      <Link href="/integrations" className="text-brand-700 mt-6 inline-block underline">
        Your integrations
      </Link>
    </main>
  );
}
