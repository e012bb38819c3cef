/**
 * A colleague acting through a share link can finish step 3 and step 4 the way the owner would: pick the
 * billing account step 3 listed for them, and "check again" after assigning the role by hand. Here Lee
 * (Application Administrator, no billing role) hands step 3 to Megan (Billing account owner).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import { resetScope, scope } from "@/test/support/request-scope";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

vi.mock("@/lib/auth", async (importOriginal) => {
  const { scope } = await import("@/test/support/request-scope");
  return {
    ...(await importOriginal<typeof import("@/lib/auth")>()),
    getCurrentUser: async () => scope.user,
  };
});

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let actions: typeof import("@/lib/actions/onboardings");
let manual: typeof import("@/lib/actions/manual");
let onboardings: typeof import("@/lib/data/onboardings");
let links: typeof import("@/lib/data/share-links");
let access: typeof import("@/lib/share-links/access");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  actions = await import("@/lib/actions/onboardings");
  manual = await import("@/lib/actions/manual");
  onboardings = await import("@/lib/data/onboardings");
  links = await import("@/lib/data/share-links");
  access = await import("@/lib/share-links/access");
  db = await import("@/lib/db");
}, 120_000);

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
}

describe("a colleague acting through a share link", () => {
  it("picks the billing account step 3 listed for them and checks step 4 again, never creating anything", async () => {
    const emu = control(portal.current.emu);
    const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
    const lee = await portal.current.signIn(tenant.users.noBilling!.userPrincipalName);
    const megan = await portal.current.signIn(tenant.users.billingOwner!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(lee, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(lee, id, "app-registration");
    await engine.queueSteps(lee, id, "billing-account");
    await engine.advance(lee, id, { budgetMs: 10_000 });
    const stepOf = (stepId: string) =>
      db.db.onboardingStep.findUniqueOrThrow({
        where: { onboardingId_stepId: { onboardingId: id, stepId } },
      });
    // Lee sees no billing account: the handoff happens at step 3.
    expect((await stepOf("billing-account")).status).toBe("needs_attention");

    const { token, tokenHash } = access.newShareToken();
    const link = await links.createShareLink(lee, {
      onboardingId: id,
      tokenHash,
      scope: "act",
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    const opened = await access.exchangeShareToken(token);
    if (!opened.ok) throw new Error("the link did not open");
    resetScope();
    scope.user = megan;
    scope.jar.set(opened.cookie.name, opened.cookie.value);

    // Megan runs step 3 with her own token: she sees the account.
    expect(
      await actions.runStepAction(
        null,
        form({ onboardingId: id, stepId: "billing-account", shareLinkId: link.id }),
      ),
    ).toMatchObject({ ok: true });
    const mca = tenant.billingAccounts.mca!.name;
    const chosen = await actions.chooseBillingAccountAction(
      null,
      form({ onboardingId: id, billingAccountName: mca, shareLinkId: link.id }),
    );
    expect(chosen).toMatchObject({ ok: true });
    expect((await db.db.onboarding.findUniqueOrThrow({ where: { id } })).billingAccountName).toBe(mca);
    expect(scope.revalidated).toContain(`/shared/${link.id}`);

    // "I have done it: check again" runs step 4 as Megan, and only looks.
    const checked = await manual.checkAgainAction(
      null,
      form({ onboardingId: id, stepId: "role-assignment", shareLinkId: link.id }),
    );
    expect(checked).toMatchObject({ ok: true });
    const roleStep = await stepOf("role-assignment");
    expect(roleStep.actorId).toBe(megan.id);
    expect(roleStep.status).not.toBe("done");
    expect((await emu.state(tenant.tenantId)).created?.billingRoleAssignments ?? 0).toBe(0);

    // Once the link is revoked, the same post is refused and changes nothing.
    await links.revokeShareLink(lee, link.id);
    const refused = await actions.chooseBillingAccountAction(
      null,
      form({ onboardingId: id, billingAccountName: mca, shareLinkId: link.id }),
    );
    expect(refused).toMatchObject({ ok: false, message: "This share link was revoked by its owner." });
  }, 120_000);
});
