import { connectedDemo } from "../fixtures/connected-demo";
import { emulatorClock } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 150_000 });

test("from Connected the owner opens Integrations, sees it active with this month's cost, checks it, and sees the expiry banner once Azure says the secret expired", async ({
  page,
}) => {
  const { billingAccount } = await connectedDemo(page);

  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: billingAccount });
  await expect(row).toContainText("Active");
  await expect(row.getByRole("cell").nth(5)).toHaveText(/\$[\d,]+\.\d{2}as of /);
  await expect(row).toContainText(/36[45] days left/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
  await page.screenshot({ path: "test-results/screens/integrations-list.png", fullPage: true });

  await row.getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Contoso Ltd", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Check now" }).click();
  await expect(
    page.getByText("Working: the app signed in, read the billing account and its costs."),
  ).toBeVisible();

  // A year and a bit later, as Azure sees it: the secret has expired, and Entra refuses it.
  await emulatorClock({ advanceMs: 400 * 86_400_000 });
  try {
    await page.getByRole("button", { name: "Check now" }).click();
    await expect(page.getByText(/^Failing: The client secret has expired/)).toBeVisible();
    const banner = page.getByRole("main").getByRole("alert");
    await expect(banner).toContainText("The client secret for Contoso Ltd has expired");
    await expect(banner).toContainText("Rotate the secret");
    await expect(page.getByRole("region", { name: "Health" })).toContainText("Secret expired");
    await expect(page.getByRole("region", { name: "Recent events" })).toContainText("Verification failing");
    await page.screenshot({ path: "test-results/screens/integration-failing.png", fullPage: true });
    await page.getByRole("link", { name: "All integrations" }).click();
    await expect(page.getByRole("row").filter({ hasText: billingAccount })).toContainText("Failing");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("has expired");
  } finally {
    await emulatorClock({ reset: true });
  }
});
