import { portalPort, portalUrl } from "../../playwright.config";
import { expect, test } from "../fixtures/test";

const pages = ["/", "/sign-in", "/link-unavailable?reason=revoked", "/shared/not-a-link", "/sign-in/error"];

test("every page sends a nonce-based script policy and the other security headers", async ({ request }) => {
  const nonces = new Set<string>();
  for (const path of pages) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    const headers = response.headers();
    const csp = headers["content-security-policy"] ?? "";
    const scriptSrc = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    expect(scriptSrc, path).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc, path).toContain("'strict-dynamic'");
    expect(scriptSrc, path).not.toContain("unsafe-inline");
    expect(csp, path).toContain("frame-ancestors 'none'");
    expect(csp, path).toContain("object-src 'none'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["x-frame-options"], path).toBe("DENY");
    expect(headers["referrer-policy"], path).toMatch(
      /no-referrer|same-origin|strict-origin-when-cross-origin/,
    );
    const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
    nonces.add(nonce);
    // Next's own scripts carry the nonce; nothing inline runs without it.
    const html = await response.text();
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)];
    for (const [, attributes] of inline) expect(attributes, path).toContain(`nonce="${nonce}"`);
  }
  expect(nonces.size, "a fresh nonce per response").toBe(pages.length);
});

test("an inline script injected into a page does not run", async ({ page }) => {
  const blocked: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/.test(message.text()))
      blocked.push(message.text());
  });
  // As a stored injection would: markup in the server's HTML, served with the server's own headers.
  await page.route("**/", async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(
      "</body>",
      "<script>window.__injected = true</script></body>",
    );
    await route.fulfill({ response, body: html });
  });
  await page.goto("/");
  expect(
    await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected),
  ).toBeUndefined();
  expect(blocked.length).toBeGreaterThan(0);
  // The page itself still works: its own scripts ran (React hydrated the sign-in button).
  await expect(page.getByRole("button", { name: "Sign in with Microsoft" })).toBeEnabled();
});

test("the portal answers on one origin: 127.0.0.1 is redirected to the configured host", async ({
  request,
}) => {
  const response = await request.get(`http://127.0.0.1:${portalPort}/sign-in?callbackUrl=%2Fonboardings`, {
    maxRedirects: 0,
  });
  expect(response.status()).toBe(308);
  expect(response.headers()["location"]).toBe(`${portalUrl}/sign-in?callbackUrl=%2Fonboardings`);
});
