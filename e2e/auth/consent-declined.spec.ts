import { seedTenant, signInThroughEmulator } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test("declining consent explains what happened and what to do", async ({ page }, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso" });
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.admin!.userPrincipalName, "decline");
  // (Next's route announcer is an empty alert too: pick ours by its content.)
  const alert = page.getByRole("alert").filter({ has: page.getByRole("heading") });
  await expect(alert).toContainText("You declined the permissions");
  await expect(alert).toContainText("AADSTS65004");
  await expect(page.getByRole("button", { name: "Sign in again" })).toBeVisible();
  await testInfo.attach("consent-declined", {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
});
