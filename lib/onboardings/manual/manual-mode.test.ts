/**
 * Manual and mixed mode against the Azure emulator, through the portal's real code (engine, steps,
 * MSAL broker, database). The Azure side "by hand" is done as a person would: with that person's
 * delegated token against the emulator's Graph and ARM endpoints, never by writing its store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ScenarioSpec, SeedResult } from "@/emulator/src/scenario";
import type { RunningEmulator } from "@/emulator/src/server";
import { DELAY_PROFILES } from "@/emulator/src/settings";
import { arm, control, graph } from "@/emulator/test/helpers";
import { runToRest } from "@/test/support/drive";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";

type Modules = {
  engine: typeof import("@/lib/onboardings/engine");
  onboardings: typeof import("@/lib/data/onboardings");
  db: typeof import("@/lib/db");
  vault: typeof import("@/lib/crypto/vault");
  pasteBack: typeof import("@/lib/onboardings/manual/paste-back");
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
    db: await import("@/lib/db"),
    vault: await import("@/lib/crypto/vault"),
    pasteBack: await import("@/lib/onboardings/manual/paste-back"),
  };
}, 120_000);

afterAll(async () => {
  await m?.db.closeDb();
  await emu?.close();
});

const readerRole = "50000000-aaaa-bbbb-cccc-100000000002";
const createRoute = "arm POST /billingAccounts/{name}/createBillingRoleAssignment";

function seed(spec: ScenarioSpec): Promise<SeedResult> {
  return control(emu).seed({ ...spec, settings: { ...(spec.settings ?? {}), delays: DELAY_PROFILES.none } });
}

/** A tenant where "dev" may register apps and read billing, and only "owner" may assign billing roles. */
function fabrikam(extra: Partial<ScenarioSpec> = {}) {
  return seed({
    name: "Fabrikam",
    users: [
      { key: "dev", displayName: "Dev Admin", roles: ["Application Administrator"] },
      { key: "owner", displayName: "Olga Owner" },
    ],
    billingAccounts: [
      {
        key: "mca",
        displayName: "Fabrikam Ltd",
        agreementType: "MicrosoftCustomerAgreement",
        roleAssignments: [
          { user: "dev", role: "reader" },
          { user: "owner", role: "owner" },
        ],
        costs: { currency: "EUR", days: 40, dailyAverage: 100 },
      },
    ],
    ...extra,
  });
}

/** The page's poller, advancing with a 3 s budget. */
const poller = { budgetMs: 3_000 };

function stepOf(view: Awaited<ReturnType<typeof runToRest>>, id: string) {
  return view.steps.find((s) => s.stepId === id)!;
}

/** Moves a step's clock back, as if it had been waiting for Azure that long. */
async function age(id: string, stepId: string, ms: number) {
  await m.db.db.onboardingStep.update({
    where: { onboardingId_stepId: { onboardingId: id, stepId } },
    data: { startedAt: new Date(Date.now() - ms), nextAttemptAt: new Date() },
  });
}

async function state(tenantId: string) {
  return (await control(emu).state(tenantId)) as {
    applications: { appId: string; passwordCredentials: unknown[] }[];
    servicePrincipals: { id: string }[];
    billingAccounts: { roleAssignments: { principalId: string }[] }[];
    created: Record<string, number>;
    requestCounts: Record<string, number>;
  };
}

/** What a person does in the Azure portal for steps 1 and 2, with their own delegated Graph token. */
async function registerAppByHand(tenant: SeedResult, userKey: string) {
  const token = await control(emu).token({
    tenantId: tenant.tenantId,
    user: tenant.users[userKey]!.id,
    resource: "graph",
    scopes: ["Application.ReadWrite.All", "User.Read"],
  });
  const g = graph(emu, token);
  const app = await g("POST", "/applications", { displayName: "vantage", signInAudience: "AzureADMyOrg" });
  expect(app.status).toBe(201);
  const sp = await g("POST", "/servicePrincipals", { appId: app.body.appId });
  expect(sp.status).toBe(201);
  const password = await g("POST", `/applications/${app.body.id}/addPassword`, {
    passwordCredential: { displayName: "vantage-secret" },
  });
  expect(password.status).toBe(200);
  return {
    appId: app.body.appId as string,
    objectId: app.body.id as string,
    servicePrincipalId: sp.body.id as string,
    secretText: password.body.secretText as string,
    secretId: password.body.keyId as string,
  };
}

