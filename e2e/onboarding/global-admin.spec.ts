import { seedTenant, signInThroughEmulator, startOnboarding, tenantState } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 120_000 });

test("a Global Administrator without a billing role connects alone, and the page says how she sees the account", async ({
  page,
}, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso" });
  const patti = tenant.users.globalAdmin!;
  await page.goto("/");
  await signInThroughEmulator(page, patti.userPrincipalName);
  await startOnboarding(page);
  await page.getByRole("button", { name: "Connect", exact: true }).click();

  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  const verify = steps.nth(4);
  await expect(verify.getByText("Connected", { exact: true })).toBeVisible({ timeout: 60_000 });
  for (let i = 0; i < 5; i++) await expect(steps.nth(i)).toContainText("Done");
  await expect(steps.nth(2)).toContainText(tenant.billingAccounts.mca!.name);
  await expect(steps.nth(2)).toContainText("Global Administrator access (no billing role of your own)");
  await testInfo.attach("global-admin-connected", {
    body: await page.screenshot({ fullPage: true, path: testInfo.outputPath("global-admin.png") }),
    contentType: "image/png",
  });

  // She assigned the app's role without giving herself one.
  const state = await tenantState(tenant.tenantId);
  const assignments = state.billingAccounts.flatMap((a) => a.roleAssignments);
  expect(assignments.filter((a) => a.principalId === state.servicePrincipals[0]!.id)).toHaveLength(1);
  expect(assignments.filter((a) => a.principalId === patti.id)).toEqual([]);
});
