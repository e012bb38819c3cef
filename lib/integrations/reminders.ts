/**
 * Expiry reminders: 30, 14, 7 and 1 days before an integration's client secret expires, an
 * "integration.secret_expiring" event (webhooks are delivered from it) and a mail to the integration's
 * owner. Each happens once however many instances run the job: the event by its dedupe key, the mail
 * by its (event, recipient) row, sent under a lease and retried when the SMTP server fails.
 */
import "server-only";

import { recordIntegrationEvent } from "@/lib/data/integration-events";
import {
  claimDueMail,
  renewMailLease,
  enqueueMail,
  listIntegrationsExpiringBefore,
  listRemindersWithoutMail,
  markMailFailed,
  markMailSent,
  type ExpiringIntegration,
} from "@/lib/data/integration-mail";
import { getEnv } from "@/lib/env";
import { utcDateTime } from "@/lib/format";
import { daysLeft, reminderThresholds } from "@/lib/integrations/expiry";
import { defaultLeaseSlackMs, runUnderLease } from "@/lib/jobs/leased-run";
import { log } from "@/lib/log";
import { describeMailError, mailConfigured, sendMail } from "@/lib/mail";

const dayMs = 86_400_000;
/** A mail the SMTP server refused is tried again, waiting longer each time, this many times in all. */
const maxMailAttempts = 10;
const mailLeaseMs = 2 * 60_000;
const mailsPerRound = 20;

/**
 * The reminder due now: the smallest threshold already reached. When several are crossed at once (a
 * connection made with 5 days left, or a portal that was down), only the nearest one is sent.
 */
export function dueThreshold(expiresAt: Date, now: Date): number | null {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return null;
  const reached = reminderThresholds.filter((days) => left <= days * dayMs);
  return reached.length ? Math.min(...reached) : null;
}

function inDays(days: number) {
  return days === 1 ? "1 day" : `${days} days`;
}

/** The reminder mail, in words the owner can act on; it carries ids and dates, never the secret. */
export function reminderMail(input: {
  integrationId: string;
  clientId: string;
  billingAccountName: string;
  billingAccountDisplayName: string | null;
  ownerName: string | null;
  secretExpiresAt: Date;
  daysLeft: number;
  threshold: number;
  baseUrl: string;
}): { subject: string; text: string } {
  const account = input.billingAccountDisplayName ?? input.billingAccountName;
  const subject = `Action needed: the client secret for ${account} expires in ${inDays(input.daysLeft)}`;
  const text = [
    `Hello${input.ownerName ? ` ${input.ownerName}` : ""},`,
    "",
    `The client secret that connects the billing account ${account} (${input.billingAccountName}) to your cost platform expires on ${utcDateTime(input.secretExpiresAt)}, in ${inDays(input.daysLeft)}.`,
    `App (client) ID: ${input.clientId}`,
    "",
    "When it expires, the cost platform can no longer sign in as the app and cost imports stop.",
    "",
    "What to do: rotate the secret before then. Open the integration in MCA Connect and rotate it; the cost platform receives the new secret and the old one is removed after a grace period:",
    `${input.baseUrl}/integrations/${input.integrationId}`,
    "",
    `This is the ${input.threshold}-day reminder. Reminders go out 30, 14, 7 and 1 days before a secret expires.`,
    "",
    "MCA Connect",
  ].join("\n");
  return { subject, text };
}

function dedupeKey(
  i: Pick<ExpiringIntegration, "id" | "secretKeyId" | "secretExpiresAt">,
  threshold: number,
) {
  return `secret_expiring:${i.id}:${i.secretKeyId ?? i.secretExpiresAt!.toISOString()}:${threshold}`;
}

