import { portalUrl } from "../../playwright.config";
import { seedTenant, signInThroughEmulator } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

// Browsers read `/\host` and `/<tab>/host` as `//host`: a callback URL spelled so must never take a
// signed-in person off the portal.
test("a signed-in person is never sent to another site by the sign-in page's callbackUrl", async ({
  page,
}) => {
  const tenant = await seedTenant({ preset: "contoso" });
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.admin!.userPrincipalName);
  for (const callback of ["/%5Cevil.example", "/%09/evil.example", "//evil.example", "/%5C%2Fevil.example"]) {
    await page.goto(`/sign-in?callbackUrl=${callback}`);
    await expect(page).toHaveURL(`${portalUrl}/onboardings`);
  }
  await page.goto(`/sign-in?callbackUrl=${encodeURIComponent("/onboardings?x=1")}`);
  await expect(page).toHaveURL(`${portalUrl}/onboardings?x=1`);
});
