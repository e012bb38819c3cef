import { readFile } from "node:fs/promises";

import { connectedDemo } from "../fixtures/connected-demo";
import { api, createApiKey, operatorPage, readCosts, type Integration } from "../fixtures/cost-platform";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 150_000 });

test("after Connected the operator makes an API key for that integration, and the cost platform reads costs with what the API hands over", async ({
  page,
  browser,
}) => {
  const { tenant, billingAccount: account, onboardingUrl, integrationId } = await connectedDemo(page);
  // The owner connected a billing account: that makes her no operator, so no API keys for her.
  await expect(
    page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "API keys" }),
  ).toHaveCount(0);

  // The portal's operator, in her own browser, makes a key reaching this integration; shown once.
  const operator = await operatorPage(browser);
  // Named for this run: the operator's key list outlives a run when the portal's data folder is kept.
  const keyName = `Cost platform e2e ${Date.now().toString(36)}`;
  const key = await createApiKey(operator, keyName, { integrationIds: [integrationId] });
  expect(key).toMatch(/^mcak_[A-Za-z0-9_-]{43}$/);
  await operator.reload();
  await expect(operator.getByRole("textbox", { name: "New API key" })).toHaveCount(0);
  await expect(operator.getByText(key)).toHaveCount(0);
  const listedKey = operator.getByRole("listitem").filter({ hasText: keyName });
  await expect(listedKey).toContainText(key.slice(0, 9));
  await expect(listedKey).toContainText(integrationId);

  // The cost platform: list, then read the one integration with its secret.
  const list = await api("/integrations", key);
  expect(list.status).toBe(200);
  const { data } = (await list.json()) as { data: Integration[] };
  const listed = data.find((i) => i.billingAccountId === account);
  expect(listed?.id, "the integration the Connected card linked to").toBe(integrationId);
  expect(listed).not.toHaveProperty("clientSecret");
  const one = await api(`/integrations/${listed!.id}?include=secret`, key);
  expect(one.status).toBe(200);
  const integration = (await one.json()) as Integration;
  expect(integration.tenantId).toBe(tenant.tenantId);
  expect(integration.clientSecret).toBeTruthy();

  // ...and uses it as a cost platform would: client credentials, then a Cost Management query.
  expect(await readCosts(integration, integration.clientSecret!)).toBeGreaterThan(0);

  // Revoked in the portal, the key stops working at once.
  await operator.getByRole("button", { name: `Revoke key ${keyName}` }).click();
  await operator.screenshot({ path: "test-results/api-keys-revoke-confirm.png", fullPage: true });
  await operator.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(listedKey).toContainText("Revoked");
  await operator.context().close();
  const refused = await api("/integrations", key);
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("revoked_api_key");

  // The audit receipt shows what was made in Azure, and the CSV downloads.
  await page.goto(onboardingUrl);
  await page.getByRole("link", { name: "Audit receipt" }).click();
  await expect(page.getByRole("heading", { name: "Audit receipt" })).toBeVisible();
  const changes = page.getByRole("region", { name: "Objects created and removed" });
  for (const action of [
    "Create app registration",
    "Create service principal",
    "Add client secret",
    "Assign Billing account reader",
  ])
    await expect(changes.getByRole("row").filter({ hasText: action }).first()).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^mca-connect-receipt-.+\.csv$/);
  const csv = await readFile((await download.path())!, "utf8");
  expect(csv.split("\r\n")[0]).toBe("at,change,action,object,actor,outcome,azureRequestId");
  expect(csv).toContain(",created,Create app registration,");
  expect(csv).toContain(",created,Assign Billing account reader,");
  expect(csv).not.toContain(integration.clientSecret!);
});