/** Records the reminder events due at `now`; returns how many this call was the first to record. */
export async function recordDueReminders(now: Date): Promise<number> {
  const until = new Date(now.getTime() + reminderThresholds[0] * dayMs);
  let recorded = 0;
  for (const i of await listIntegrationsExpiringBefore(now, until)) {
    const threshold = dueThreshold(i.secretExpiresAt!, now);
    if (threshold === null) continue;
    const first = await recordIntegrationEvent({
      tenantId: i.tenantId,
      integrationId: i.id,
      type: "integration.secret_expiring",
      dedupeKey: dedupeKey(i, threshold),
      at: now,
      data: {
        integrationId: i.id,
        tenantId: i.tenantId,
        clientId: i.clientId,
        billingAccountName: i.billingAccountName,
        onboardingId: i.onboardingId,
        secretKeyId: i.secretKeyId,
        secretExpiresAt: i.secretExpiresAt!.toISOString(),
        daysLeft: daysLeft(i.secretExpiresAt!, now),
        threshold,
      },
    });
    if (first) recorded++;
  }
  return recorded;
}

/**
 * Queues a mail for each recent reminder that has none (also one recorded by an instance that stopped
 * before queueing it). Reminders older than two days are left alone: a late 30-day mail after the
 * 14-day one would only confuse.
 */
export async function queueReminderMails(now: Date): Promise<number> {
  if (!mailConfigured()) return 0;
  const baseUrl = getEnv().publicBaseUrl;
  let queued = 0;
  for (const { event, integration } of await listRemindersWithoutMail(new Date(now.getTime() - 2 * dayMs))) {
    const recipient = integration.owner.email;
    if (!recipient || !/@/.test(recipient)) continue;
    const data = event.data as { secretExpiresAt?: string; daysLeft?: number; threshold?: number };
    if (!data.secretExpiresAt || !data.threshold) continue;
    const mail = reminderMail({
      integrationId: integration.id,
      clientId: integration.clientId,
      billingAccountName: integration.billingAccountName,
      billingAccountDisplayName: integration.billingAccountDisplayName,
      ownerName: integration.owner.name,
      secretExpiresAt: new Date(data.secretExpiresAt),
      daysLeft: data.daysLeft ?? data.threshold,
      threshold: data.threshold,
      baseUrl,
    });
    if (await enqueueMail({ eventId: event.id, integrationId: integration.id, recipient, ...mail, now }))
      queued++;
  }
  return queued;
}

/** Sends the mails due, one at a time under a lease; a failure is retried later with backoff. */
export async function deliverMails(now: Date): Promise<{ sent: number; failed: number }> {
  if (!mailConfigured()) return { sent: 0, failed: 0 };
  let sent = 0;
  let failed = 0;
  for (let n = 0; n < mailsPerRound; n++) {
    let mailId = "";
    const ran = await runUnderLease({
      deadline: Date.now() + mailLeaseMs - defaultLeaseSlackMs,
      take: async (owner, until) => {
        const mail = await claimDueMail(now, owner, until);
        mailId = mail?.id ?? "";
        return mail;
      },
      renew: (owner, until) => renewMailLease(mailId, owner, until),
      run: async (mail, owner) => {
        try {
          await sendMail({ id: mail.id, to: mail.recipient, subject: mail.subject, text: mail.text });
          await markMailSent(mail.id, owner, new Date());
          sent++;
        } catch (error) {
          const attempt = mail.attempts + 1;
          const retryAt =
            attempt >= maxMailAttempts
              ? null
              : new Date(Date.now() + Math.min(60 * 60_000, 60_000 * 2 ** (attempt - 1)));
          const reason = describeMailError(error);
          await markMailFailed(mail.id, owner, reason, retryAt);
          log.warn({ mailId: mail.id, attempt, err: reason }, "reminder mail not sent");
          failed++;
        }
      },
      onLost: () => log.warn({ mailId }, "reminder mail's lease was taken over"),
    });
    if (!ran) break;
  }
  return { sent, failed };
}

/** One round of the reminder job. */
export async function runExpiryReminders(now = new Date()) {
  const recorded = await recordDueReminders(now);
  const queued = await queueReminderMails(now);
  const delivered = await deliverMails(now);
  return { recorded, queued, ...delivered };
}
