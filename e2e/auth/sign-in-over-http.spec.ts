import { emulatorBrowserPort } from "../../playwright.config";
import { openAccountPicker, seedTenant } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

// The emulator serves its sign-in pages over plain HTTP on its browser port, as `npm start` does, so a
// person's browser shows no certificate warning (this project runs with ignoreHTTPSErrors: false).
test("the sign-in pages come over http://localhost, with no certificate exception", async ({ page }) => {
  const tenant = await seedTenant({ preset: "contoso" });
  await page.goto("/");
  await openAccountPicker(page);
  expect(new URL(page.url()).origin).toBe(`http://localhost:${emulatorBrowserPort}`);
  expect(new URL(page.url()).pathname).toMatch(/\/oauth2\/v2\.0\/authorize$/);
  await page
    .getByRole("button", { name: new RegExp(tenant.users.admin!.userPrincipalName.replace(/[.]/g, "\\.")) })
    .click();
  await page.getByRole("heading", { name: "Permissions requested" }).waitFor();
  expect(new URL(page.url()).origin).toBe(`http://localhost:${emulatorBrowserPort}`);
});
