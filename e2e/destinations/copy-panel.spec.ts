/**
 * The copy panel, for people who paste: on the Connected card the owner sees Vantage's four values,
 * and the password only after a fresh sign-in. Signed in through single sign-on with an old Entra
 * session (aged in the emulator), "Reveal password" asks to sign in again; Entra is asked for a new
 * authentication (prompt=login, max_age=0), and back on the page the password is revealed. The four
 * values, copied, sign in as the app; the share page carries no panel and no password.
 */
import { emulatorUrl } from "../../playwright.config";
import { connectedDemo } from "../fixtures/connected-demo";
import { expect, shownOnce, test } from "../fixtures/test";

test.describe.configure({ timeout: 180_000 });

const labels = [
  "Azure AD Tenant ID",
  "Service Principal App ID",
  "Service Principal Password",
  "Billing Account Id",
] as const;

test("the owner copies the four values, the password after a fresh sign-in, and they sign in as the app", async ({
  page,
  context,
}, testInfo) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const demo = await connectedDemo(page);
  const upn = demo.tenant.users.admin!.userPrincipalName;

  // Entra's session is 15 minutes old; signing in again by single sign-on carries that auth_time.
  const aged = await fetch(`${emulatorUrl}/_emulator/tenants/${demo.tenant.tenantId}/users/${upn}/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ olderBySeconds: 900 }),
  });
  expect(aged.status).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign in with Microsoft" }).first().waitFor();
  await page.getByRole("button", { name: "Sign in with Microsoft" }).first().click();
  await page.getByRole("button", { name: new RegExp(upn.replace(/[.]/g, "\\.")) }).click();
  await page.goto(demo.onboardingUrl);

  const panel = page.getByRole("region", { name: "Copy into Vantage's console" });
  await expect(panel).toBeVisible();
  const terms = panel.locator("dt");
  await expect(terms).toHaveText([...labels]);
  await panel.getByRole("button", { name: "Reveal password" }).click();
  await expect(panel.getByRole("alert")).toContainText("To reveal the password, sign in again");
  await panel.getByRole("button", { name: "Sign in again" }).click();

  // Entra asks again (the picker, not single sign-on), and the person comes back to the panel.
  await expect(page.getByRole("heading", { name: "Pick an account" })).toBeVisible();
  await page.getByRole("button", { name: new RegExp(upn.replace(/[.]/g, "\\.")) }).click();
  await expect(page).toHaveURL(new RegExp(`/onboardings/${demo.onboardingId}`));
  const answer = page.waitForResponse(
    (r) => r.request().method() === "POST" && r.url().includes(demo.onboardingId),
  );
  await panel.getByRole("button", { name: "Reveal password" }).click();
  const revealed = await answer;
  expect(revealed.headers()["cache-control"] ?? "").toMatch(/no-store/);
  await expect(panel.getByRole("button", { name: "Copy Service Principal Password" })).toBeVisible();
  await page.screenshot({ fullPage: true, path: testInfo.outputPath("copy-panel.png") });

  const values: Record<string, string> = {};
  for (const label of labels) {
    await panel.getByRole("button", { name: `Copy ${label}` }).click();
    values[label] = await page.evaluate(() => navigator.clipboard.readText());
  }
  shownOnce("revealed client secret", values["Service Principal Password"]!);
  expect(values["Azure AD Tenant ID"]).toBe(demo.tenant.tenantId);
  expect(values["Billing Account Id"]).toBe(demo.billingAccount);

  const signIn = await fetch(`${emulatorUrl}/${values["Azure AD Tenant ID"]}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: values["Service Principal App ID"]!,
      client_secret: values["Service Principal Password"]!,
      scope: "https://management.azure.com/.default",
    }),
  });
  expect(signIn.status).toBe(200);

  // The reveal is in the audit receipt.
  await page.goto(`${demo.onboardingUrl}/receipt`);
  await expect(page.getByRole("cell", { name: "Secret revealed", exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(values["Service Principal Password"]);
});
