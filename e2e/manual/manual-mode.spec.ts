import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page, TestInfo } from "@playwright/test";

import { assignReaderByHand, registerAppByHand } from "../fixtures/azure-by-hand";
import { seedTenant, signInThroughEmulator, startOnboarding, tenantState } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 180_000 });

async function shot(page: Page, testInfo: TestInfo, name: string, part?: Locator) {
  const path = testInfo.outputPath(`${name}.png`);
  const body = part ? await part.screenshot({ path }) : await page.screenshot({ fullPage: true, path });
  await testInfo.attach(name, { body, contentType: "image/png" });
}

test("a person connects by hand: instructions with their values, paste-back mistakes explained, then Connected", async ({
  page,
  context,
}, testInfo) => {
  const customDomain = `fabrikam-${Date.now().toString(36)}.example.com`;
  const tenant = await seedTenant({ preset: "contoso", customDomains: [customDomain] });
  const admin = tenant.users.admin!;
  const account = tenant.billingAccounts.mca!.name;

  await page.goto("/");
  await signInThroughEmulator(page, admin.userPrincipalName);
  await page.getByRole("radio", { name: /By hand/ }).check();
  const hydrated = page.waitForResponse((r) =>
    /\/api\/onboardings\/[^/]+\/progress$/.test(new URL(r.url()).pathname),
  );
  await page.getByRole("button", { name: "Start a new onboarding" }).click();
  await expect(page.getByRole("heading", { name: "Connect by hand", level: 1 })).toBeVisible();
  await hydrated;

  // The instructions carry every value already known, each with a copy button that works.
  const known = page.getByRole("region", { name: "Values for this onboarding" });
  await expect(known).toContainText(tenant.tenantId);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await known.getByRole("button", { name: "Copy Directory (tenant) ID" }).click();
  await expect(known.getByText("Copied").first()).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(tenant.tenantId);

  const step1 = page.getByRole("region", { name: "Create a new application registration" });
  await expect(step1).toContainText("App registrations");
  await expect(step1.getByRole("img", { name: /Register an application form with vantage/ })).toBeVisible();
  await expect(step1.getByRole("button", { name: "Copy app name" })).toBeVisible();
  const step2 = page.getByRole("region", { name: "Generate a client secret" });
  await expect(step2).toContainText("Do not copy the Secret ID");
  await expect(
    page
      .getByRole("region", { name: "Or use the Azure CLI" })
      .getByRole("button", { name: "Copy the whole script" }),
  ).toBeVisible();
  await step2.getByText("With the Azure CLI instead").click();
  await expect(step2.getByRole("button", { name: "Copy the lines of step 2" })).toBeVisible();
  await shot(page, testInfo, "1-manual-instructions");

  // The person does steps 1, 2 and 4 in Azure themselves.
  const app = await registerAppByHand(tenant, "admin");
  await assignReaderByHand(tenant, "admin", account, app.servicePrincipalId);

  const form = page.getByRole("form", { name: "Paste the four values back" });
  const tenantField = form.getByLabel("Directory (tenant) ID");
  const clientField = form.getByLabel("Application (client) ID");
  const secretField = form.getByLabel("Client secret value");
  const billingField = form.getByLabel("Billing account ID");
  await expect(tenantField).toHaveValue(tenant.tenantId);
  const save = form.getByRole("button", { name: "Save and verify" });

  // Four values of the wrong kind: each named, nothing typed is lost.
  await tenantField.fill("Contoso");
  await clientField.fill("vantage");
  await secretField.fill(app.secretId);
  await billingField.fill("BKM6-54VH-BG7-PGB");
  await save.click();
  await expect(form.getByRole("status")).toHaveText("Please correct the highlighted fields.");
  await expect(form).toContainText("A tenant's name cannot be looked up");
  await expect(form).toContainText("That looks like the app's name");
  await expect(form).toContainText("That is the Secret ID, not the secret's Value");
  await expect(form).toContainText("That looks like a billing profile or invoice section ID");
  await expect(secretField).toHaveValue(app.secretId);
  await expect(tenantField).toHaveValue("Contoso");
  await expect(secretField).toHaveAttribute("aria-invalid", "true");
  await shot(page, testInfo, "2-paste-back-wrong-kinds", form);

  // Messy but right values (a domain, quotes, a full resource path) are cleaned, with a word about it;
  // the secret pasted is another app's, so Azure refuses it and the page says to redo step 2.
  await tenantField.fill(` ${customDomain}\n`);
  await clientField.fill(`“${app.appId}”`);
  await secretField.fill("Qq11Q~notthissecretnotthissecretnotthis0");
  await billingField.fill(
    `/providers/Microsoft.Billing/billingAccounts/${account}/billingProfiles/BKM6-54VH-BG7-PGB`,
  );
  await save.click();
  await expect(form.getByRole("status")).toContainText("Saved", { timeout: 20_000 });
  await expect(tenantField).toHaveValue(tenant.tenantId);
  await expect(clientField).toHaveValue(app.appId);
  await expect(billingField).toHaveValue(account);
  await expect(form).toContainText(`We looked up ${customDomain}: its tenant ID is ${tenant.tenantId}.`);
  await expect(form).toContainText("We removed quotes from what you pasted.");
  const step5 = page.getByRole("region", { name: "Add app registration credentials" });
  await expect(step5).toContainText("Microsoft Entra does not accept the secret yet", { timeout: 20_000 });
  await shot(page, testInfo, "3-paste-back-checking", step5);
  const refused = step5.getByRole("alert");
  await expect(refused).toContainText("Microsoft Entra refused the client secret", { timeout: 60_000 });
  await expect(refused).toContainText("most likely the Secret ID");
  await expect(refused.getByRole("link", { name: "Go to step 2: Generate a client secret" })).toBeVisible();
  await shot(page, testInfo, "4-paste-back-secret-refused", step5);

  // The right secret: connected, with this month's cost read as the app.
  await secretField.fill(app.secretValue);
  await save.click();
  await expect(step5.getByText("Connected", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(step5).toContainText(/\$[\d,]+\.\d{2} spent this month so far/);
  await expect(secretField).toHaveValue("");
  await shot(page, testInfo, "5-connected", step5);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(
    axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
  ).toEqual([]);
  expect(await page.content()).not.toContain(app.secretValue);

  // The checklist shows steps 1-4 done by hand; each step links to its part of the instructions.
  await page.getByRole("link", { name: "Back to the checklist" }).click();
  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  for (let i = 0; i < 4; i++) await expect(steps.nth(i)).toContainText("Done by hand in the Azure portal.");
  await expect(steps.nth(4)).toContainText("Connected");
  expect(await page.content()).not.toContain(app.secretValue);
  await shot(page, testInfo, "7-checklist-done-by-hand");
  await steps.nth(3).getByRole("link", { name: "Do this step by hand" }).click();
  await expect(page).toHaveURL(/\/manual#step-role-assignment$/);
  await expect(
    page.getByRole("region", { name: "Assign the billing account reader role to the service principal" }),
  ).toBeInViewport();
});

test("a tenant other than the onboarding's is refused, by ID and by domain", async ({ page }, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso" });
  const other = await seedTenant({ preset: "contoso" });
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.admin!.userPrincipalName);
  await page.getByRole("radio", { name: /By hand/ }).check();
  await page.getByRole("button", { name: "Start a new onboarding" }).click();
  const form = page.getByRole("form", { name: "Paste the four values back" });
  await form.getByLabel("Directory (tenant) ID").fill(other.tenantId);
  await form.getByLabel("Application (client) ID").fill("1a2b3c4d-1111-2222-3333-444455556666");
  await form.getByLabel("Client secret value").fill("Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.");
  await form.getByLabel("Billing account ID").fill(tenant.billingAccounts.mca!.name);
  await form.getByRole("button", { name: "Save and verify" }).click();
  await expect(form).toContainText(`This onboarding belongs to the tenant ${tenant.tenantId}`);
  await expect(form.getByLabel("Client secret value")).toHaveValue(
    "Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.",
  );
  await shot(page, testInfo, "6-paste-back-other-tenant", form);
  await form.getByLabel("Directory (tenant) ID").fill("no-such-tenant.example.com");
  await form.getByRole("button", { name: "Save and verify" }).click();
  await expect(form).toContainText("No Microsoft Entra tenant uses the domain no-such-tenant.example.com");
});

test("mixed: steps 1-3 run here, the billing account owner does step 4 in Azure, then 'check again' moves on", async ({
  page,
}, testInfo) => {
  const tenant = await seedTenant({
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
      },
    ],
  });
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.dev!.userPrincipalName);
  await startOnboarding(page);
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  const step4 = steps.nth(3);
  await expect(step4.getByRole("alert")).toContainText("Billing account owner", { timeout: 30_000 });

  const state = await tenantState(tenant.tenantId);
  const sp = state.servicePrincipals[0]!.id;
  await assignReaderByHand(tenant, "owner", tenant.billingAccounts.mca!.name, sp);

  await shot(page, testInfo, "8-mixed-step4-by-hand", step4);
  await step4.getByRole("button", { name: "I have done it: check again" }).click();
  await expect(step4).toContainText("Done", { timeout: 30_000 });
  await expect(steps.nth(4).getByText("Connected", { exact: true })).toBeVisible({ timeout: 60_000 });
  await shot(page, testInfo, "9-mixed-checked-again");
  await expect(page.getByRole("region", { name: "Changes made in Azure" })).toContainText(
    "Found Billing account reader assigned by hand",
  );
  const after = await tenantState(tenant.tenantId);
  expect(
    after.billingAccounts.flatMap((a) => a.roleAssignments).filter((a) => a.principalId === sp),
  ).toHaveLength(1);
});
