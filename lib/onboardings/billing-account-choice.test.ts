/**
 * The billing account ID reaches URLs, so it is checked: its format, that step 3 listed it, and that
 * step 4 assigns on the account step 3 checked, not on a choice saved behind its back.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

import { DELAY_PROFILES } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import { chooseBillingAccountSchema } from "@/lib/validations/onboardings";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

let currentUser: unknown = null;
vi.mock("@/lib/auth", () => ({ getCurrentUser: async () => currentUser }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));

const portal = portalHarnessForFile();
let engine: typeof import("@/lib/onboardings/engine");
let actions: typeof import("@/lib/actions/onboardings");
let onboardings: typeof import("@/lib/data/onboardings");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  engine = await import("@/lib/onboardings/engine");
  actions = await import("@/lib/actions/onboardings");
  onboardings = await import("@/lib/data/onboardings");
  db = await import("@/lib/db");
}, 120_000);

const otherAccount = "11111111-2222-3333-4444-555555555555:66666666-7777-8888-9999-000000000000_2020-01-01";

describe("billing account choice", () => {
  it.each(["..", "../../subscriptions", "a/b", "7898901", "BKM6-54VH-BG7-PGB", `${otherAccount}/x`])(
    "refuses %j as a billing account ID",
    (value) => {
      expect(
        chooseBillingAccountSchema.safeParse({ onboardingId: "o", billingAccountName: value }).success,
      ).toBe(false);
    },
  );

  it("accepts only an account step 3 listed as usable", async () => {
    const tenant = await control(portal.current.emu).seed({
      preset: "contoso",
      settings: { delays: DELAY_PROFILES.none },
    });
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    currentUser = actor;
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "billing-account");
    await engine.advance(actor, id);
    const form = (name: string) => {
      const data = new FormData();
      data.set("onboardingId", id);
      data.set("billingAccountName", name);
      return data;
    };
    const refused = await actions.chooseBillingAccountAction(null, form(otherAccount));
    expect(refused).toMatchObject({
      ok: false,
      message: expect.stringContaining("billing accounts step 3 listed"),
    });
    expect((await db.db.onboarding.findUniqueOrThrow({ where: { id } })).billingAccountName).toBe(
      tenant.billingAccounts.mca!.name,
    );
    const chosen = await actions.chooseBillingAccountAction(null, form(tenant.billingAccounts.mca!.name));
    expect(chosen.ok).toBe(true);
    currentUser = null;
  });

  it("assigns the role on the account step 3 checked, not on one saved behind its back", async () => {
    const emu = control(portal.current.emu);
    const tenant = await emu.seed({ preset: "contoso", settings: { delays: DELAY_PROFILES.none } });
    const actor = await portal.current.signIn(tenant.users.admin!.userPrincipalName);
    const { id } = await onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await engine.queueSteps(actor, id, "app-registration");
    await engine.queueSteps(actor, id, "billing-account");
    await engine.advance(actor, id);
    await db.db.onboarding.update({ where: { id }, data: { billingAccountName: otherAccount } });
    await engine.queueSteps(actor, id, "role-assignment");
    await engine.advance(actor, id);
    const step = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "role-assignment" } },
    });
    expect(step.status).toBe("needs_attention");
    expect((step.error as { message: string }).message).toContain("Run step 3 again");
    const state = await emu.state(tenant.tenantId);
    expect(state.created?.billingRoleAssignments ?? 0).toBe(0);
  });
});
