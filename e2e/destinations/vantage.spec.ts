import fs from "node:fs";
import path from "node:path";

import { emulatorUrl, portalDataDir, vantageControlUrl } from "../../playwright.config";
import { seedTenant, signInThroughEmulator } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 120_000 });

type VantageState = {
  integrations: {
    token: string;
    accountId: string;
    provider: string;
    tenant: string;
    app_id: string;
    password: string;
    status: string;
    deleted_at: string | null;
  }[];
};

async function vantage<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${vantageControlUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`Vantage emulator ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

test("a Vantage customer signs in, chooses Vantage, clicks Connect, and the page ends on Vantage: imported", async ({
  page,
}, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso" });
  // A Vantage account of this test's own, with a write token, as a customer makes one in Vantage's console.
  const account = await vantage<{ accountId: string; tokens: { token: string }[] }>("/accounts", {
    name: "Contoso on Vantage",
    tokens: [{ scope: "write" }],
    workspaces: [{ name: "Contoso Production" }],
  });
  const token = account.tokens[0]!.token;
  // Typed once into the form, and never served back, not even in the answer to that form: so it is not
  // one of the leak scan's shown-once secrets (each must stand in one answer); checked below instead.

  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.admin!.userPrincipalName);
  await expect(page.getByRole("heading", { name: "Connect your billing account", level: 1 })).toBeVisible();
  await page.getByRole("checkbox", { name: /^Vantage/ }).check();
  await page.getByLabel("Vantage API token (for Vantage only)").fill(token);
  await page.screenshot({ fullPage: true, path: testInfo.outputPath("before-connect.png") });
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect(page).toHaveURL(/\/onboardings\/[^/]+$/);

  const verify = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("heading", { level: 3, name: "Add app registration credentials" }) });
  await expect(verify.getByText("Connected", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(verify.getByRole("heading", { name: "Add the credentials to Vantage" })).toBeVisible();
  await expect(verify.getByText("Vantage: imported")).toBeVisible({ timeout: 60_000 });
  await expect(verify).toContainText("API and webhooks: ready");
  await testInfo.attach("vantage-imported", {
    body: await page.screenshot({ fullPage: true, path: testInfo.outputPath("vantage-imported.png") }),
    contentType: "image/png",
  });
  // Never shown again: not even its first characters are on the page beyond the hint.
  expect(await page.content()).not.toContain(token);

  // Vantage holds exactly one Azure integration, for this tenant, whose password signs in as the app.
  const state = await vantage<VantageState>("/state");
  const held = state.integrations.filter((i) => i.accountId === account.accountId && i.deleted_at === null);
  expect(held).toHaveLength(1);
  expect(held[0]).toMatchObject({ provider: "azure", tenant: tenant.tenantId, status: "imported" });
  const signIn = await fetch(`${emulatorUrl}/${tenant.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: held[0]!.app_id,
      client_secret: held[0]!.password,
      scope: "https://management.azure.com/.default",
    }),
  });
  expect(signIn.status).toBe(200);

  // The integrations page shows Vantage's status beside Azure's.
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByText("Vantage: imported")).toBeVisible();
  await page.screenshot({ fullPage: true, path: testInfo.outputPath("integrations.png") });

  // Settings > Vantage: the token's first characters only, and the workspaces GET /me listed.
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Vantage" }).click();
  await expect(page.getByRole("heading", { name: "Vantage", level: 1 })).toBeVisible();
  await expect(page.getByRole("checkbox", { name: "Contoso Production" })).toBeChecked();
  await expect(page.getByText("(stored encrypted)")).toBeVisible();
  expect(await page.content()).not.toContain(token);
  await page.screenshot({ fullPage: true, path: testInfo.outputPath("settings-vantage.png") });

  // Nor in the portal's log.
  const log = fs.readFileSync(path.resolve(__dirname, "../..", portalDataDir, "portal.log"), "utf8");
  expect(log.length).toBeGreaterThan(0);
  expect(log).not.toContain(token);
  expect(log).not.toContain(held[0]!.password);
});