/** What a billing account owner does in the portal for step 4, with their delegated ARM token. */
async function assignReaderByHand(tenant: SeedResult, userKey: string, principalId: string) {
  const account = tenant.billingAccounts.mca!.name;
  const token = await control(emu).token({
    tenantId: tenant.tenantId,
    user: tenant.users[userKey]!.id,
    resource: "arm",
  });
  const res = await arm(emu, token)(
    "POST",
    `/providers/Microsoft.Billing/billingAccounts/${account}/createBillingRoleAssignment?api-version=2024-04-01`,
    {
      principalId,
      principalTenantId: tenant.tenantId,
      roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${account}/billingRoleDefinitions/${readerRole}`,
    },
  );
  expect([200, 202]).toContain(res.status);
}

describe("mixed mode: steps 1-3 automated, step 4 by hand", () => {
  it("finds the assignment made by hand, adopts it without posting, and step 5 follows", async () => {
    const tenant = await fabrikam();
    const actor = await harness.signIn(tenant.users.dev!.userPrincipalName);
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "remaining");
    const before = await runToRest(actor, id, poller);
    // dev is no billing account owner: step 4 stops and asks for one; step 5 stays queued behind it.
    expect(stepOf(before, "role-assignment").status).toBe("needs_attention");
    expect((stepOf(before, "role-assignment").error as { resolution: string }).resolution).toBe(
      "needs-billing-owner",
    );
    expect(stepOf(before, "verify").status).toBe("waiting");

    await assignReaderByHand(tenant, "owner", before.servicePrincipalId!);
    const posted = (await state(tenant.tenantId)).requestCounts[createRoute];

    await m.engine.queueSteps(actor, id, "role-assignment", { checkOnly: true });
    const after = await runToRest(actor, id, poller);
    const step4 = stepOf(after, "role-assignment");
    expect(step4.status).toBe("done");
    expect(step4.outputs).toMatchObject({ byHand: true, adopted: true, role: "Billing account reader" });
    expect(after.roleAssignmentId).toMatch(new RegExp(`billingRoleAssignments/${readerRole}_`));
    expect(stepOf(after, "verify").status).toBe("done");
    expect(after.status).toBe("completed");

    // The check only looked: the one assignment is the owner's, and the portal posted nothing more.
    const s = await state(tenant.tenantId);
    expect(s.requestCounts[createRoute]).toBe(posted);
    const audits = await m.db.db.auditEvent.findMany({ where: { onboardingId: id } });
    expect(audits.map((a) => a.action)).toContain("Found Billing account reader assigned by hand");
    const readers = s.billingAccounts
      .flatMap((a) => a.roleAssignments)
      .filter((a) => a.principalId === after.servicePrincipalId);
    expect(readers).toHaveLength(1);
  });

  it("keeps looking for a couple of minutes, then says what it did not find, never posting", async () => {
    const tenant = await fabrikam();
    const actor = await harness.signIn(tenant.users.dev!.userPrincipalName);
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    await m.engine.queueSteps(actor, id, "app-registration");
    await m.engine.queueSteps(actor, id, "billing-account");
    await runToRest(actor, id, poller);
    const posted = (await state(tenant.tenantId)).requestCounts[createRoute] ?? 0;

    await m.engine.queueSteps(actor, id, "role-assignment", { checkOnly: true });
    await m.engine.advance(actor, id, { budgetMs: 1_000 });
    let view = await m.onboardings.getOnboardingOrThrow(actor, id);
    const waiting = stepOf(view, "role-assignment");
    expect(waiting.status).toBe("waiting");
    expect((waiting.error as { message: string }).message).toMatch(/Looking for the Billing account reader/);

    await age(id, "role-assignment", 3 * 60_000);
    view = await runToRest(actor, id, poller);
    const step4 = stepOf(view, "role-assignment");
    expect(step4.status).toBe("needs_attention");
    const error = step4.error as { message: string; action: string; resolution: string };
    expect(error.resolution).toBe("check-again");
    expect(error.message).toMatch(/No Billing account reader assignment for the vantage app was found/);
    expect(error.action).toMatch(/I have done it: check again/);
    expect((await state(tenant.tenantId)).requestCounts[createRoute] ?? 0).toBe(posted);

    // "Try again" without check-only is an ordinary run again: it may assign (dev cannot, so it says who can).
    await m.engine.queueSteps(actor, id, "role-assignment");
    view = await runToRest(actor, id, poller);
    expect((stepOf(view, "role-assignment").error as { resolution: string }).resolution).toBe(
      "needs-billing-owner",
    );
  });
});

describe("manual mode: paste-back", () => {
  it("stores what was pasted, records steps 1-4 as done by hand and verifies like step 5", async () => {
    const custom = `fabrikam${Date.now().toString(36)}.example.com`;
    const tenant = await fabrikam({ customDomains: [custom] });
    const actor = await harness.signIn(tenant.users.dev!.userPrincipalName);
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    const app = await registerAppByHand(tenant, "dev");
    await assignReaderByHand(tenant, "owner", app.servicePrincipalId);
    const createdBefore = (await state(tenant.tenantId)).created;

    const outcome = await m.pasteBack.submitPasteBack(
      actor,
      id,
      {
        tenantId: ` ${custom}\n`,
        clientId: `“${app.appId}”`,
        clientSecret: `'${app.secretText}'\n`,
        billingAccountId: `/providers/Microsoft.Billing/billingAccounts/${tenant.billingAccounts.mca!.name}/billingProfiles/BKM6-54VH-BG7-PGB`,
      },
      { budgetMs: 8_000 },
    );
    expect(outcome.ok).toBe(true);
    expect(JSON.stringify(outcome)).not.toContain(app.secretText);
    expect(outcome.notes.tenantId?.join(" ")).toMatch(
      new RegExp(`We looked up ${custom.replace(/\./g, "\\.")}`),
    );
    expect(outcome.notes.clientId).toEqual(["We removed quotes from what you pasted."]);
    expect(outcome.notes.billingAccountId?.join(" ")).toMatch(/billing profile or invoice section/);

    const view = await runToRest(actor, id, poller);
    expect(view.status).toBe("completed");
    for (const stepId of ["app-registration", "client-secret", "billing-account", "role-assignment"]) {
      expect(stepOf(view, stepId).status).toBe("done");
      expect(stepOf(view, stepId).outputs).toMatchObject({
        byHand: true,
        note: expect.stringMatching(/by hand/),
      });
    }
    expect(stepOf(view, "verify").outputs).toMatchObject({ currency: "EUR", amount: expect.any(Number) });
    expect(view.clientId).toBe(app.appId);
    expect(view.billingAccountName).toBe(tenant.billingAccounts.mca!.name);

    // Sealed exactly as step 2 seals a secret; the hint is its first three characters.
    const row = await m.db.db.onboarding.findUniqueOrThrow({ where: { id } });
    expect(row.secretHint).toBe(app.secretText.slice(0, 3));
    expect(row.secretKeyId).toBeNull();
    expect(
      m.vault.decryptSecret(
        { ciphertext: row.secretCiphertext!, keyId: row.secretEncryptionKeyId! },
        `onboarding-secret:${id}`,
      ),
    ).toBe(app.secretText);
    const integration = await m.db.db.integration.findUniqueOrThrow({ where: { onboardingId: id } });
    expect(integration.status).toBe("active");
    const audits = await m.db.db.auditEvent.findMany({ where: { onboardingId: id } });
    expect(audits.map((a) => a.action)).toEqual(
      expect.arrayContaining(["Credentials pasted", "Verify connection"]),
    );
    expect(JSON.stringify(audits)).not.toContain(app.secretText);

    // The portal created nothing in Azure: everything there was made by hand.
    expect((await state(tenant.tenantId)).created).toEqual(createdBefore);
  });

  it("refuses another tenant, an unknown domain and values of the wrong kind, field by field", async () => {
    const tenant = await fabrikam();
    const other = await fabrikam({ name: "Elsewhere" });
    const actor = await harness.signIn(tenant.users.dev!.userPrincipalName);
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    const good = {
      clientId: "1a2b3c4d-1111-2222-3333-444455556666",
      clientSecret: "Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.",
      billingAccountId: tenant.billingAccounts.mca!.name,
    };
    const byId = await m.pasteBack.submitPasteBack(
      actor,
      id,
      { ...good, tenantId: other.tenantId },
      { budgetMs: 1_000 },
    );
    expect(byId.ok).toBe(false);
    expect(!byId.ok && byId.fieldErrors.tenantId).toMatch(/belongs to the tenant/);
    const byDomain = await m.pasteBack.submitPasteBack(
      actor,
      id,
      { ...good, tenantId: other.domain },
      { budgetMs: 1_000 },
    );
    expect(!byDomain.ok && byDomain.fieldErrors.tenantId).toMatch(/belongs to the tenant/);
    const unknown = await m.pasteBack.submitPasteBack(
      actor,
      id,
      { ...good, tenantId: "no-such-tenant.example.com" },
      { budgetMs: 1_000 },
    );
    expect(!unknown.ok && unknown.fieldErrors.tenantId).toMatch(/No Microsoft Entra tenant uses the domain/);
    const wrongKinds = await m.pasteBack.submitPasteBack(
      actor,
      id,
      {
        tenantId: tenant.tenantId,
        clientId: "vantage",
        clientSecret: "5f0c1a10-0000-4000-8000-000000000009",
        billingAccountId: "BKM6-54VH-BG7-PGB",
      },
      { budgetMs: 1_000 },
    );
    expect(wrongKinds.ok).toBe(false);
    if (!wrongKinds.ok) {
      expect(wrongKinds.fieldErrors.clientId).toMatch(/app's name/);
      expect(wrongKinds.fieldErrors.clientSecret).toMatch(/Secret ID/);
      expect(wrongKinds.fieldErrors.billingAccountId).toMatch(/billing profile or invoice section/);
      expect(wrongKinds.fieldErrors.tenantId).toBeUndefined();
    }
    // Nothing was stored by a refused paste.
    const view = await m.onboardings.getOnboardingOrThrow(actor, id);
    expect(view.clientId).toBeNull();
    expect(view.steps.every((s) => s.status === "not_started")).toBe(true);
  });

  it("maps each failed check to the step to redo", async () => {
    const tenant = await fabrikam();
    const actor = await harness.signIn(tenant.users.dev!.userPrincipalName);
    const app = await registerAppByHand(tenant, "dev");
    const account = tenant.billingAccounts.mca!.name;
    const good = {
      tenantId: tenant.tenantId,
      clientId: app.appId,
      clientSecret: app.secretText,
      billingAccountId: account,
    };

    // One onboarding, pasted into again after each failure, as a person fixing values would.
    const { id } = await m.onboardings.createOnboarding(actor, {
      appDisplayName: "vantage",
      secretExpiryMonths: 12,
    });
    async function check(values: typeof good, waitFirst: boolean) {
      const outcome = await m.pasteBack.submitPasteBack(actor, id, values, { budgetMs: 1_500 });
      expect(outcome).toMatchObject({ ok: true });
      let view = await m.onboardings.getOnboardingOrThrow(actor, id);
      if (waitFirst) {
        // Refusals that may be Azure catching up are retried first, visibly.
        expect(stepOf(view, "verify").status).toBe("waiting");
        await age(id, "verify", 10 * 60_000);
      }
      view = await runToRest(actor, id, poller);
      const verify = stepOf(view, "verify");
      expect(verify.status).toBe("needs_attention");
      return verify.error as { message: string; action: string; resolution: string; code?: string };
    }

    const wrongSecret = await check(
      { ...good, clientSecret: "Zz99Q~thisisnotthesecretatallnotatall00." },
      true,
    );
    expect(wrongSecret.resolution).toBe("redo-client-secret");
    expect(wrongSecret.code).toBe("AADSTS7000215");
    expect(wrongSecret.action).toMatch(/most likely the Secret ID/);

    const wrongApp = await check({ ...good, clientId: "0c0c0c0c-0000-4000-8000-00000000000c" }, true);
    expect(wrongApp.resolution).toBe("redo-app-registration");
    expect(wrongApp.message).toMatch(/found no app with the Application \(client\) ID 0c0c0c0c/);

    const noRole = await check(good, true);
    expect(noRole.resolution).toBe("redo-role-assignment");
    expect(noRole.action).toMatch(/Billing account reader/);

    const wrongAccount = await check(
      { ...good, billingAccountId: `${account.split("_")[0]}_2001-01-01` },
      false,
    );
    expect(wrongAccount.resolution).toBe("redo-billing-account");
    expect(wrongAccount.message).toMatch(/No billing account with the ID/);

    // Fixed by hand at last: the same onboarding connects.
    await assignReaderByHand(tenant, "owner", app.servicePrincipalId);
    expect(await m.pasteBack.submitPasteBack(actor, id, good, { budgetMs: 8_000 })).toMatchObject({
      ok: true,
    });
    expect((await runToRest(actor, id, poller)).status).toBe("completed");
  });
});
