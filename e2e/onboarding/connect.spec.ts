import AxeBuilder from "@axe-core/playwright";

import { seedTenant, signInThroughEmulator, startOnboarding, tenantState } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 120_000 });

test("a new admin signs in, clicks Connect and sees Connected with this month's cost", async ({
  page,
}, testInfo) => {
  // Slow enough propagation that the steps visibly wait for Azure, and a reload lands mid-run.
  const tenant = await seedTenant({
    preset: "contoso",
    settings: {
      delays: {
        appReplicationMs: 1500,
        secretActivationMs: 9000,
        billingPrincipalReplicationMs: 1500,
        billingRolePropagationMs: 2000,
      },
    },
  });
  const admin = tenant.users.admin!;
  const shot = async (name: string) => {
    await testInfo.attach(name, {
      body: await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) }),
      contentType: "image/png",
    });
  };

  await page.goto("/");
  await signInThroughEmulator(page, admin.userPrincipalName);
  // A first onboarding: the five steps, with our drawings of the Azure screens, and one Connect.
  await expect(page.getByRole("heading", { name: "Connect your billing account", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Account" })).toContainText(admin.displayName);
  await expect(page.getByRole("region", { name: "The five steps" }).getByRole("listitem")).toHaveCount(5);
  await expect(page.getByRole("img", { name: /The Add a client secret pane/ })).toBeAttached();
  await shot("1-before-connect");
  const firstAxe = await new AxeBuilder({ page }).analyze();
  expect(firstAxe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);

  // Connect is the only click after sign-in: it creates the onboarding and runs it.
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/onboardings\/[^/]+$/);
  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  await expect(steps).toHaveCount(5);

  // The secret takes a while to become valid: step 5 waits for Azure.
  const verify = steps.nth(4);
  await expect(verify).toContainText("Waiting for Azure", { timeout: 30_000 });
  await expect(steps.nth(0)).toContainText("Done");
  await shot("2-waiting-for-azure");

  // A reload in the middle resumes where it was.
  await page.reload();
  await expect(verify).toContainText(/Waiting for Azure|Running|Queued/);

  await expect(verify.getByText("Connected", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(verify).toContainText(/\$[\d,]+\.\d{2} spent this month so far/);
  for (let i = 0; i < 5; i++) await expect(steps.nth(i)).toContainText("Done");
  await expect(steps.nth(0)).toContainText(tenant.tenantId);
  await expect(steps.nth(2)).toContainText(tenant.billingAccounts.mca!.name);
  await expect(steps.nth(1)).toContainText("(stored encrypted)");
  await expect(page.getByRole("region", { name: "Changes made in Azure" })).toContainText(
    "Assign Billing account reader",
  );
  await shot("3-connected");
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);

  // Exactly one of each in Azure, despite the reload.
  const state = await tenantState(tenant.tenantId);
  expect(state.applications).toHaveLength(1);
  expect(state.applications[0]!.passwordCredentials).toHaveLength(1);
  expect(state.servicePrincipals).toHaveLength(1);
  const sp = state.servicePrincipals[0]!.id;
  const assignments = state.billingAccounts
    .flatMap((a) => a.roleAssignments)
    .filter((a) => a.principalId === sp);
  expect(assignments).toHaveLength(1);
  expect(assignments[0]!.roleDefinitionId).toMatch(/100000000002$/);

  // The secret's value never reaches the browser.
  const html = await page.content();
  expect(html).not.toMatch(/secretText|client_secret/);
});

test("the onboarding list shows progress and survives signing out and in", async ({ page }) => {
  const tenant = await seedTenant({ preset: "contoso" });
  const admin = tenant.users.admin!;
  await page.goto("/");
  await signInThroughEmulator(page, admin.userPrincipalName);
  // Starting without running stays possible beside the one-click Connect.
  await page
    .getByRole("region", { name: "Other ways to start" })
    .getByLabel("App registration name")
    .fill("vantage-e2e");
  await startOnboarding(page);
  const url = page.url();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toBeVisible();
  await page.goto(url);
  await expect(page).toHaveURL(/\/sign-in/);
  await signInThroughEmulator(page, admin.userPrincipalName);
  await page.goto("/onboardings");
  await expect(page.getByRole("link", { name: "App “vantage-e2e”" })).toBeVisible();
});

test("after Connect the browser may close: the portal carries on to Connected by itself", async ({
  browser,
}) => {
  const tenant = await seedTenant({
    preset: "contoso",
    settings: {
      delays: {
        appReplicationMs: 800,
        secretActivationMs: 4000,
        billingPrincipalReplicationMs: 800,
        billingRolePropagationMs: 1000,
      },
    },
  });
  const admin = tenant.users.admin!;
  const first = await browser.newContext();
  const page = await first.newPage();
  await page.goto("/");
  await signInThroughEmulator(page, admin.userPrincipalName);
  await startOnboarding(page);
  const id = page.url().split("/").pop()!;
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page.getByRole("button", { name: "Connecting…" })).toBeVisible();
  await first.close();

  // Someone signs in later elsewhere and only reads progress (a GET, which never advances anything).
  const later = await browser.newContext();
  const reader = await later.newPage();
  await reader.goto("/");
  await signInThroughEmulator(reader, admin.userPrincipalName);
  await expect
    .poll(
      async () =>
        ((await (await reader.request.get(`/api/onboardings/${id}/progress`)).json()) as { status: string })
          .status,
      {
        timeout: 60_000,
        intervals: [1000],
      },
    )
    .toBe("completed");
  const state = await tenantState(tenant.tenantId);
  expect(state.applications).toHaveLength(1);
  expect(state.applications[0]!.passwordCredentials).toHaveLength(1);
  await later.close();
});
