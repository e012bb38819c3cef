/**
 * The end of step 5: where the credentials went, each destination with its own status, live (the
 * checklist's poller refreshes the page when a delivery moves). For Vantage that is Vantage's word for
 * its integration: pending, importing, imported, or error with what to do. No token or secret is shown:
 * share pages render this too.
 */
import { destinationLabels } from "@/components/destinations/destination-fields";
import { RowActionForm } from "@/components/ui/row-action-form";
import { retryDestinationAction } from "@/lib/actions/destinations";
import type { DeliveryView } from "@/lib/data/deliveries";

const tone = {
  good: "bg-emerald-100 text-emerald-900",
  moving: "bg-sky-100 text-sky-900",
  bad: "bg-amber-100 text-amber-950",
  quiet: "bg-slate-100 text-slate-800",
} as const;

/** The status word shown after "Vantage: ", and how it looks. */
export function vantageWord(d: DeliveryView): { word: string; tone: keyof typeof tone } {
  if (d.status === "removed") return { word: "deleted", tone: "quiet" };
  if (d.status === "waiting") return { word: "waiting for step 5", tone: "quiet" };
  if (d.status === "needs_attention")
    return {
      word: d.vantageStatus === "error" || d.nextStatus === "error" ? "error" : "needs attention",
      tone: "bad",
    };
  if (!d.vantageStatus) return { word: "sending", tone: "moving" };
  if (d.vantageStatus === "imported") return { word: "imported", tone: "good" };
  if (d.vantageStatus === "error") return { word: "error", tone: "bad" };
  return { word: d.vantageStatus, tone: "moving" };
}

function VantageLine({ d, owner }: { d: DeliveryView; owner: boolean }) {
  const { word, tone: t } = vantageWord(d);
  return (
    <li className="py-2">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className={`rounded-full px-2 py-0.5 font-semibold ${tone[t]}`}>Vantage: {word}</span>
        {d.status !== "needs_attention" && d.vantageMessage ? (
          <span className="text-slate-700">{d.vantageMessage}</span>
        ) : null}
      </p>
      {d.replacing && d.status !== "needs_attention" ? (
        <p className="mt-1 text-sm text-slate-700">
          Giving Vantage the new secret: its new integration is {d.nextStatus ?? "being made"}; the previous
          one keeps importing until the new one does, then it is deleted.
        </p>
      ) : null}
      {d.waiting && d.message ? <p className="mt-1 text-sm text-sky-900">{d.message}</p> : null}
      {d.status === "needs_attention" && d.message ? (
        <div
          role="alert"
          className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
        >
          <p className="font-medium">{d.message}</p>
          {d.action ? <p className="mt-1">{d.action}</p> : null}
          {owner ? (
            <div className="mt-2">
              <RowActionForm
                action={retryDestinationAction}
                fields={{ deliveryId: d.id }}
                pendingText="Trying…"
                label="Try delivering to Vantage again"
              >
                Try again
              </RowActionForm>
            </div>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

export function DeliveryStatus({
  deliveries,
  connected,
  owner,
}: {
  deliveries: DeliveryView[];
  /** Step 5 has proved the credentials. */
  connected: boolean;
  owner: boolean;
}) {
  if (deliveries.length === 0) return null;
  const toVantage = deliveries.some((d) => d.destination === "vantage");
  return (
    <section aria-labelledby="delivery-heading" className="mt-4 rounded-md border border-slate-200 p-4">
      <h4 id="delivery-heading" className="font-semibold text-slate-900">
        {toVantage ? "Add the credentials to Vantage" : "Where the credentials go"}
      </h4>
      <ul className="mt-1 divide-y divide-slate-100">
        {deliveries.map((d) =>
          d.destination === "vantage" ? (
            <VantageLine key={d.id} d={d} owner={owner} />
          ) : (
            <li key={d.id} className="py-2 text-sm">
              <span
                className={`rounded-full px-2 py-0.5 font-semibold ${tone[connected ? "good" : "quiet"]}`}
              >
                {destinationLabels[d.destination]}: {connected ? "ready" : "waiting for step 5"}
              </span>{" "}
              <span className="text-slate-700">
                {d.destination === "api"
                  ? "Your cost platform reads the credentials from the integrations API (API keys, Webhooks)."
                  : "Paste the tenant ID, app ID, secret and billing account ID into your cost platform's console."}
              </span>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}
