import { portalUrl } from "../../playwright.config";
import { seedTenant, signInThroughEmulator, startOnboarding } from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

// Server actions are POST endpoints that carry the session cookie: Next refuses one whose Origin is
// not the portal's host, so another site cannot make a signed-in person's browser run a step.
test("a server action posted from another origin is refused; the same post from the portal runs", async ({
  page,
}) => {
  const tenant = await seedTenant({ preset: "contoso" });
  await page.goto("/");
  await signInThroughEmulator(page, tenant.users.admin!.userPrincipalName);
  await startOnboarding(page);
  const steps = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
  await expect(steps.nth(0)).toContainText("Not started");

  // Clicking Connect makes the browser call the server action; the call is caught before it leaves.
  const url = page.url();
  let call: { headers: Record<string, string>; body: Buffer } | undefined;
  await page.route(url, async (route) => {
    const request = route.request();
    if (request.method() !== "POST" || !request.headers()["next-action"]) return route.continue();
    call = { headers: await request.allHeaders(), body: request.postDataBuffer()! };
    await route.abort();
  });
  await page.getByRole("button", { name: "Connect", exact: true }).click();
  await expect.poll(() => call).toBeTruthy();
  await page.unroute(url);
  const headers = Object.fromEntries(
    Object.entries(call!.headers).filter(
      ([name]) => !/^(host|origin|cookie|content-length|referer)$/i.test(name),
    ),
  );
  expect(headers["next-action"]).toMatch(/^[0-9a-f]{40,}$/);

  // The same call from another site, with the person's cookies: refused, and nothing ran.
  const crossSite = await page.request.post(url, {
    headers: { ...headers, origin: "https://evil.example" },
    data: call!.body,
  });
  expect(crossSite.status()).toBeGreaterThanOrEqual(400);
  await page.reload();
  await expect(steps.nth(0)).toContainText("Not started");

  // From the portal's own origin the very same call runs: the refusal was the origin's doing.
  const sameSite = await page.request.post(url, {
    headers: { ...headers, origin: new URL(portalUrl).origin },
    data: call!.body,
  });
  expect(sameSite.status()).toBe(200);
  await page.reload();
  await expect(steps.nth(0)).not.toContainText("Not started");
});
