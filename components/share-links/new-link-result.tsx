import { CopyButton } from "@/components/ui/copy-button";
import { utcDate } from "@/lib/format";

/** A link just made: shown once, since only its hash is kept. */
export function NewLinkResult({
  url,
  message,
  expiresAt,
  scope,
}: {
  url: string;
  message: string;
  expiresAt: string;
  scope: "view" | "act";
}) {
  return (
    <div className="mt-4 space-y-3 rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm text-emerald-950">
      <p className="font-medium">
        {scope === "act" ? "View-and-act" : "View-only"} link ready, valid until {utcDate(expiresAt)}. Copy it
        now: it is shown only this once.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor="share-url">
          Share link
        </label>
        <input
          id="share-url"
          readOnly
          value={url}
          className="min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono text-xs text-slate-900"
        />
        <CopyButton value={url} label="Copy link" />
      </div>
      <div>
        <label htmlFor="share-message" className="block font-medium">
          Message to send with it
        </label>
        <textarea
          id="share-message"
          readOnly
          value={message}
          rows={Math.min(20, message.split("\n").length + 4)}
          className="mt-1 w-full rounded-md border border-slate-300 bg-white p-2 text-sm text-slate-900"
        />
        <CopyButton value={message} label="Copy message" />
      </div>
    </div>
  );
}
