import Link from "next/link";

import type { listOnboardings } from "@/lib/data/onboardings";
import { utcDateTime } from "@/lib/format";

const statusLabels: Record<string, string> = {
  in_progress: "In progress",
  needs_attention: "Needs attention",
  completed: "Connected",
  cancelled: "Cancelled",
};

/** The person's onboardings, each linking to its checklist with how far it got. */
export function OnboardingList({
  onboardings,
}: {
  onboardings: Awaited<ReturnType<typeof listOnboardings>>;
}) {
  if (onboardings.length === 0) return <p className="mt-3 text-slate-600">None yet.</p>;
  return (
    <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {onboardings.map((o) => {
        const done = o.steps.filter((s) => s.status === "done").length;
        const status = o.disconnected ? "Disconnected" : (statusLabels[o.status] ?? o.status);
        return (
          <li key={o.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
            <div>
              <Link href={`/onboardings/${o.id}`} className="text-brand-700 font-semibold underline">
                {o.billingAccountDisplayName ?? `App “${o.appDisplayName}”`}
              </Link>
              <p className="text-sm text-slate-600">
                Started {utcDateTime(o.createdAt)} ·{" "}
                {o.disconnected
                  ? "its app, secret and role were removed from Azure; start a new onboarding to connect again"
                  : `${done} of 5 steps done`}
              </p>
            </div>
            <span
              className={`rounded-full px-3 py-1 text-sm font-medium ${o.disconnected ? "bg-red-100 text-red-800" : "bg-slate-100 text-slate-800"}`}
            >
              {status}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
