import { reasonLabels } from "@/components/integrations/format";
import type { getIntegrationHistory } from "@/lib/data/integration-views";
import { utcDateTime } from "@/lib/format";
import { eventLabels } from "@/lib/integrations/events";

type History = Awaited<ReturnType<typeof getIntegrationHistory>>;
type EventData = { reason?: string; cause?: string; threshold?: number; daysLeft?: number };

function eventDetail(type: string, data: EventData): string | null {
  if (type === "integration.verification_failing")
    return `${reasonLabels[data.cause ?? "other"] ?? "Other"}: ${data.reason ?? ""}`;
  if (type === "integration.secret_expiring" && data.threshold)
    return `${data.threshold}-day reminder: ${data.daysLeft === 1 ? "1 day" : `${data.daysLeft} days`} left`;
  return null;
}

/** The expiry reminders sent for an integration, each with what became of its mails. */
export function ReminderList({ events, mails }: History) {
  const reminders = events.filter((e) => e.type === "integration.secret_expiring");
  if (reminders.length === 0) return <p className="mt-3 text-sm text-slate-700">None sent yet.</p>;
  return (
    <ul className="mt-3 divide-y divide-slate-200 text-sm">
      {reminders.map((e) => {
        const data = e.data as EventData;
        const sent = mails.filter((m) => m.eventId === e.id);
        return (
          <li key={e.id} className="py-2">
            <span className="font-medium text-slate-900">{data.threshold}-day reminder</span>{" "}
            <span className="text-slate-600">{utcDateTime(e.at)}</span>
            {sent.map((m) => (
              <span key={m.id} className="block text-slate-700">
                Mail to {m.recipient}:{" "}
                {m.status === "sent"
                  ? `sent ${m.sentAt ? utcDateTime(m.sentAt) : "never"}`
                  : m.status === "failed"
                    ? `not sent after ${m.attempts} attempts (${m.lastError ?? "refused"})`
                    : m.attempts > 0
                      ? `retrying (attempt ${m.attempts} failed: ${m.lastError ?? "refused"})`
                      : "queued"}
              </span>
            ))}
          </li>
        );
      })}
    </ul>
  );
}

/** An integration's recent events, newest first, with the detail each type carries. */
export function EventList({ events }: Pick<History, "events">) {
  if (events.length === 0) return <p className="mt-3 text-sm text-slate-700">None yet.</p>;
  return (
    <ul className="mt-3 divide-y divide-slate-200 text-sm">
      {events.map((e) => {
        const detail = eventDetail(e.type, e.data as EventData);
        return (
          <li key={e.id} className="flex flex-wrap gap-x-3 py-2">
            <span className="w-44 shrink-0 text-slate-600">{utcDateTime(e.at)}</span>
            <span className="font-medium text-slate-900">{eventLabels[e.type] ?? e.type}</span>
            {detail ? <span className="basis-full text-slate-700 sm:basis-auto">{detail}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
