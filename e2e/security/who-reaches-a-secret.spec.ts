/**
 * The story of the issue "Only the right people reach a client secret", walked as the people in it
 * would: Adele connects her billing account; Lee Gu, of the same tenant, who has no billing role and
 * connected nothing, starts an onboarding "By hand" and pastes made-up values, then goes looking for a
 * way to read Adele's secret. He finds no API keys or Webhooks page, the pages answer "not found", the
 * operator's own "Create API key" post replayed with his cookies is refused, and the API gives nothing to
 * a key he does not have.
 */
import type { Page } from "@playwright/test";

import { portalUrl } from "../../playwright.config";
import { connectedDemo } from "../fixtures/connected-demo";
import { api, operatorPage } from "../fixtures/cost-platform";
import { signInThroughEmulator } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 180_000 });

const account = (page: Page) => page.getByRole("navigation", { name: "Account" });

test("a colleague who pastes made-up values gets no API key and no secret", async ({ page, browser }) => {
  const { tenant, integrationId } = await connectedDemo(page);

  // Lee, in his own browser: an onboarding by hand with invented values.
  const lee = await (await browser.newContext({ baseURL: portalUrl })).newPage();
  await lee.goto("/");
  await signInThroughEmulator(lee, tenant.users.noBilling!.userPrincipalName);
  await lee.getByRole("radio", { name: /By hand/ }).check();
  await lee.getByRole("button", { name: "Start a new onboarding" }).click();
  await expect(lee.getByRole("heading", { name: "Connect by hand", level: 1 })).toBeVisible();
  const form = lee.getByRole("form", { name: "Paste the four values back" });
  await form.getByLabel("Application (client) ID").fill(crypto.randomUUID());
  await form.getByLabel("Client secret value").fill("Mm42Q~madeupmadeupmadeupmadeupmadeup0123");
  await form
    .getByLabel("Billing account ID")
    .fill(`${crypto.randomUUID()}:${crypto.randomUUID()}_2019-05-31`);
  await form.getByRole("button", { name: "Save and verify" }).click();
  // Saved; Azure is asked, and will never know the app (the page goes on saying so on its own).
  await expect(form.getByRole("status")).toContainText("Saved", { timeout: 20_000 });
  await lee.screenshot({ path: "test-results/made-up-paste.png", fullPage: true });

  // Nothing in his header leads to keys or webhooks, and the pages are not there for him.
  await lee.goto("/onboardings");
  await expect(account(lee).getByRole("link", { name: "Integrations" })).toBeVisible();
  await expect(account(lee).getByRole("link", { name: "API keys" })).toHaveCount(0);
  await expect(account(lee).getByRole("link", { name: "Webhooks" })).toHaveCount(0);
  for (const path of ["/settings/api-keys", "/settings/webhooks"]) {
    // (A streamed page answers 200 and then renders Next's not-found: what the person sees is this.)
    await lee.goto(path);
    await expect(lee.getByText("This page could not be found.")).toBeVisible();
    await expect(lee.getByRole("heading", { name: /API keys|Webhooks/ })).toHaveCount(0);
  }
  await lee.screenshot({ path: "test-results/api-keys-not-found.png", fullPage: true });
  // His integrations page lists nothing of Adele's, and no table of every tenant's.
  await lee.goto("/integrations");
  await expect(lee.getByText(integrationId)).toHaveCount(0);
  await expect(lee.getByRole("heading", { name: "Every tenant's integrations" })).toHaveCount(0);

  // The operator's real "Create API key" post, caught before it leaves her browser...
  const operator = await operatorPage(browser);
  await account(operator).getByRole("link", { name: "API keys" }).click();
  await operator.getByLabel("Key name").fill("Crafted by Lee");
  await operator.getByLabel("Integrations and their client secrets").check();
  let call: { headers: Record<string, string>; body: Buffer } | undefined;
  const keysUrl = operator.url();
  await operator.route(keysUrl, async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !request.headers()["next-action"]) return route.continue();
    call = { headers: await request.allHeaders(), body: request.postDataBuffer()! };
    await route.abort();
  });
  await operator.getByRole("button", { name: "Create API key" }).click();
  await expect.poll(() => call).toBeTruthy();
  await operator.unroute(keysUrl);
  const headers = Object.fromEntries(
    Object.entries(call!.headers).filter(([name]) => !/^(host|cookie|content-length)$/i.test(name)),
  );

  // ...replayed by Lee, with his session, from the portal's own origin: refused, no key made.
  const replayed = await lee.request.post(keysUrl, { headers, data: call!.body });
  const answer = await replayed.text();
  expect(answer).toContain("Only the portal's operators may make API keys.");
  expect(answer).not.toMatch(/mcak_[A-Za-z0-9_-]{43}/);
  await operator.reload();
  await expect(operator.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(operator.getByText("Crafted by Lee")).toHaveCount(0);

  // The API answers a key nobody made as unknown, and never with Adele's secret.
  const guessed = await api(`/integrations/${integrationId}?include=secret`, `mcak_${"L".repeat(43)}`);
  expect(guessed.status).toBe(401);
  expect(((await guessed.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");

  await lee.context().close();
  await operator.context().close();
});
