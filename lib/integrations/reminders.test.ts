/**
 * Expiry reminders end to end with a real SMTP server (smtp-server on 127.0.0.1) receiving the mails:
 * the portal's clock is moved to each threshold before a connected integration's secret expires; one
 * mail each at 30, 14, 7 and 1 days, never twice, also with two job runs at once (two instances), and
 * a refused mail is sent once the server accepts again.
 */
import type { AddressInfo } from "node:net";

import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { startDriver, type Driver } from "@/test/support/onboarding-driver";

type Received = { to: string[]; from: string; subject: string; text: string; messageId: string };

const received: Received[] = [];
let refuse: false | "451" | "down" = false;
let smtp: SMTPServer;

/** Unfolds headers and decodes quoted-printable: what a mail client would show. */
function parse(raw: string, to: string[], from: string): Received {
  const [head = "", ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, " ");
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, "im").exec(headers)?.[1]?.trim() ?? "";
  let body = rest.join("\n\n");
  if (/quoted-printable/i.test(header("Content-Transfer-Encoding")))
    body = Buffer.from(
      body
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      "latin1",
    ).toString("utf8");
  return {
    to,
    from,
    subject: header("Subject"),
    text: body.replace(/\r\n/g, "\n").trim(),
    messageId: header("Message-ID"),
  };
}

