/**
 * The CLI script, unmodified, run by Debian's real Azure CLI (test/support/az-cli-sandbox.ts)
 * against the emulator, signed in as a seeded demo user through `az login -u -p`. What the script did is
 * read back through the emulator's control API. Needs root (unshare -m): without it the tests fail and
 * say so.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- control API answers are checked by assertions. */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import type { RunningEmulator } from "@/emulator/src/server";
import { arm, clientCredentials, control, sleep, startTestEmulator } from "@/emulator/test/helpers";
import { cliScript, type ManualValues } from "@/lib/onboardings/manual/cli";
import {
  azSandboxUnavailable,
  startAzSandbox,
  type AzResult,
  type AzSandbox,
} from "@/test/support/az-cli-sandbox";

const PASSWORD = "Demo-Passw0rd!";
const READER = "50000000-aaaa-bbbb-cccc-100000000002";

let emu: RunningEmulator;
let sandbox: AzSandbox;

beforeAll(async () => {
  const reason = azSandboxUnavailable();
  if (reason) throw new Error(reason);
  emu = await startTestEmulator();
  sandbox = await startAzSandbox(emu);
});

afterAll(async () => {
  await sandbox?.close();
  await emu?.close();
});

async function seedTenant(
  spec: Record<string, unknown> = { preset: "contoso" },
  settings: Record<string, unknown> = {},
): Promise<SeedResult> {
  return control(emu).seed({
    ...spec,
    passwords: { admin: PASSWORD },
    // createBillingRoleAssignment answers 202 every time, as the real service may: the script must wait.
    settings: { lro: { probability: 1, polls: 1, retryAfterSeconds: 1 }, ...settings },
  } as never);
}

function values(seed: SeedResult, extra: Partial<ManualValues> = {}): ManualValues {
  return {
    tenantId: seed.tenantId,
    appDisplayName: "vantage",
    secretDescription: "vantage-secret",
    secretExpiryMonths: 12,
    clientId: null,
    servicePrincipalId: null,
    billingAccountName: null,
    ...extra,
  };
}

async function signIn(seed: SeedResult): Promise<void> {
  await sandbox.az(
    "login",
    "--username",
    seed.users.admin!.userPrincipalName,
    "--password",
    PASSWORD,
    "--tenant",
    seed.tenantId,
    "--allow-no-subscriptions",
    "--output",
    "none",
  );
}

async function runScript(script: string, env: Record<string, string> = {}): Promise<AzResult> {
  const file = path.join(sandbox.dir, `mca-connect-${randomBytes(4).toString("hex")}.sh`);
  fs.writeFileSync(file, script);
  return sandbox.run(["bash", file], { env });
}

function pasted(stdout: string) {
  const field = (label: string) => new RegExp(`^${label}:\\s+(.*)$`, "m").exec(stdout)?.[1]?.trim();
  return {
    tenantId: field("Directory \\(tenant\\) ID"),
    clientId: field("Application \\(client\\) ID"),
    secret: field("Client secret value"),
    billingAccount: field("Billing account ID"),
  };
}

async function state(seed: SeedResult): Promise<any> {
  return control(emu).state(seed.tenantId);
}

/** Billing account reader assignments of service principals (the demo's people may hold it too). */
function readerAssignments(st: any, account: string): any[] {
  const acct = st.billingAccounts.find((a: any) => a.name === account);
  const principals = new Set((st.servicePrincipals ?? []).map((sp: any) => sp.id));
  return (acct?.roleAssignments ?? []).filter(
    (r: any) => r.roleDefinitionId.endsWith(READER) && principals.has(r.principalId),
  );
}

