import { seedTenant, signInThroughEmulator, startOnboarding } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test("an admin without a billing role learns why step 3 stops and who can finish it", async ({
  page,
}, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso" });
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.noBilling!.userPrincipalName);
  await startOnboarding(page);
  await page.getByRole("button", { name: "Connect", exact: true }).click();

  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  const step3 = steps.nth(2);
  await expect(step3).toContainText("Needs attention", { timeout: 30_000 });
  await expect(step3.getByRole("alert")).toContainText("You can see no billing accounts");
  await expect(step3.getByRole("alert")).toContainText("Billing account owner");
  // Steps 1 and 2 do not depend on it and finish; step 4 waits for step 3 instead of failing.
  await expect(steps.nth(1)).toContainText("Done", { timeout: 30_000 });
  await expect(steps.nth(3)).toContainText("Queued");
  await expect(steps.nth(3)).toContainText("Starts when step 3 is done.");
  // Nothing can move until someone acts, so the page stops polling and says nothing is running.
  await expect(page.getByRole("status")).not.toContainText("Working");
  await testInfo.attach("needs-attention", {
    body: await page.screenshot({ fullPage: true, path: testInfo.outputPath("needs-attention.png") }),
    contentType: "image/png",
  });
});
