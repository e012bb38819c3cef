import { openAccountPicker, seedTenant } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

// next-auth leaves the code exchange (and with it the checks) to the portal: a callback whose state
// differs from the one this browser's sign-in started with must fail. (Playwright cannot rewrite the
// redirect to the callback itself, so the state is altered on its way out, in the authorize request.)
test("a sign-in whose state was tampered with is refused", async ({ page }) => {
  const tenant = await seedTenant({ preset: "contoso" });
  await page.route("**/oauth2/v2.0/authorize?**", async (route) => {
    const url = new URL(route.request().url());
    if (url.searchParams.has("state")) {
      url.searchParams.set("state", `${url.searchParams.get("state")}x`);
      await route.continue({ url: url.toString() });
    } else {
      await route.continue();
    }
  });
  await page.goto("/");
  await openAccountPicker(page);
  await page
    .getByRole("button", { name: new RegExp(tenant.users.admin!.userPrincipalName.replace(/[.]/g, "\\.")) })
    .click();
  await page.getByRole("checkbox", { name: /Consent on behalf of your organization/ }).check();
  await page.getByRole("button", { name: "Accept" }).click();
  await expect(page.getByRole("alert").filter({ has: page.getByRole("heading") })).toContainText(
    "Sign-in did not complete",
  );
  await page.goto("/onboardings");
  await expect(page).toHaveURL(/\/sign-in/);
});
