/**
 * The copy panel's "Reveal password", below the browser: the owner, signed in within 5 minutes, gets
 * the integration's secret and the reveal is written to the audit receipt; a stale sign-in is told to
 * sign in again; a colleague holding an act or a view link, another user of the tenant and another
 * tenant's user are refused as for any onboarding not theirs. Nothing refused is audited, and the
 * secret is never in the portal's log.
 */
import fs from "node:fs";

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import { driveToRest } from "@/test/support/drive";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";
import { resetScope, scope } from "@/test/support/request-scope";

const logFile = vi.hoisted(() => {
  const file = `${process.env.TMPDIR ?? "/tmp"}/mca-reveal-log-${process.pid}-${Date.now()}.jsonl`;
  process.env.MCA_TEST_LOG_FILE = file;
  return file;
});

vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCurrentUser: async () => (await import("@/test/support/request-scope")).scope.user,
}));
vi.mock("pino", async (importOriginal) => {
  const real = (await importOriginal<{ default: typeof import("pino").default }>()).default;
  const toFile = (options: Parameters<typeof real>[0]) =>
    real(options, real.destination({ dest: process.env.MCA_TEST_LOG_FILE!, sync: true }));
  return { default: Object.assign(toFile, real) };
});

const portal = {} as { current: Harness };
let db: typeof import("@/lib/db");
let reveal: typeof import("@/lib/actions/reveal");

beforeAll(async () => {
  portal.current = await startPortalHarness({ env: { LOG_LEVEL: "debug" } });
  db = await import("@/lib/db");
  reveal = await import("@/lib/actions/reveal");
}, 120_000);
afterAll(async () => {
  await (await import("@/lib/db")).closeDb();
  await portal.current?.emu.close();
});

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

const notYours = "This onboarding does not exist or is not yours.";

describe("revealing the client secret on the copy panel", () => {
  it("is the owner's alone, after a fresh sign-in, and each reveal is in the audit receipt", async () => {
    const emu = control(portal.current.emu);
    const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
    const elsewhere = await emu.seed({ preset: "contoso" });
    const owner = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const megan = await portal.current.signIn(tenant.users.billingOwner!.userPrincipalName);
    const stranger = await portal.current.signIn(elsewhere.users.admin!.userPrincipalName);
    const onboardings = await import("@/lib/data/onboardings");
    const engine = await import("@/lib/onboardings/engine");
    const links = await import("@/lib/data/share-links");
    const access = await import("@/lib/share-links/access");
    const { id } = await onboardings.createOnboarding(owner, {
      appDisplayName: "reveal",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(owner, id, "remaining");
    await driveToRest(owner, id, { rounds: 20, limitMs: Infinity, pollMs: 1_000 });
    expect((await onboardings.getOnboardingOrThrow(owner, id)).status).toBe("completed");
    const integration = await db.db.integration.findUniqueOrThrow({ where: { onboardingId: id } });
    const { decryptSecret } = await import("@/lib/crypto/vault");
    const { integrationSecretContext } = await import("@/lib/crypto/contexts");
    const secret = decryptSecret(
      { ciphertext: integration.secretCiphertext, keyId: integration.secretEncryptionKeyId },
      integrationSecretContext(integration.id),
    );
    const reveals = () =>
      db.db.auditEvent.count({ where: { onboardingId: id, action: "Client secret revealed" } });
    const now = () => new Date();

    // Colleagues holding links (even signed in a moment ago), and everyone else: not theirs.
    const linkOf = async (scopeName: "act" | "view") => {
      const { token, tokenHash } = access.newShareToken();
      const made = await links.createShareLink(owner, {
        onboardingId: id,
        tokenHash,
        scope: scopeName,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      const opened = await access.exchangeShareToken(token);
      if (!opened.ok) throw new Error("the link did not open");
      return { id: made.id, cookie: opened.cookie };
    };
    for (const held of [await linkOf("act"), await linkOf("view")]) {
      resetScope();
      scope.user = { ...megan, signedInAt: now() };
      scope.jar.set(held.cookie.name, held.cookie.value);
      const refused = await reveal.revealSecretAction(null, form({ onboardingId: id, shareLinkId: held.id }));
      expect(refused).toEqual({ ok: false, message: notYours });
    }
    for (const user of [megan, stranger]) {
      resetScope();
      scope.user = { ...user, signedInAt: now() };
      expect(await reveal.revealSecretAction(null, form({ onboardingId: id }))).toEqual({
        ok: false,
        message: notYours,
      });
    }
    resetScope();
    expect(await reveal.revealSecretAction(null, form({ onboardingId: id }))).toMatchObject({
      ok: false,
      message: "Your session has ended. Sign in again.",
    });

    // The owner, signed in 6 minutes ago, or with no auth_time known: sign in again first.
    for (const [signedInAt, message] of [
      [
        new Date(Date.now() - 6 * 60_000),
        "To reveal the password, sign in again: it is shown only within 5 minutes of signing in.",
      ],
      [
        null,
        "To reveal the password, sign in again. If this keeps coming back after you signed in, Microsoft is not saying when you signed in: ask whoever runs this portal to add the auth_time optional claim to its app registration.",
      ],
    ] as const) {
      resetScope();
      scope.user = { ...owner, signedInAt };
      const stale = await reveal.revealSecretAction(null, form({ onboardingId: id }));
      expect(stale).toEqual({ ok: false, signInAgain: true, message });
    }
    expect(await reveals()).toBe(0);

    // Signed in just now: the secret, once per click, each click audited and in the receipt.
    resetScope();
    scope.user = { ...owner, signedInAt: new Date(Date.now() - 60_000) };
    expect(await reveal.revealSecretAction(null, form({ onboardingId: id }))).toEqual({
      ok: true,
      data: { password: secret },
    });
    expect(await reveal.revealSecretAction(null, form({ onboardingId: id }))).toMatchObject({ ok: true });
    expect(await reveals()).toBe(2);
    const { listAuditForReceipt } = await import("@/lib/data/audit");
    const { receiptRows } = await import("@/lib/onboardings/receipt");
    const receipt = receiptRows(await listAuditForReceipt(owner, id)).filter((r) => r.change === "revealed");
    expect(receipt).toHaveLength(2);
    expect(receipt[0]).toMatchObject({
      action: "Client secret revealed",
      object: integration.clientId,
      actor: owner.name,
      outcome: "success",
    });

    // Disconnected: nothing left to reveal.
    await db.db.integration.update({ where: { id: integration.id }, data: { status: "disconnected" } });
    expect(await reveal.revealSecretAction(null, form({ onboardingId: id }))).toMatchObject({
      ok: false,
      message: "This connection is disconnected: its app and password are gone from Azure.",
    });

    // The search can fail: a line written through the portal's logger is found.
    (await import("@/lib/log")).log.warn({ canary: "reveal-log-canary" }, "canary");
    const logged = fs.readFileSync(logFile, "utf8");
    expect(logged).toContain("reveal-log-canary");
    expect(logged).not.toContain(secret);
  }, 180_000);
});
