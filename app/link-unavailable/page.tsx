import type { Metadata } from "next";

import { LinkUnavailable, unavailableReasons } from "@/components/share-links/link-unavailable";

export const metadata: Metadata = { title: "Link not available" };

/** A share link that cannot be used: says why and what to do, and shows nothing of any onboarding. */
export default async function LinkUnavailablePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { reason } = await searchParams;
  const text =
    unavailableReasons[typeof reason === "string" ? reason : "unknown"] ?? unavailableReasons.unknown!;
  return <LinkUnavailable title={text.title} body={text.body} />;
}
