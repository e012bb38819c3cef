import { CreateShareLinkForm } from "@/components/share-links/create-share-link-form";
import { RevokeShareLinkForm } from "@/components/share-links/revoke-share-link-form";
import type { ShareLinkListItem } from "@/lib/data/share-links";
import { utcDateTime } from "@/lib/format";

function linkState(link: ShareLinkListItem, now: Date) {
  if (link.revokedAt) return `Revoked ${utcDateTime(link.revokedAt)}`;
  if (link.expiresAt <= now) return `Expired ${utcDateTime(link.expiresAt)}`;
  return `Valid until ${utcDateTime(link.expiresAt)}`;
}

/**
 * The owner's share controls: make a link (view-only or view-and-act, with an expiry), see who opened
 * each, and revoke. The URLs themselves are not listed: only their hashes are kept.
 */
export function SharePanel({ onboardingId, links }: { onboardingId: string; links: ShareLinkListItem[] }) {
  const now = new Date();
  const live = links.filter((l) => !l.revokedAt && l.expiresAt > now);
  const ended = links.filter((l) => !live.includes(l)).slice(0, 5);
  return (
    <section
      aria-labelledby="share-heading"
      className="mt-10 rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="share-heading" className="text-brand-900 text-xl font-semibold">
        Share with a colleague
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Hand this onboarding to someone of your tenant, for example your billing account owner, who alone may
        assign billing roles. They see the live progress and, with a view-and-act link, sign in with their own
        Microsoft account to run the remaining steps. Nobody sees the secret.
      </p>
      <div className="mt-4">
        <CreateShareLinkForm onboardingId={onboardingId} />
      </div>
      <h3 className="mt-6 text-base font-semibold text-slate-900">Active links</h3>
      {live.length === 0 ? (
        <p className="mt-1 text-sm text-slate-600">None.</p>
      ) : (
        <ul
          className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200"
          aria-label="Active links"
        >
          {live.map((link) => (
            <ShareLinkRow key={link.id} link={link} onboardingId={onboardingId} now={now} canRevoke />
          ))}
        </ul>
      )}
      {ended.length > 0 ? (
        <details className="mt-4 text-sm">
          <summary className="cursor-pointer text-slate-700">Ended links ({ended.length})</summary>
          <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200">
            {ended.map((link) => (
              <ShareLinkRow key={link.id} link={link} onboardingId={onboardingId} now={now} />
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

function ShareLinkRow({
  link,
  onboardingId,
  now,
  canRevoke = false,
}: {
  link: ShareLinkListItem;
  onboardingId: string;
  now: Date;
  canRevoke?: boolean;
}) {
  const kind = link.scope === "act" ? "View and act" : "View only";
  const label = `${kind} link created ${utcDateTime(link.createdAt)}`;
  const opened = link.visits.filter((v) => v.visitorName);
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 p-3 text-sm">
      <div>
        <p className="font-medium text-slate-900">
          {kind}
          {link.purpose === "billing-owner" ? " · for the billing account owner" : ""}
        </p>
        <p className="text-slate-600">
          Created {utcDateTime(link.createdAt)} · {linkState(link, now)}
        </p>
        <p className="text-slate-600">
          {link._count.visits === 0
            ? "Not opened yet."
            : opened.length > 0
              ? `Opened by ${opened.map((v) => `${v.visitorName} (${utcDateTime(v.at)})`).join(", ")}`
              : `Opened ${link._count.visits === 1 ? "once" : `${link._count.visits} times`}, last ${utcDateTime(link.visits[0]!.at)}; nobody signed in yet.`}
        </p>
      </div>
      {canRevoke ? (
        <RevokeShareLinkForm onboardingId={onboardingId} linkId={link.id} label={`Revoke: ${label}`} />
      ) : null}
    </li>
  );
}
