import AxeBuilder from "@axe-core/playwright";

import { expect, test } from "../fixtures/test";

test("the home page says what the portal does and offers sign-in", async ({ page }, testInfo) => {
  await page.goto("/");

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Connect your Azure billing account");
  await expect(page.getByText(/links a Microsoft Customer Agreement \(MCA\) billing account/)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toBeVisible();

  const steps = page.getByRole("region", { name: "What it does for you" }).getByRole("listitem");
  await expect(steps).toHaveCount(5);
  await expect(steps.first()).toContainText("Create a new application registration");
  await expect(steps.nth(3)).toContainText("Assign the billing account reader role");

  // Demo mode says plainly that Azure is simulated.
  await expect(page.getByRole("region", { name: "Simulated Azure" })).toContainText("Azure emulator");

  const screenshot = await page.screenshot({ fullPage: true, path: testInfo.outputPath("home.png") });
  await testInfo.attach("home", { body: screenshot, contentType: "image/png" });

  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
});

test("security headers are set", async ({ request }) => {
  const response = await request.get("/");
  const headers = response.headers();
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-powered-by"]).toBeUndefined();
});
