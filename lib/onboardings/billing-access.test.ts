/**
 * Who can connect a billing account, through the portal's real code against the emulator: a Global
 * Administrator without any billing role sees the tenant's MCA account (listed with includeAll) and
 * finishes all five steps alone; the picker says how each person sees each account; an administrator
 * with neither a billing role nor Global Administrator is handed to the billing account owner.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { errorOf, startDriver, stepOf, type Driver } from "@/test/support/onboarding-driver";

let d: Driver;

beforeAll(async () => {
  d = await startDriver();
}, 120_000);

afterAll(async () => {
  await d?.close();
});

type Choice = { name: string; usable: boolean; access: string; accessLabel: string; reason: string | null };

describe("billing access", () => {
  it("a Global Administrator without a billing role connects alone", async () => {
    const tenant = await d.seed();
    const patti = await d.signInAs(tenant, "globalAdmin");
    const id = await d.start(patti);
    const view = await d.connect(patti, id);

    expect(view.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["app-registration", "done"],
      ["client-secret", "done"],
      ["billing-account", "done"],
      ["role-assignment", "done"],
      ["verify", "done"],
    ]);
    expect(view.status).toBe("completed");
    expect(view.billingAccountName).toBe(tenant.billingAccounts.mca!.name);
    const choices = (stepOf(view, "billing-account").outputs as { choices: Choice[] }).choices;
    expect(choices).toEqual([
      expect.objectContaining({
        name: tenant.billingAccounts.mca!.name,
        usable: true,
        access: "global-admin",
        accessLabel: expect.stringMatching(/Global Administrator/),
      }),
    ]);

    const s = await d.state(tenant.tenantId);
    const readers = s.billingRoleAssignments.filter((a) => a.principalId === s.servicePrincipals[0]!.id);
    expect(readers).toHaveLength(1);
    expect(readers[0]!.roleDefinitionId).toMatch(/50000000-aaaa-bbbb-cccc-100000000002$/);
    expect(readers[0]!.createdByPrincipalId).toBe(tenant.users.globalAdmin!.id);
    // Patti still holds no billing role of her own: nothing was elevated.
    expect(s.billingRoleAssignments.filter((a) => a.principalId === tenant.users.globalAdmin!.id)).toEqual(
      [],
    );
  });

  it("says how the person sees each account: their own billing role, or Global Administrator access", async () => {
    const tenant = await d.seed({
      preset: "contoso",
      billingAccounts: [
        {
          key: "mca",
          displayName: "Contoso Ltd",
          roleAssignments: [{ user: "admin", role: "owner" }],
        },
        { key: "mca2", displayName: "Contoso Research" },
      ],
    });
    const adele = await d.signInAs(tenant, "admin");
    const id = await d.start(adele);
    await d.m.engine.queueSteps(adele, id, "billing-account");
    const view = await d.runToRest(adele, id);
    const step3 = stepOf(view, "billing-account");
    expect(step3.status).toBe("needs_attention");
    expect(errorOf(view, "billing-account").resolution).toBe("choose-billing-account");
    const choices = (step3.outputs as { choices: Choice[] }).choices;
    const byName = Object.fromEntries(choices.map((c) => [c.name, c]));
    expect(byName[tenant.billingAccounts.mca!.name]).toMatchObject({
      usable: true,
      access: "billing-role",
      accessLabel: expect.stringMatching(/billing role/i),
    });
    expect(byName[tenant.billingAccounts.mca2!.name]).toMatchObject({
      usable: true,
      access: "global-admin",
    });
  });

  it("hands an administrator with neither a billing role nor Global Administrator to the billing owner", async () => {
    const tenant = await d.seed();
    const lee = await d.signInAs(tenant, "noBilling");
    const id = await d.start(lee);
    const view = await d.connect(lee, id);
    expect(stepOf(view, "app-registration").status).toBe("done");
    expect(stepOf(view, "client-secret").status).toBe("done");
    const step3 = stepOf(view, "billing-account");
    expect(step3.status).toBe("needs_attention");
    const error = errorOf(view, "billing-account");
    expect(error.resolution).toBe("no-usable-billing-account");
    expect(error.message).toMatch(/Global Administrator/);
    expect(error.action).toMatch(/Billing account owner/);
  });
});
