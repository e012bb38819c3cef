/**
 * What the owner sees and does on the integrations pages, with the portal's real code against the
 * emulator: "Check now" re-verifies (and is rate-limited), a failing integration says why and what to
 * do, from 30 days before the secret's expiry the pages carry the banner saying to rotate it, and
 * once disconnected the page says the secret is gone (not "pasted by hand", no days left).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { call, control } from "@/emulator/test/helpers";
import { startDriver, type Driver } from "@/test/support/onboarding-driver";
import { renderPage } from "@/test/support/render-page";
import { resetScope, scope } from "@/test/support/request-scope";

vi.mock("@/lib/auth", async (importOriginal) => {
  const { scope, nextNavigation } = await import("@/test/support/request-scope");
  return {
    ...(await importOriginal<typeof import("@/lib/auth")>()),
    getCurrentUser: async () => scope.user,
    requireUser: async (returnTo = "/onboardings") =>
      scope.user ?? nextNavigation.redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`),
  };
});

type Page = (props: { params: Promise<Record<string, string>> }) => Promise<unknown>;

let d: Driver;

beforeAll(async () => {
  d = await startDriver();
}, 120_000);

afterAll(async () => {
  vi.useRealTimers();
  await d?.close();
});

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

/** The HTML a browser first gets of a page's tree (client components render later, in the browser). */
const html = renderPage;

describe("the integrations pages", () => {
  it("Check now re-verifies for the owner, at most three times in five minutes", async () => {
    const tenant = await d.seed();
    const admin = await d.signInAs(tenant, "admin");
    const onboardingId = await d.start(admin);
    await d.connect(admin, onboardingId);
    const integration = await d.m.db.db.integration.findUniqueOrThrow({ where: { onboardingId } });
    const { checkIntegrationAction } = await import("@/lib/actions/integrations");
    resetScope();
    scope.user = admin;
    for (let n = 0; n < 3; n++) {
      const result = await checkIntegrationAction(null, form({ integrationId: integration.id }));
      expect(result).toEqual({
        ok: true,
        data: undefined,
        message: "Working: the app signed in, read the billing account and its costs.",
      });
    }
    expect(scope.revalidated).toContain(`/integrations/${integration.id}`);
    const fourth = await checkIntegrationAction(null, form({ integrationId: integration.id }));
    expect(fourth).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^You checked this integration a few times just now.*Try again in 5 minutes\.$/,
      ),
    });

    // The role removed: the page says failing, why, and what to do.
    const o = await d.m.db.db.onboarding.findUniqueOrThrow({ where: { id: onboardingId } });
    const token = await control(d.emu).token({
      tenantId: tenant.tenantId,
      resource: "arm",
      user: tenant.users.admin!.userPrincipalName,
    });
    await call(`${d.emu.baseUrl}/arm${o.roleAssignmentId}?api-version=2020-05-01`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    await (await import("@/lib/integrations/health")).checkIntegration(integration.id, { force: true });
    const detail = (await import("@/app/(portal)/integrations/[id]/page")).default as unknown as Page;
    const page = await html(await detail({ params: Promise.resolve({ id: integration.id }) }));
    expect(page).toContain("Failing");
    expect(page).toContain("Role removed");
    expect(page).toContain("Its Billing account reader role was removed.");
    expect(page).toContain(
      "What to do: Ask a billing account owner to assign Billing account reader to the app again",
    );
    expect(page).toContain("Verification failing");
    expect(page).toContain(`/onboardings/${onboardingId}/receipt`);
  });

  it("shows the expiry banner with the days left and 'rotate' from 30 days before the expiry", async () => {
    const tenant = await d.seed();
    const admin = await d.signInAs(tenant, "admin");
    const onboardingId = await d.start(admin);
    await d.connect(admin, onboardingId);
    const integration = await d.m.db.db.integration.findUniqueOrThrow({ where: { onboardingId } });
    const list = (await import("@/app/(portal)/integrations/page")).default as unknown as Page;
    const detail = (await import("@/app/(portal)/integrations/[id]/page")).default as unknown as Page;
    resetScope();
    scope.user = admin;
    const render = async () => [
      await html(await list({ params: Promise.resolve({}) })),
      await html(await detail({ params: Promise.resolve({ id: integration.id }) })),
    ];
    for (const page of await render()) {
      expect(page).not.toContain('role="alert"');
      expect(page).toContain("365 days left");
    }
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(integration.secretExpiresAt!.getTime() - 5 * 86_400_000 + 60_000);
      for (const page of await render()) {
        expect(page).toContain('role="alert"');
        expect(page).toMatch(/The client secret for Contoso Ltd expires in 5 days, on \d+ \w+ \d{4}\./);
        expect(page).toContain("Rotate the secret before then");
      }
      vi.setSystemTime(integration.secretExpiresAt!.getTime() + 60_000);
      const [after] = await render();
      expect(after).toContain("The client secret for Contoso Ltd expired on");
    } finally {
      vi.useRealTimers();
    }
  });

  it("once disconnected, says the client secret is gone instead of counting its days", async () => {
    const tenant = await d.seed();
    const admin = await d.signInAs(tenant, "admin");
    const onboardingId = await d.start(admin);
    await d.connect(admin, onboardingId);
    const integration = await d.m.db.db.integration.findUniqueOrThrow({ where: { onboardingId } });
    const detail = (await import("@/app/(portal)/integrations/[id]/page")).default as unknown as Page;
    resetScope();
    scope.user = admin;
    const before = await html(await detail({ params: Promise.resolve({ id: integration.id }) }));
    expect(before).toContain(`(Secret ID ${integration.secretKeyId})`);
    expect(before).toContain("365 days left");

    await (await import("@/lib/integrations/manage")).startDisconnect(admin, integration.id, "vantage");
    const after = await html(await detail({ params: Promise.resolve({ id: integration.id }) }));
    expect(after).toContain("Disconnected");
    expect(after).toContain("none (removed from Azure by the disconnect)");
    expect(after).not.toContain("pasted by hand");
    expect(after).not.toContain("days left");
    expect(after).toContain("not checked (not connected)");
  });
});
