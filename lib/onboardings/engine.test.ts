/**
 * The five steps end to end against the Azure emulator, through the portal's real code: MSAL as token
 * broker (sign-in driven through the emulator's pages), the Graph and ARM clients, the engine and the
 * embedded database. Each test seeds its own tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ScenarioSpec, SeedResult } from "@/emulator/src/scenario";
import type { RunningEmulator } from "@/emulator/src/server";
import { DELAY_PROFILES, type Delays } from "@/emulator/src/settings";
import { control } from "@/emulator/test/helpers";
import { runToRest } from "@/test/support/drive";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

type Modules = {
  engine: typeof import("@/lib/onboardings/engine");
  onboardings: typeof import("@/lib/data/onboardings");
  broker: typeof import("@/lib/azure/token-broker");
  db: typeof import("@/lib/db");
  graph: typeof import("@/lib/azure/graph");
  endpoints: typeof import("@/lib/azure/endpoints");
  vault: typeof import("@/lib/crypto/vault");
};

let harness: Harness;
let emu: RunningEmulator;
let m: Modules;

beforeAll(async () => {
  harness = await startPortalHarness();
  emu = harness.emu;
  m = {
    engine: await import("@/lib/onboardings/engine"),
    onboardings: await import("@/lib/data/onboardings"),
    broker: await import("@/lib/azure/token-broker"),
    db: await import("@/lib/db"),
    graph: await import("@/lib/azure/graph"),
    endpoints: await import("@/lib/azure/endpoints"),
    vault: await import("@/lib/crypto/vault"),
  };
}, 120_000);

afterAll(async () => {
  await m?.db.closeDb();
  await emu?.close();
});

async function seed(
  spec: ScenarioSpec = { preset: "contoso" },
  delays: Partial<Delays> = DELAY_PROFILES.none,
): Promise<SeedResult> {
  return control(emu).seed({
    ...spec,
    settings: { ...(spec.settings ?? {}), delays: { ...DELAY_PROFILES.none, ...delays } },
  });
}

async function signInAs(tenant: SeedResult, userKey: string) {
  return harness.signIn(tenant.users[userKey]!.userPrincipalName);
}

async function state(tenantId: string) {
  const r = await control(emu).get(`/tenants/${tenantId}/state`);
  const body = r.body as {
    applications: {
      id: string;
      appId: string;
      uniqueName: string;
      passwordCredentials: { keyId: string; displayName: string }[];
    }[];
    servicePrincipals: { id: string; appId: string }[];
    billingAccounts: { roleAssignments: { principalId: string; roleDefinitionId: string }[] }[];
  };
  return { ...body, billingRoleAssignments: body.billingAccounts.flatMap((a) => a.roleAssignments) };
}

function stepOf(view: Awaited<ReturnType<typeof runToRest>>, id: string) {
  return view.steps.find((s) => s.stepId === id)!;
}

describe("automated onboarding", () => {
  it("connects a billing account: one app, SP, secret and role assignment, and this month's cost", async () => {
    const tenant = await seed();
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const view = await runToRest(actor, id);

    expect(view.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["app-registration", "done"],
      ["client-secret", "done"],
      ["billing-account", "done"],
      ["role-assignment", "done"],
      ["verify", "done"],
    ]);
    expect(view.status).toBe("completed");
    expect(view.billingAccountName).toBe(tenant.billingAccounts.mca!.name);
    const verify = stepOf(view, "verify").outputs as { amount: number; currency: string };
    expect(verify.currency).toBe("USD");
    expect(verify.amount).toBeGreaterThan(0);

    const s = await state(tenant.tenantId);
    expect(s.applications).toHaveLength(1);
    expect(s.applications[0]!.uniqueName).toBe(`mca-connect-${id}`);
    expect(s.applications[0]!.passwordCredentials).toHaveLength(1);
    expect(s.applications[0]!.passwordCredentials[0]!.displayName).toBe("vantage-secret");
    expect(s.servicePrincipals).toHaveLength(1);
    const readers = s.billingRoleAssignments.filter((a) => a.principalId === s.servicePrincipals[0]!.id);
    expect(readers).toHaveLength(1);
    expect(readers[0]!.roleDefinitionId).toMatch(/50000000-aaaa-bbbb-cccc-100000000002$/);

    // The secret is stored encrypted: the database never holds the value in clear.
    const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(row.secretCiphertext).toBeTruthy();
    expect(row.secretHint).toHaveLength(3);
    const integration = await m.db.db.integration.findUniqueOrThrow({ where: { onboardingId: id } });
    expect(integration.status).toBe("active");

    // Connect again, and redo of step 4: nothing new in Azure.
    await m.engine.queueSteps(actor, id, "role-assignment");
    await runToRest(actor, id);
    expect(
      (await state(tenant.tenantId)).billingRoleAssignments.filter(
        (a) => a.principalId === s.servicePrincipals[0]!.id,
      ),
    ).toHaveLength(1);
    const audits = await m.db.db.auditEvent.findMany({ where: { onboardingId: id } });
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "Create app registration",
        "Create service principal",
        "Add client secret",
        "Assign Billing account reader",
        "Verify connection",
      ]),
    );
    expect(audits.every((a) => a.outcome === "success")).toBe(true);
    expect(audits.filter((a) => a.action !== "Verify connection").every((a) => a.azureRequestId)).toBe(true);
  });

  it("adopts what an interrupted run created and leaves exactly one usable secret", async () => {
    const tenant = await seed();
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    // A previous run created the app and a secret, then died before saving either.
    const graph = new m.graph.GraphClient(
      m.broker.delegatedCredential(actor.homeAccountId, tenant.tenantId, "graph"),
      m.endpoints.azureEndpoints(),
    );
    const app = await graph.upsertApplication(`mca-connect-${id}`, "vantage");
    await graph.addPassword(app.id, "vantage-secret", new Date(Date.now() + 86_400_000 * 30));

    await m.engine.queueSteps(actor, id, "remaining");
    const view = await runToRest(actor, id);
    expect(view.status).toBe("completed");
    expect(view.clientId).toBe(app.appId);
    const s = await state(tenant.tenantId);
    expect(s.applications).toHaveLength(1);
    expect(s.applications[0]!.passwordCredentials).toHaveLength(1);
    const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(s.applications[0]!.passwordCredentials[0]!.keyId).toBe(row.secretKeyId);
  });

  it("redoing step 2 replaces the secret: still exactly one", async () => {
    const tenant = await seed();
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 6,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const before = await runToRest(actor, id);
    const firstKey = (await m.db.db.onboarding.findUniqueOrThrow({ where: { id } })).secretKeyId;
    await m.engine.queueSteps(actor, id, "client-secret");
    const after = await runToRest(actor, id);
    expect(stepOf(before, "client-secret").status).toBe("done");
    expect(stepOf(after, "client-secret").status).toBe("done");
    const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(row.secretKeyId).not.toBe(firstKey);
    const creds = (await state(tenant.tenantId)).applications[0]!.passwordCredentials;
    expect(creds.map((c) => c.keyId)).toEqual([row.secretKeyId]);
  });

  it("a new secret is verified and handed to the Integration before the old one is removed", async () => {
    const tenant = await seed({ preset: "contoso" }, { secretActivationMs: 2500 });
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 6,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    await runToRest(actor, id);
    const integrationSecret = async () => {
      const i = await m.db.db.integration.findFirstOrThrow({ where: { onboardingId: id } });
      return {
        status: i.status,
        keyId: i.secretKeyId,
        value: m.vault.decryptSecret(
          { ciphertext: i.secretCiphertext, keyId: i.secretEncryptionKeyId },
          `integration-secret:${i.id}`,
        ),
      };
    };
    const first = await integrationSecret();
    expect(first.status).toBe("active");

    // Redo step 2: the new secret takes 2.5 s to work. Meanwhile the old one stays in Azure and in the
    // Integration, which stays active: the cost platform's imports never stop.
    await m.engine.queueSteps(actor, id, "client-secret");
    await m.engine.advance(actor, id, { budgetMs: 1000 });
    const during = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(during.secretKeyId).not.toBe(first.keyId);
    expect(during.retiringSecretKeyId).toBe(first.keyId);
    const keysDuring = (await state(tenant.tenantId)).applications[0]!.passwordCredentials.map(
      (c) => c.keyId,
    );
    expect(keysDuring.sort()).toEqual([first.keyId, during.secretKeyId].sort());
    expect(await integrationSecret()).toEqual(first);
    const verifyDuring = await m.db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "verify" } },
    });
    expect(verifyDuring.status).not.toBe("done");

    // Step 5 runs again by itself, proves the new secret, hands it over, then removes the old one.
    const after = await runToRest(actor, id);
    expect(stepOf(after, "verify").status).toBe("done");
    const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(row.retiringSecretKeyId).toBeNull();
    const handed = await integrationSecret();
    expect(handed.status).toBe("active");
    expect(handed.keyId).toBe(row.secretKeyId);
    expect(handed.value).not.toBe(first.value);
    const creds = (await state(tenant.tenantId)).applications[0]!.passwordCredentials;
    expect(creds.map((c) => c.keyId)).toEqual([row.secretKeyId]);
  });

  it("waits for Azure while the new app replicates, then finishes", async () => {
    const tenant = await seed(
      { preset: "contoso" },
      {
        appReplicationMs: 1500,
        secretActivationMs: 1500,
        billingPrincipalReplicationMs: 1000,
        billingRolePropagationMs: 1000,
      },
    );
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    // A short budget, as a request would have: the step records that it waits instead of blocking.
    await m.engine.advance(actor, id, { budgetMs: 300 });
    const early = await m.onboardings.getOnboardingOrThrow(actor, id);
    const first = stepOf(early, "app-registration");
    expect(first.status).toBe("waiting");
    expect((first.error as { message: string }).message).toMatch(/replicate/);
    expect(early.clientId).toBeTruthy(); // saved the moment it existed

    const view = await runToRest(actor, id, { budgetMs: 1_000 });
    expect(view.status).toBe("completed");
    const s = await state(tenant.tenantId);
    expect(s.applications).toHaveLength(1);
    expect(s.servicePrincipals).toHaveLength(1);
  });

  it("adds the secret as soon as the app exists, without waiting for its service principal", async () => {
    const tenant = await seed({ preset: "contoso" }, { appReplicationMs: 1500 });
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const view = await runToRest(actor, id, { budgetMs: 8_000 });
    expect(view.status).toBe("completed");

    const { requests } = (await control(emu).get(`/tenants/${tenant.tenantId}/state`)).body as {
      requests: { time: string; route: string; status: number }[];
    };
    const first = (route: string, status?: number) => {
      const found = requests.find((r) => r.route === route && (status === undefined || r.status === status));
      expect(found, `${route} ${status ?? ""}`).toBeDefined();
      return Date.parse(found!.time);
    };
    // Step 2 looked for the app (and waited for it to replicate) while step 1 still waited to create
    // the service principal: the secret's activation no longer queues behind it.
    expect(first("GET /applications/{id}")).toBeLessThan(first("PATCH /servicePrincipals(appId)", 201));
    const s = await state(tenant.tenantId);
    expect(s.applications[0]!.passwordCredentials).toHaveLength(1);
    expect(s.servicePrincipals).toHaveLength(1);
  });

  it("explains that a billing account owner must assign the role", async () => {
    const tenant = await seed({
      name: "Fabrikam",
      users: [{ key: "dev", displayName: "Dev Admin", roles: ["Application Administrator"] }],
      billingAccounts: [
        {
          key: "mca",
          displayName: "Fabrikam",
          agreementType: "MicrosoftCustomerAgreement",
          roleAssignments: [{ user: "dev", role: "reader" }],
        },
      ],
    });
    const actor = await signInAs(tenant, "dev");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const view = await runToRest(actor, id);
    const step4 = stepOf(view, "role-assignment");
    expect(step4.status).toBe("needs_attention");
    const error = step4.error as { kind: string; message: string; resolution: string };
    expect(error.kind).toBe("permission");
    expect(error.message).toMatch(/Billing account owner/);
    expect(error.resolution).toBe("needs-billing-owner");
    expect(stepOf(view, "verify").status).toBe("waiting"); // queued behind step 4, not failed
    expect(view.status).toBe("needs_attention");
    // Nothing was assigned: the only reader is the user's own assignment.
    const after = await state(tenant.tenantId);
    expect(
      after.billingRoleAssignments.filter((a) => a.principalId === after.servicePrincipals[0]!.id),
    ).toHaveLength(0);
  });

  it("offers a shorter expiry when the tenant's policy refuses the secret's lifetime", async () => {
    const tenant = await seed({ preset: "contoso", appManagementPolicy: { passwordMaxLifetime: "P200D" } });
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "client-secret");
    await m.engine.queueSteps(actor, id, "app-registration");
    let view = await runToRest(actor, id);
    const step2 = stepOf(view, "client-secret");
    expect(step2.status).toBe("needs_attention");
    expect((step2.error as { resolution: string }).resolution).toBe("shorter-expiry");
    expect((await state(tenant.tenantId)).applications[0]!.passwordCredentials).toHaveLength(0);

    await m.onboardings.updateOnboardingSettings(actor, id, { secretExpiryMonths: 6 });
    await m.engine.queueSteps(actor, id, "client-secret");
    view = await runToRest(actor, id);
    expect(stepOf(view, "client-secret").status).toBe("done");
  });

  it("says why an Enterprise Agreement-only tenant cannot be connected here", async () => {
    const tenant = await seed({
      name: "Woodgrove",
      users: [{ key: "admin", displayName: "Wood Admin", roles: ["Global Administrator"] }],
      billingAccounts: [
        {
          key: "ea",
          displayName: "Woodgrove EA",
          agreementType: "EnterpriseAgreement",
          roleAssignments: [{ user: "admin", role: "EnrollmentReader" }],
        },
      ],
    });
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "billing-account");
    const view = await runToRest(actor, id);
    const step3 = stepOf(view, "billing-account");
    expect(step3.status).toBe("needs_attention");
    expect((step3.error as { resolution: string }).resolution).toBe("no-usable-billing-account");
    const choices = (step3.outputs as { choices: { displayName: string; usable: boolean; reason: string }[] })
      .choices;
    expect(choices).toEqual([
      expect.objectContaining({
        displayName: "Woodgrove EA",
        usable: false,
        reason: expect.stringMatching(/Enterprise Agreement/),
      }),
    ]);
  });

  it("follows a 202 Accepted role assignment to its end, and reads nothing spent yet as zero", async () => {
    const tenant = await seed({
      preset: "contoso",
      settings: { lro: { probability: 1, polls: 2, retryAfterSeconds: 1 }, emptyCostResponse: "204" },
      billingAccounts: [
        {
          key: "mca",
          displayName: "Quiet Ltd",
          agreementType: "MicrosoftCustomerAgreement",
          roleAssignments: [{ user: "admin", role: "owner" }],
          costs: false,
        },
      ],
      users: [{ key: "admin", displayName: "Quiet Admin", roles: ["Global Administrator"] }],
      name: "Quiet",
    });
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const view = await runToRest(actor, id);
    expect(view.status).toBe("completed");
    expect(view.roleAssignmentId).toMatch(/billingRoleAssignments\//);
    expect(stepOf(view, "verify").outputs).toMatchObject({ amount: 0 });
    const s = await state(tenant.tenantId);
    expect(s.billingRoleAssignments.filter((a) => a.principalId === s.servicePrincipals[0]!.id)).toHaveLength(
      1,
    );
  });

  it("warns before connecting a billing account that already has an integration", async () => {
    const tenant = await seed();
    const actor = await signInAs(tenant, "admin");
    const first = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, first.id, "remaining");
    expect((await runToRest(actor, first.id)).status).toBe("completed");

    const second = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage-2",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, second.id, "billing-account");
    const view = await runToRest(actor, second.id);
    const step3 = stepOf(view, "billing-account");
    expect(step3.status).toBe("needs_attention");
    expect((step3.error as { message: string }).message).toMatch(/already connected/);
  });

  it("tells a billing owner who may not register apps which rights step 1 needs, and still finds the account", async () => {
    const tenant = await seed();
    await signInAs(tenant, "admin"); // an administrator consents for the organization first
    const actor = await signInAs(tenant, "billingOwner");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const view = await runToRest(actor, id);
    const step1 = stepOf(view, "app-registration");
    expect(step1.status).toBe("needs_attention");
    expect((step1.error as { message: string }).message).toMatch(/Application Administrator/);
    expect(stepOf(view, "billing-account").status).toBe("done");
    expect((await state(tenant.tenantId)).applications).toHaveLength(0);
  });

  it("takes over a step whose runner died (a killed server) once its lease expires", async () => {
    const tenant = await seed();
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    // Another instance took step 3 and vanished mid-run.
    await m.db.db.onboardingStep.update({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "billing-account" } },
      data: {
        status: "running",
        leaseOwner: "dead-instance",
        leaseExpiresAt: new Date(Date.now() + 60_000),
        startedAt: new Date(),
      },
    });
    await m.engine.advance(actor, id, { budgetMs: 1_000 });
    let view = await m.onboardings.getOnboardingOrThrow(actor, id);
    expect(stepOf(view, "billing-account").status).toBe("running"); // the live lease is respected

    await m.db.db.onboardingStep.update({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "billing-account" } },
      data: { leaseExpiresAt: new Date(Date.now() - 1_000) },
    });
    view = await runToRest(actor, id);
    expect(stepOf(view, "billing-account").status).toBe("done");
  });

  it("never puts the secret in what pages read", async () => {
    const tenant = await seed();
    const actor = await signInAs(tenant, "admin");
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    await runToRest(actor, id);
    const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    const secret = m.vault.decryptSecret(
      { ciphertext: row.secretCiphertext!, keyId: row.secretEncryptionKeyId! },
      `onboarding-secret:${id}`,
    );
    expect(secret.length).toBeGreaterThanOrEqual(16);
    const pageData = JSON.stringify([
      await m.onboardings.getOnboarding(actor, id),
      await m.onboardings.listOnboardings(actor),
      await m.db.db.auditEvent.findMany({ where: { onboardingId: id } }),
    ]);
    expect(pageData).not.toContain(secret);
    expect(pageData).not.toContain(row.secretCiphertext!);
  });

  it("lets only the owner see or run an onboarding", async () => {
    const tenant = await seed();
    const owner = await signInAs(tenant, "admin");
    const other = await signInAs(tenant, "appAdmin");
    const { id } = await m.onboardings.createOnboarding(owner, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    expect(await m.onboardings.getOnboarding(other, id)).toBeNull();
    await expect(m.engine.queueSteps(other, id, "remaining")).rejects.toThrow(/not found/);
  });
});
