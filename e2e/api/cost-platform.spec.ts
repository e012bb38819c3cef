import { readFile } from "node:fs/promises";

import { expect, test } from "../fixtures/test";

import { emulatorUrl, portalUrl } from "../../playwright.config";
import { seedTenant, signInThroughEmulator, startOnboarding } from "../fixtures/emulator";

test.describe.configure({ timeout: 150_000 });

type Integration = {
  id: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  billingAccountId: string;
};

function api(path: string, key: string) {
  return fetch(`${portalUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
}

test("after Connected the owner makes an API key, and the cost platform reads costs with what the API hands over", async ({
  page,
}) => {
  const tenant = await seedTenant({
    preset: "contoso",
    settings: {
      delays: {
        appReplicationMs: 500,
        secretActivationMs: 1500,
        billingPrincipalReplicationMs: 500,
        billingRolePropagationMs: 500,
      },
    },
  });
  const account = tenant.billingAccounts.mca!.name;
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.admin!.userPrincipalName);
  await startOnboarding(page);
  const onboardingUrl = page.url();
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  await expect(steps.nth(4).getByText("Connected", { exact: true })).toBeVisible({ timeout: 90_000 });

  // The owner makes a key that may read secrets; it is shown once.
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await page.getByLabel("Key name").fill("Cost platform e2e");
  await page.getByLabel("Integrations and their client secrets").check();
  await page.getByRole("button", { name: "Create API key" }).click();
  const key = await page.getByRole("textbox", { name: "New API key" }).inputValue();
  expect(key).toMatch(/^mcak_[A-Za-z0-9_-]{43}$/);
  await page.reload();
  await expect(page.getByRole("textbox", { name: "New API key" })).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);
  await expect(page.getByRole("listitem").filter({ hasText: "Cost platform e2e" })).toContainText(
    key.slice(0, 9),
  );

  // The cost platform: list, then read the one integration with its secret.
  const list = await api("/integrations", key);
  expect(list.status).toBe(200);
  const { data } = (await list.json()) as { data: Integration[] };
  const listed = data.find((i) => i.billingAccountId === account);
  expect(listed).toBeDefined();
  expect(listed).not.toHaveProperty("clientSecret");
  const one = await api(`/integrations/${listed!.id}?include=secret`, key);
  expect(one.status).toBe(200);
  const integration = (await one.json()) as Integration;
  expect(integration.tenantId).toBe(tenant.tenantId);
  expect(integration.clientSecret).toBeTruthy();

  // ...and uses it as a cost platform would: client credentials, then a Cost Management query.
  const tokenResponse = await fetch(`${emulatorUrl}/${integration.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: integration.clientId,
      client_secret: integration.clientSecret!,
      scope: "https://management.azure.com/.default",
    }),
  });
  expect(tokenResponse.status).toBe(200);
  const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
  const query = await fetch(
    `${emulatorUrl}/arm/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(integration.billingAccountId)}/providers/Microsoft.CostManagement/query?api-version=2025-03-01`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        type: "ActualCost",
        timeframe: "MonthToDate",
        dataset: { granularity: "None", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
      }),
    },
  );
  expect(query.status).toBe(200);
  const costs = (await query.json()) as { properties: { rows: unknown[][] } };
  expect(costs.properties.rows.length).toBeGreaterThan(0);

  // Revoked in the portal, the key stops working at once.
  await page.getByRole("button", { name: "Revoke key Cost platform e2e" }).click();
  await page.screenshot({ path: "test-results/api-keys-revoke-confirm.png", fullPage: true });
  await page.getByRole("button", { name: "Yes, revoke" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Cost platform e2e" })).toContainText("Revoked");
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