function explain(r: AzResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

describe("the CLI script under the real Azure CLI", () => {
  it("stops before doing anything until az is signed in to the tenant, with the exact az login line", async () => {
    const seed = await seedTenant();
    const r = await runScript(cliScript(values(seed)));
    expect(r.code, explain(r)).not.toBe(0);
    expect(r.stderr).toContain(`  az login --tenant ${seed.tenantId} --allow-no-subscriptions`);
    const st = await state(seed);
    expect(st.applications).toHaveLength(0);
  });

  it("connects a tenant end to end, and reruns create no second app, service principal or assignment", async () => {
    // One item per ARM page: the script must follow nextLink to find the account and the assignment.
    const seed = await seedTenant({ preset: "contoso" }, { armPageSize: 1 });
    const mca = seed.billingAccounts.mca!.name;
    await signIn(seed);
    const script = cliScript(values(seed));

    const first = await runScript(script);
    expect(first.code, explain(first)).toBe(0);
    const out = pasted(first.stdout);
    expect(out.tenantId).toBe(seed.tenantId);
    expect(out.billingAccount).toBe(mca);
    expect(out.secret).toMatch(/^\S{30,}$/);

    let st = await state(seed);
    expect(st.applications).toHaveLength(1);
    const [app] = st.applications;
    expect(app).toMatchObject({
      appId: out.clientId,
      displayName: "vantage",
      signInAudience: "AzureADMyOrg",
    });
    expect(st.servicePrincipals).toHaveLength(1);
    const [sp] = st.servicePrincipals;
    expect(sp.appId).toBe(out.clientId);
    expect(app.passwordCredentials).toHaveLength(1);
    const [cred] = app.passwordCredentials;
    expect(cred.displayName).toBe("vantage-secret");
    const months = (Date.parse(cred.endDateTime) - Date.now()) / (30.44 * 24 * 3600 * 1000);
    expect(months).toBeGreaterThan(11.8);
    expect(months).toBeLessThan(12.2);
    expect(readerAssignments(st, mca)).toEqual([
      expect.objectContaining({ principalId: sp.id, principalTenantId: seed.tenantId }),
    ]);
    expect(st.created).toMatchObject({
      applications: 1,
      servicePrincipals: 1,
      passwordCredentials: 1,
      billingRoleAssignments: 1,
    });

    // The printed secret works: a client-credentials token, then a read of the billing account with it.
    let token: string | undefined;
    for (let i = 0; i < 20 && !token; i++) {
      const t = await clientCredentials(emu, seed.tenantId, out.clientId!, out.secret!);
      if (t.status === 200) token = t.body.access_token;
      else await sleep(500);
    }
    expect(token, "client credentials with the printed secret").toBeDefined();
    let read = 0;
    for (let i = 0; i < 20 && read !== 200; i++) {
      read = (
        await arm(emu, token)(
          "GET",
          `/providers/Microsoft.Billing/billingAccounts/${mca}?api-version=2024-04-01`,
        )
      ).status;
      if (read !== 200) await sleep(500);
    }
    expect(read).toBe(200);

    // The same script again: it will not adopt an app by its name, and says how to reuse it.
    const again = await runScript(script);
    expect(again.code, explain(again)).not.toBe(0);
    expect(again.stderr).toContain(out.clientId);
    expect(again.stderr).toContain("APP_ID=<client ID>");

    // With the client ID given, everything is reused; only a new secret is added (shown once).
    const reuse = await runScript(script, { APP_ID: out.clientId! });
    expect(reuse.code, explain(reuse)).toBe(0);
    expect(reuse.stdout).toContain("already has Billing account reader");
    expect(pasted(reuse.stdout).clientId).toBe(out.clientId);

    // A script with steps 1 and 3 recorded in the portal: pre-filled values, nothing else created.
    const prefilled = cliScript(
      values(seed, { clientId: out.clientId!, servicePrincipalId: sp.id, billingAccountName: mca }),
    );
    const third = await runScript(prefilled);
    expect(third.code, explain(third)).toBe(0);
    expect(pasted(third.stdout)).toMatchObject({ clientId: out.clientId, billingAccount: mca });

    st = await state(seed);
    expect(st.applications).toHaveLength(1);
    expect(st.servicePrincipals).toHaveLength(1);
    expect(st.applications[0].passwordCredentials).toHaveLength(3);
    expect(readerAssignments(st, mca)).toHaveLength(1);
    expect(st.created).toMatchObject({ applications: 1, servicePrincipals: 1, billingRoleAssignments: 1 });
  }, 240_000);

  it.each([
    ["through az ad app create", 'Ops $(touch {m}) `touch {m}` "vantage" \\ x=@y', 'key $(touch {m}) "s"'],
    [
      "through Graph (a quote, a leading @)",
      "@O'Brien's \"vantage\" $(touch {m}) `touch {m}`",
      "@vantage=@x",
    ],
  ])(
    "keeps a hostile app name and secret description as data (%s)",
    async (_how, name, description) => {
      const marker = path.join(sandbox.dir, `injected-${randomBytes(4).toString("hex")}`);
      const appDisplayName = name.replaceAll("{m}", marker);
      const secretDescription = description.replaceAll("{m}", marker);
      const seed = await seedTenant();
      await signIn(seed);
      const r = await runScript(cliScript(values(seed, { appDisplayName, secretDescription })));
      expect(r.code, explain(r)).toBe(0);
      expect(fs.existsSync(marker)).toBe(false);
      const st = await state(seed);
      expect(st.applications).toHaveLength(1);
      expect(st.applications[0].displayName).toBe(appDisplayName);
      expect(st.applications[0].passwordCredentials.map((c: any) => c.displayName)).toEqual([
        secretDescription,
      ]);
      expect(readerAssignments(st, seed.billingAccounts.mca!.name)).toHaveLength(1);
    },
    120_000,
  );

  it("stops before creating anything when there are several MCA billing accounts, listing them", async () => {
    const seed = await seedTenant({
      name: "Fabrikam",
      users: [{ key: "admin", displayName: "Fay Admin", roles: ["Global Administrator"] }],
      billingAccounts: ["Fabrikam East", "Fabrikam West"].map((displayName) => ({
        displayName,
        roleAssignments: [{ user: "admin", role: "owner" }],
        costs: false,
      })),
    });
    await signIn(seed);
    const r = await runScript(cliScript(values(seed)));
    expect(r.code, explain(r)).not.toBe(0);
    expect(r.stderr).toContain("Found 2 active Microsoft Customer Agreement billing accounts");
    for (const account of Object.values(seed.billingAccounts)) expect(r.stderr).toContain(account.name);
    expect((await state(seed)).applications).toHaveLength(0);
  }, 60_000);
});
