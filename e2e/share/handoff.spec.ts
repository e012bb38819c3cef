import type { Page, TestInfo } from "@playwright/test";

import {
  openAccountPicker,
  seedTenant,
  signInThroughEmulator,
  startOnboarding,
  tenantState,
} from "../fixtures/emulator";
import { expect, test } from "../fixtures/test";

test.describe.configure({ timeout: 150_000 });

const delays = {
  appReplicationMs: 800,
  secretActivationMs: 1500,
  billingPrincipalReplicationMs: 800,
  billingRolePropagationMs: 1000,
};

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, {
    body: await page.screenshot({ fullPage: true, path: testInfo.outputPath(`${name}.png`) }),
    contentType: "image/png",
  });
}

function checklist(page: Page) {
  return page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 3 }) });
}

test("Alex is refused at step 4, asks Megan with a link; she signs in with narrower consent and finishes", async ({
  browser,
}, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso", settings: { delays } });
  const alex = tenant.users.appAdmin!;
  const megan = tenant.users.billingOwner!;

  // Alex: Application Administrator and Billing account reader. He consents for himself only, so
  // nothing he grants covers Megan.
  const alexContext = await browser.newContext();
  const alexPage = await alexContext.newPage();
  await alexPage.goto("/");
  await signInThroughEmulator(alexPage, alex.userPrincipalName, "self");
  await startOnboarding(alexPage);
  await alexPage.getByRole("button", { name: "Connect", exact: true }).click();
  const alexSteps = checklist(alexPage);
  await expect(alexSteps.nth(3)).toContainText("Needs attention", { timeout: 45_000 });
  for (const i of [0, 1, 2]) await expect(alexSteps.nth(i)).toContainText("Done");
  await expect(alexSteps.nth(3).getByRole("alert")).toContainText("Billing account owner");

  await alexSteps.nth(3).getByRole("button", { name: "Ask your billing account owner" }).click();
  const linkBox = alexSteps.nth(3).getByRole("textbox", { name: "Share link" });
  await expect(linkBox).toBeVisible();
  const url = await linkBox.inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);
  const message = await alexSteps
    .nth(3)
    .getByRole("textbox", { name: "Message to send with it" })
    .inputValue();
  expect(message).toContain(url);
  expect(message).toContain("Billing account reader");
  await expect(alexSteps.nth(3).getByRole("button", { name: "Copy message" })).toBeVisible();
  await shot(alexPage, testInfo, "1-alex-asks-billing-owner");

  // Megan: billing account owner, may not register apps, may not grant admin-only permissions.
  const meganContext = await browser.newContext();
  const meganPage = await meganContext.newPage();
  const landing = await meganPage.goto(url);
  expect(landing!.url()).not.toContain("/s/");
  expect(meganPage.url()).toMatch(/\/shared\/[^/]+$/);
  await expect(meganPage.getByText(`Shared with you by ${alex.displayName}`)).toBeVisible();
  const signInBox = meganPage.getByRole("region", { name: "Sign in to run the remaining steps" });
  await expect(signInBox).toContainText("Access Azure Resource Manager as you");
  await expect(signInBox).not.toContainText("Read and write all applications");
  // Progress is visible before she signs in, secret material is not.
  await expect(checklist(meganPage).nth(1)).toContainText("(stored encrypted)");
  await expect(checklist(meganPage).getByRole("button", { name: /Run this step|Try again/ })).toHaveCount(0);
  await shot(meganPage, testInfo, "2-megan-opens-link");

  await openAccountPicker(meganPage, "Sign in with Microsoft to continue");
  await meganPage
    .getByRole("button", { name: new RegExp(megan.userPrincipalName.replace(/[.]/g, "\\.")) })
    .click();
  // Incremental consent: she is asked for ARM as herself, never for Graph's admin-only permission.
  await expect(meganPage.getByRole("heading", { name: "Permissions requested" })).toBeVisible();
  await expect(meganPage.getByText("Access Azure Resource Manager as you")).toBeVisible();
  await expect(meganPage.getByText(/Read and write all applications/)).toHaveCount(0);
  await expect(meganPage.getByText("admin consent required")).toHaveCount(0);
  await shot(meganPage, testInfo, "3-megan-consent");
  await meganPage.getByRole("button", { name: "Accept" }).click();
  await expect(meganPage).toHaveURL(/\/shared\/[^/]+$/);
  await expect(meganPage.getByRole("navigation", { name: "Account" })).toContainText(megan.displayName);

  await meganPage.getByRole("button", { name: "Run remaining steps" }).click();
  const meganSteps = checklist(meganPage);
  await expect(meganSteps.nth(4).getByText("Connected", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(meganSteps.nth(3)).toContainText("Done");
  await shot(meganPage, testInfo, "4-megan-connected");

  // Alex's page follows live, without a reload.
  await expect(alexSteps.nth(4).getByText("Connected", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(alexSteps.nth(3)).toContainText("Done");
  const audit = alexPage.getByRole("region", { name: "Changes made in Azure" });
  await expect(
    audit.getByRole("row").filter({ hasText: "Assign Billing account reader" }).first(),
  ).toContainText(megan.displayName);
  await expect(audit.getByRole("row").filter({ hasText: "Create app registration" })).toContainText(
    alex.displayName,
  );
  await alexPage.reload();
  await expect(alexPage.getByRole("list", { name: "Active links" })).toContainText(
    `Opened by ${megan.displayName}`,
  );
  await shot(alexPage, testInfo, "5-alex-sees-connected");

  const state = await tenantState(tenant.tenantId);
  expect(state.applications).toHaveLength(1);
  expect(state.applications[0]!.passwordCredentials).toHaveLength(1);
  expect(state.servicePrincipals).toHaveLength(1);
  const sp = state.servicePrincipals[0]!.id;
  expect(
    state.billingAccounts.flatMap((a) => a.roleAssignments).filter((a) => a.principalId === sp),
  ).toHaveLength(1);

  await alexContext.close();
  await meganContext.close();
});

test("view links watch but cannot act; revoked, tampered and other-tenant access is refused", async ({
  browser,
}, testInfo) => {
  const tenant = await seedTenant({ preset: "contoso", settings: { delays } });
  const other = await seedTenant({ preset: "contoso" });
  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await owner.goto("/");
  await signInThroughEmulator(owner, tenant.users.admin!.userPrincipalName);
  await startOnboarding(owner);
  const onboardingId = owner.url().split("/").pop()!;

  const share = owner.getByRole("region", { name: "Share with a colleague" });
  async function newLink(scope: "view" | "act") {
    await share.getByRole("radio", { name: scope === "act" ? /View and act/ : /Only view/ }).check();
    await share.getByRole("button", { name: "Create share link" }).click();
    const box = share.getByRole("textbox", { name: "Share link" });
    await expect(box).toHaveValue(/\/s\//);
    const value = await box.inputValue();
    await owner.reload();
    return value;
  }
  // Bad input keeps what was typed and says what to do.
  await share.getByLabel(/Valid for/).fill("45");
  await share.getByRole("button", { name: "Create share link" }).click();
  await expect(share.getByText("A link can stay valid for at most 30 days.")).toBeVisible();
  await shot(owner, testInfo, "share-dialog-error");
  await owner.reload();
  const viewUrl = await newLink("view");
  const actUrl = await newLink("act");
  await expect(owner.getByRole("list", { name: "Active links" }).getByRole("listitem")).toHaveCount(2);
  await shot(owner, testInfo, "share-dialog");

  // A viewer sees progress but no buttons, and the server refuses to act for them.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  await viewer.goto(viewUrl);
  await expect(viewer.getByText(/view only/)).toBeVisible();
  await expect(viewer.getByRole("button", { name: /Run|Connect|Try again|Sign in/ })).toHaveCount(0);
  const viewLinkId = viewer.url().split("/").pop()!;
  const advance = await viewer.request.post(`/api/onboardings/${onboardingId}/advance?link=${viewLinkId}`, {
    headers: { origin: new URL(viewer.url()).origin },
  });
  expect(advance.status()).toBe(403);
  expect(((await advance.json()) as { message: string }).message).toMatch(/view progress, not act/);
  await shot(viewer, testInfo, "view-only");
  // The server action itself refuses too: Megan, signed in to the tenant, posts the run-step form
  // with the view link, and nothing happens in Azure.
  await viewer.goto("/");
  await signInThroughEmulator(viewer, tenant.users.billingOwner!.userPrincipalName, "self");
  await viewer.goto(`/shared/${viewLinkId}`);
  await expect(viewer.getByRole("button", { name: /Run|Connect|Try again/ })).toHaveCount(0);
  const viewerPost = { onboardingId, stepId: "billing-account", shareLinkId: viewLinkId };
  expect(await postRunStepForm(owner, viewer, viewerPost)).toBe(200);
  // Posted as a form is before the page hydrates (a native POST, as a quick click sends it): answered
  // (200) and refused by the link, never refused by Next as cross-site. Under "no-referrer" such a post
  // carried `Origin: null` and got a plain 500.
  expect(await postRunStepForm(owner, viewer, viewerPost, { native: true })).toBe(200);
  await owner.reload();
  await expect(checklist(owner).nth(2)).toContainText("Not started");
  // The same crafted post by the owner does run the step: the refusal above was the link's doing.
  await postRunStepForm(owner, owner, { onboardingId, stepId: "billing-account" });
  await owner.reload();
  await expect(checklist(owner).nth(2)).toContainText("Done");

  // An account of another tenant is refused with the tenant it should use.
  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  await stranger.goto(actUrl);
  await signInThroughEmulator(
    stranger,
    other.users.admin!.userPrincipalName,
    "organization",
    "Sign in with Microsoft to continue",
  );
  const wrongTenant = stranger.getByRole("alert").filter({ hasText: "You are signed in to another tenant." });
  await expect(wrongTenant).toContainText(`This onboarding belongs to the tenant ${tenant.tenantId}`);
  await expect(stranger.getByRole("button", { name: "Run remaining steps" })).toHaveCount(0);
  const strangerLinkId = stranger.url().split("/").pop()!;
  const strangerAdvance = await stranger.request.post(
    `/api/onboardings/${onboardingId}/advance?link=${strangerLinkId}`,
    { headers: { origin: new URL(stranger.url()).origin } },
  );
  expect(strangerAdvance.status()).toBe(403);
  await shot(stranger, testInfo, "other-tenant");

  // Tampered: a changed token, and a forged cookie for a real link id.
  const tampered = actUrl.slice(0, -1) + (actUrl.endsWith("A") ? "B" : "A");
  await viewer.goto(tampered);
  await expect(viewer.getByRole("heading", { name: "This link does not work" })).toBeVisible();
  const forgedContext = await browser.newContext();
  await forgedContext.addCookies([
    { name: `mca_share_${viewLinkId}`, value: "forged", url: new URL(viewUrl).origin },
  ]);
  const forged = await forgedContext.newPage();
  await forged.goto(`/shared/${viewLinkId}`);
  await expect(forged.getByRole("heading", { name: "Open the link you were sent" })).toBeVisible();
  await expect(forged.getByText(tenant.tenantId)).toHaveCount(0);

  // Revoked: the owner revokes the view link; the viewer's next look shows why, never the onboarding.
  await owner.getByRole("button", { name: /^Revoke: View only link/ }).click();
  await expect(owner.getByRole("list", { name: "Active links" }).getByRole("listitem")).toHaveCount(1);
  await viewer.goto(`/shared/${viewLinkId}`);
  await expect(viewer.getByRole("heading", { name: "This link was revoked" })).toBeVisible();
  await viewer.goto(viewUrl);
  await expect(viewer.getByRole("heading", { name: "This link was revoked" })).toBeVisible();
  const progress = await viewer.request.get(`/api/onboardings/${onboardingId}/progress?link=${viewLinkId}`);
  expect(progress.status()).toBe(403);
  await shot(viewer, testInfo, "revoked");

  // Share pages send no Referer and are never cached.
  const response = await stranger.request.get(`/shared/${strangerLinkId}`);
  // No Referer to other sites; "same-origin" rather than "no-referrer", which makes a browser send
  // `Origin: null` with a form posted before hydration, and Next refuse the action as cross-site.
  expect(response.headers()["referrer-policy"]).toBe("same-origin");
  expect(response.headers()["cache-control"]).toContain("no-store");

  for (const context of [ownerContext, viewerContext, strangerContext, forgedContext]) await context.close();
});

/**
 * Submits the owner's "run step" form from `caller`'s browser with other fields, as a crafted request
 * would: the form's hidden fields name the server action, so the server runs it for whoever posts.
 */
async function postRunStepForm(
  owner: Page,
  caller: Page,
  fields: Record<string, string>,
  { native = false }: { native?: boolean } = {},
): Promise<number> {
  const entries = await owner.evaluate(() => {
    const form = [...document.querySelectorAll("form")].find((f) => f.querySelector('input[name="stepId"]'));
    return form ? [...new FormData(form).entries()].map(([k, v]) => [k, String(v)] as [string, string]) : [];
  });
  expect(
    entries.some(([key]) => key.startsWith("$ACTION")),
    "the form names its server action",
  ).toBe(true);
  if (native) {
    // A form submitted by the browser itself (a navigation), as before hydration.
    const path = new URL(caller.url()).pathname;
    const answered = caller.waitForResponse(
      (r) => r.request().method() === "POST" && new URL(r.url()).pathname === path,
    );
    await caller.evaluate(
      ({ entries, fields }) => {
        const form = document.createElement("form");
        form.method = "POST";
        form.enctype = "multipart/form-data";
        form.action = location.pathname;
        const values = [...entries.filter(([key]) => !(key in fields)), ...Object.entries(fields)];
        for (const [name, value] of values) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        HTMLFormElement.prototype.submit.call(form);
      },
      { entries, fields },
    );
    const status = (await answered).status();
    await caller.waitForLoadState();
    return status;
  }
  return caller.evaluate(
    async ({ entries, fields }) => {
      const form = new FormData();
      for (const [key, value] of entries) if (!(key in fields)) form.append(key, value);
      for (const [key, value] of Object.entries(fields)) form.append(key, value);
      const res = await fetch(location.pathname, { method: "POST", body: form });
      return res.status;
    },
    { entries, fields },
  );
}
