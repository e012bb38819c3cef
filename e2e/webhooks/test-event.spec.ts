import http from "node:http";
import type { AddressInfo } from "node:net";

import { verifyWebhook } from "../../lib/webhooks/verify";
import { operatorPage } from "../fixtures/cost-platform";
import { expect, shownOnce, test } from "../fixtures/test";

test.describe.configure({ timeout: 150_000 });

type Received = { headers: http.IncomingHttpHeaders; body: string };

test("the operator adds a webhook endpoint, sends a test event, and the receiver gets it signed", async ({
  browser,
}) => {
  // The cost platform's receiver, on this machine (the demo portal allows http to loopback).
  const received: Received[] = [];
  const receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/mca`;

  try {
    // Webhooks are the portal's operators' (OPERATORS names the demo's Nestor Wilke).
    const page = await operatorPage(browser);

    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description (optional)").fill("Cost platform e2e");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = await page.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    shownOnce("webhook signing secret", secret);

    // Shown once: gone after a reload.
    await page.reload();
    await expect(page.getByRole("textbox", { name: "Signing secret" })).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);
    const endpoint = page.getByRole("listitem", { name: `Endpoint ${url}` });
    await expect(endpoint).toContainText("Cost platform e2e");

    await endpoint.getByRole("button", { name: `Send test event to ${url}` }).click();
    const row = endpoint.getByRole("row").filter({ hasText: "Test event" });
    await expect(row).toContainText("Succeeded", { timeout: 30_000 });
    await expect(row).toContainText("HTTP 204");

    expect(received).toHaveLength(1);
    const event = verifyWebhook<{ id: string; type: string; data: { endpointId: string } }>(
      secret,
      received[0]!.headers,
      received[0]!.body,
    );
    expect(event.type).toBe("webhook.test");
    expect(event.data.endpointId).toMatch(/^whe_/);
    expect(received[0]!.headers["webhook-id"]).toBe(event.id);
    await expect(row).toContainText(event.id);
    expect(received[0]!.body).not.toContain(secret);

    // Rotating shows the new secret once, beside the old one's 24 hours.
    await endpoint.getByRole("button", { name: `Rotate the signing secret of ${url}` }).click();
    await expect(
      endpoint.getByText("New signing secret (the old one also signs for 24 hours)"),
    ).toBeVisible();
    const rotated = await endpoint.getByRole("textbox", { name: "Signing secret" }).inputValue();
    expect(rotated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated).not.toBe(secret);
    shownOnce("webhook signing secret (rotated)", rotated);
    await expect(endpoint).toContainText("previous secret also signs until");

    await page.screenshot({ path: "test-results/webhooks-page.png", fullPage: true });

    // Disabled, then enabled again without adding it anew.
    await endpoint.getByRole("button", { name: `Disable ${url}` }).click();
    await expect(endpoint).toContainText("Nothing is sent to it while it is disabled.");
    await page.screenshot({ path: "test-results/webhooks-disabled.png", fullPage: true });
    await endpoint.getByRole("button", { name: `Enable ${url}` }).click();
    await expect(endpoint.getByRole("button", { name: `Disable ${url}` })).toBeVisible();
    await expect(endpoint).toContainText("enabled again");

    // Delete asks first: Cancel keeps the endpoint, "Yes, delete" removes it.
    await endpoint.getByRole("button", { name: `Delete ${url}` }).click();
    await expect(endpoint.getByText("Delete this endpoint and its delivery history?")).toBeVisible();
    await expect(endpoint.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.screenshot({ path: "test-results/webhooks-delete-confirm.png", fullPage: true });
    await endpoint.getByRole("button", { name: "Cancel" }).click();
    await endpoint.getByRole("button", { name: `Delete ${url}` }).click();
    await endpoint.getByRole("button", { name: "Yes, delete" }).click();
    await expect(endpoint).toHaveCount(0);
    await expect(page.getByText("None yet.")).toBeVisible();
  } finally {
    receiver.close();
  }
});
