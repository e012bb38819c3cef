"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * While a delivery is about to be sent, refreshes the page's data every few seconds (a GET of the
 * server component, no side effect) so its result shows without a reload.
 */
export function RefreshWhilePending({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), 2_000);
    return () => clearInterval(timer);
  }, [active, router]);
  return null;
}