let d: Driver;
let reminders: typeof import("@/lib/integrations/reminders");

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (refuse === "451")
        return callback(Object.assign(new Error("Mailbox temporarily unavailable"), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push(
          parse(
            Buffer.concat(chunks).toString("utf8"),
            session.envelope.rcptTo.map((r) => r.address),
            session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  // Read by the portal's configuration when it is first used, after the harness sets the rest.
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "MCA Connect <connect@example.com>";
  d = await startDriver();
  reminders = await import("@/lib/integrations/reminders");
}, 120_000);

afterAll(async () => {
  vi.useRealTimers();
  await d?.close();
  await new Promise<void>((resolve) => smtp?.close(() => resolve()));
});

const day = 86_400_000;

async function connected() {
  const tenant = await d.seed();
  const signedIn = await d.signInAs(tenant, "admin");
  // The portal's sign-in stores the address from the id_token (email, else preferred_username); the
  // harness's shortcut sign-in does not, so it is set here as the sign-in would.
  const admin = await d.m.db.db.user.update({
    where: { id: signedIn.id },
    data: { email: tenant.users.admin!.userPrincipalName },
  });
  const onboardingId = await d.start(admin);
  expect((await d.connect(admin, onboardingId)).status).toBe("completed");
  const integration = await d.m.db.db.integration.findUniqueOrThrow({ where: { onboardingId } });
  return { admin, integration };
}

/** The job at `at`, on the portal's clock, in as many instances at once as asked. */
async function runAt(at: number, instances = 1) {
  vi.setSystemTime(at);
  return Promise.all(Array.from({ length: instances }, () => reminders.runExpiryReminders(new Date(at))));
}

function mailsFor(integrationId: string) {
  return received.filter((m) => m.text.includes(`/integrations/${integrationId}`));
}

describe("expiry reminders", () => {
  it("mails the owner once at 30, 14, 7 and 1 days before the secret expires, also with two instances", async () => {
    const { admin, integration } = await connected();
    const expires = integration.secretExpiresAt!.getTime();
    expect(admin.email).toMatch(/@/);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      await runAt(expires - 31 * day, 2);
      expect(mailsFor(integration.id)).toHaveLength(0);

      const points: [number, number][] = [
        [30, expires - 30 * day + 3_600_000],
        [14, expires - 14 * day + 60_000],
        [7, expires - 7 * day + 60_000],
        [1, expires - day + 60_000],
      ];
      for (const [threshold, at] of points) {
        await runAt(at, 2);
        // Again later the same day, and once more with two instances: nothing new.
        await runAt(at + 3_600_000, 2);
        const mails = mailsFor(integration.id);
        expect(mails, `${threshold}-day`).toHaveLength(points.findIndex(([t]) => t === threshold) + 1);
        const mail = mails.at(-1)!;
        expect(mail.to).toEqual([admin.email]);
        expect(mail.subject).toMatch(
          new RegExp(
            `^Action needed: the client secret for .+ expires in ${threshold === 1 ? "1 day" : `${threshold} days`}$`,
          ),
        );
        expect(mail.text).toContain(`This is the ${threshold}-day reminder.`);
        expect(mail.text).toContain("rotate the secret");
        expect(mail.text).toContain(integration.clientId);
      }
      // After the expiry, no more reminders.
      await runAt(expires + 60_000, 2);
      const all = mailsFor(integration.id);
      expect(all).toHaveLength(4);
      expect(new Set(all.map((m) => m.messageId)).size).toBe(4);

      const events = await d.m.db.db.integrationEvent.findMany({
        where: { integrationId: integration.id, type: "integration.secret_expiring" },
        orderBy: { at: "asc" },
      });
      expect(events.map((e) => (e.data as { threshold: number }).threshold)).toEqual([30, 14, 7, 1]);
      expect(events.map((e) => e.dedupeKey)).toEqual(
        [30, 14, 7, 1].map((t) => `secret_expiring:${integration.id}:${integration.secretKeyId}:${t}`),
      );
      // Mails and events carry ids and dates, never the secret.
      const { secret } = (await (
        await import("@/lib/data/integration-health")
      ).getIntegrationForCheck(integration.id))!;
      expect(secret.length).toBeGreaterThan(20);
      expect(JSON.stringify([events, all])).not.toContain(secret);
      // For the lead's report: the mails as received.
      console.log(all.map((m) => `Subject: ${m.subject}\n\n${m.text}`).join("\n\n-----\n\n"));
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends only the nearest reminder when several thresholds are crossed at once (a connection with 5 days left)", async () => {
    const { integration } = await connected();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const now = integration.secretExpiresAt!.getTime() - 5 * day;
      await runAt(now, 2);
      await runAt(now + day, 2);
      const mails = mailsFor(integration.id);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toMatch(/expires in 5 days$/);
      expect(mails[0]!.text).toContain("This is the 7-day reminder.");
      const events = await d.m.db.db.integrationEvent.findMany({
        where: { integrationId: integration.id, type: "integration.secret_expiring" },
      });
      expect(events.map((e) => (e.data as { threshold: number }).threshold)).toEqual([7]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("retries a mail the SMTP server refused, with backoff, and sends it once when the server accepts again", async () => {
    const { integration } = await connected();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const at = integration.secretExpiresAt!.getTime() - 14 * day + 60_000;
      refuse = "451";
      await runAt(at, 2);
      expect(mailsFor(integration.id)).toHaveLength(0);
      const [row] = await d.m.db.db.integrationMail.findMany({ where: { integrationId: integration.id } });
      expect(row).toMatchObject({
        status: "pending",
        attempts: 1,
        lastError: expect.stringContaining("451"),
      });
      // Before the backoff ends nothing is tried, even by a second instance.
      await runAt(at + 10_000, 2);
      expect(await d.m.db.db.integrationMail.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({
        attempts: 1,
      });

      // The server is down altogether for the second try.
      refuse = "down";
      await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
      await runAt(at + 2 * 60_000, 2);
      const second = await d.m.db.db.integrationMail.findUniqueOrThrow({ where: { id: row!.id } });
      expect(second).toMatchObject({
        status: "pending",
        attempts: 2,
        lastError: expect.stringMatching(/ECONNREFUSED|ESOCKET|ECONNECTION/),
      });

      // Back up: the next try after the backoff delivers it, once.
      refuse = false;
      const port = Number(new URL(process.env.SMTP_URL!).port);
      await new Promise<void>((resolve) => smtp.server.listen(port, "127.0.0.1", resolve));
      await runAt(at + 10 * 60_000, 2);
      await runAt(at + 20 * 60_000, 2);
      expect(mailsFor(integration.id)).toHaveLength(1);
      expect(await d.m.db.db.integrationMail.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({
        status: "sent",
        attempts: 3,
      });
    } finally {
      refuse = false;
      vi.useRealTimers();
    }
  });
});
