import { connectedDemo } from "../fixtures/connected-demo";
import { createApiKey, operatorPage, readCosts, readIntegration } from "../fixtures/cost-platform";
import { emulatorClock, tenantState } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 240_000 });

test("from Connected: rotate the secret with overlap, the cost platform reads costs with the new one, then disconnect", async ({
  page,
  browser,
}) => {
  const { tenant, onboardingUrl, integrationId } = await connectedDemo(page);

  // The operator's key reaches the owner's tenant.
  const operator = await operatorPage(browser);
  const key = await createApiKey(operator, "Cost platform rotation e2e", { tenantIds: [tenant.tenantId] });
  await operator.context().close();
  const before = await readIntegration(key, integrationId);
  const oldSecret = before.clientSecret!;

  // Rotate, with the operator's grace period (15 seconds in this run: playwright.config.ts).
  await page.goto(onboardingUrl);
  const connection = page.getByRole("region", { name: "Connection" });
  await connection.getByRole("button", { name: "Rotate secret" }).click();
  const dialog = page.getByRole("dialog", { name: "Rotate the client secret" });
  await expect(dialog.getByLabel("Grace period (old secret keeps working)")).toHaveValue("15");
  await page.screenshot({ path: "test-results/rotate-dialog.png" });
  await dialog.getByRole("button", { name: "Rotate now" }).click();
  const timeline = connection.getByRole("list", { name: "Rotation timeline" });
  await expect(timeline).toContainText(
    /Handed to the cost platform \(API and webhook\): \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d UTC/,
    {
      timeout: 60_000,
    },
  );
  await expect(connection.getByRole("status").first()).toContainText("Both secrets work until");
  await page.screenshot({ path: "test-results/rotate-grace.png", fullPage: true });

  // During the grace period the API serves the new secret, and both read costs.
  const during = await readIntegration(key, before.id);
  expect(during.clientSecret).toBeTruthy();
  expect(during.clientSecret).not.toBe(oldSecret);
  expect(during.secretKeyId).not.toBe(before.secretKeyId);
  expect(await readCosts(during, during.clientSecret!)).toBeGreaterThan(0);
  expect(await readCosts(during, oldSecret)).toBeGreaterThan(0);

  // After it, the background runner removes the old secret with nobody on the page.
  await expect(async () => {
    await page.reload();
    await expect(timeline).toContainText(
      /Old secret removed: \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d UTC/,
      { timeout: 1_000 },
    );
  }).toPass({ timeout: 150_000, intervals: [5_000] });
  console.log(`Rotation timeline (e2e, grace 15 seconds):\n${await timeline.innerText()}`);
  const app = (await tenantState(tenant.tenantId)).applications.find((a) => a.appId === during.clientId)!;
  expect(app.passwordCredentials.map((c) => c.keyId)).toEqual([during.secretKeyId]);
  expect(await readCosts(during, oldSecret)).toBe("invalid_client");

  // Two months later (the emulator's clock moved forward: every earlier token long expired) the cost
  // platform still signs in with the new secret and its query answers (a new month may have no rows).
  await emulatorClock({ advanceMs: 60 * 86_400_000 });
  try {
    expect(typeof (await readCosts(during, during.clientSecret!))).toBe("number");
    expect(await readCosts(during, oldSecret)).toBe("invalid_client");
  } finally {
    await emulatorClock({ reset: true });
  }

  // Disconnect: the typed confirmation, then Azure holds none of the objects.
  const servicePrincipal = (await tenantState(tenant.tenantId)).servicePrincipals.find(
    (s) => s.appId === during.clientId,
  )!;
  expect(servicePrincipal).toBeTruthy();
  await connection.getByRole("button", { name: "Disconnect…" }).click();
  const confirm = page.getByRole("dialog", { name: "Disconnect this billing account?" });
  const field = confirm.getByRole("textbox", { name: /to confirm$/ });
  const appName = "vantage"; // the app registration's name (the onboarding's default)
  await expect(confirm.getByText(`Type ${appName} to confirm`)).toBeVisible();
  await field.fill(`${appName}x`);
  await expect(confirm.getByRole("button", { name: "Disconnect", exact: true })).toBeDisabled();
  await field.fill(appName);
  await page.screenshot({ path: "test-results/disconnect-dialog.png" });
  await confirm.getByRole("button", { name: "Disconnect", exact: true }).click();
  await expect(connection.getByRole("heading", { name: "Disconnected" })).toBeVisible({ timeout: 30_000 });
  // The checklist says so too, with what to do next; step 1's card no longer claims the app exists.
  await expect(page.getByRole("heading", { name: /^This connection was disconnected on / })).toBeVisible();
  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  await expect(steps.nth(0).getByText("Removed from Azure")).toBeVisible();
  await page.screenshot({ path: "test-results/disconnected.png", fullPage: true });

  const state = await tenantState(tenant.tenantId);
  expect(state.applications.filter((a) => a.appId === during.clientId)).toEqual([]);
  expect(state.servicePrincipals.filter((s) => s.appId === during.clientId)).toEqual([]);
  expect(
    state.billingAccounts
      .flatMap((a) => a.roleAssignments)
      .filter((r) => r.principalId === servicePrincipal.id),
  ).toEqual([]);
  const after = await readIntegration(key, before.id);
  expect(after.status).toBe("disconnected");
  expect(after).not.toHaveProperty("clientSecret");
  expect(typeof (await readCosts(during, during.clientSecret!))).toBe("string"); // Entra's error code
});
