/**
 * Outgoing mail through the operator's SMTP server (SMTP_URL, MAIL_FROM), with nodemailer. Without
 * them mail is off: reminders are then shown in the portal (and sent by webhook) only.
 */
import "server-only";

import nodemailer, { type Transporter } from "nodemailer";

import { scrub } from "@/lib/azure/errors";
import { getEnv } from "@/lib/env";

let transport: { url: string; transporter: Transporter } | undefined;

export function mailConfigured(): boolean {
  return getEnv().mail !== null;
}

function transporter(url: string): Transporter {
  if (transport?.url !== url)
    transport = {
      url,
      transporter: nodemailer.createTransport(url, {
        // A slow or silent server must not hold the job: the mail is retried later.
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    };
  return transport.transporter;
}

export type OutgoingMail = { id: string; to: string; subject: string; text: string };

/**
 * Sends one mail. The Message-ID is the outbox row's, so a receiver can tell a resend (after a crash
 * between the server's acceptance and our record of it) from a new mail.
 */
export async function sendMail(mail: OutgoingMail): Promise<void> {
  const config = getEnv().mail;
  if (!config) throw new Error("Mail is not configured (SMTP_URL, MAIL_FROM).");
  await transporter(config.smtpUrl).sendMail({
    from: config.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId: `<${mail.id}@mca-connect>`,
  });
}

/** An SMTP failure in one line, without the server's credentials. */
export function describeMailError(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
  const text = [e.responseCode, e.code, e.response ?? e.message].filter(Boolean).join(" ");
  const config = getEnv().mail;
  const password = config ? decodeURIComponent(new URL(config.smtpUrl).password) : "";
  return scrub(text || String(error), password ? [password] : []).slice(0, 300);
}
