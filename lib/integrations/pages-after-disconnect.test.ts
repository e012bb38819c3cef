/**
 * After a disconnect the onboarding tells the truth (rendered as the browser gets it, with the portal's
 * real code against the emulator): a banner says it was disconnected and what to do next (start a new
 * onboarding), the step cards no longer claim the app, the secret or the role exist, the list of
 * onboardings says "Disconnected", and its steps cannot run again (a step 1 redo would make a new app).
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

import { connectedOnboarding, inAzure } from "@/test/support/integrations";
import { renderPage } from "@/test/support/render-page";
import { resetScope, scope } from "@/test/support/request-scope";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

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

const portal = portalHarnessForFile();
let lifecycle: typeof import("@/lib/integrations/manage");
let checklist: Page;
let list: Page;

beforeAll(async () => {
  lifecycle = await import("@/lib/integrations/manage");
  checklist = (await import("@/app/(portal)/onboardings/[id]/page")).default as unknown as Page;
  list = (await import("@/app/(portal)/onboardings/page")).default as unknown as Page;
}, 120_000);

function form(fields: Record<string, string>) {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  return data;
}

/** The checklist's step cards (the audit log below them names removed objects, rightly). */
const cards = (html: string) =>
  html.slice(html.indexOf('aria-labelledby="checklist-heading"'), html.indexOf('aria-label="Connection"'));
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("an onboarding after its disconnect", () => {
  it(
    "shows as disconnected, with what to do next, and its steps cannot run again",
    { timeout: 90_000 },
    async () => {
      const w = await connectedOnboarding(portal);
      const o = w.onboarding;
      resetScope();
      scope.user = w.actor;
      const render = async () => ({
        page: await renderPage(await checklist({ params: Promise.resolve({ id: w.onboardingId }) })),
        list: await renderPage(await list({ params: Promise.resolve({}) })),
      });

      // Connected: the cards show what Azure holds.
      const before = await render();
      expect(text(before.page)).toContain("All done.");
      for (const id of [o.applicationObjectId!, o.servicePrincipalId!, o.roleAssignmentId!])
        expect(cards(before.page)).toContain(id);
      expect(before.page).toContain("spent this month so far");
      expect(before.page).not.toContain("This connection was disconnected");
      expect(text(before.list)).toMatch(/5 of 5 steps done Connected/);

      await lifecycle.startDisconnect(w.actor, w.integration.id, "vantage");
      const after = await render();
      const page = text(after.page);
      expect(page).not.toContain("All done.");
      expect(page).toContain("Disconnected.");
      expect(after.page).toContain('role="status"');
      expect(page).toMatch(/This connection was disconnected on \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC/);
      expect(page).toContain("To connect Contoso Ltd again, start a new onboarding");
      expect(after.page).toContain('href="/onboardings"');
      // No card claims the app, its secret or its role still exist.
      for (const id of [o.applicationObjectId!, o.servicePrincipalId!, o.roleAssignmentId!])
        expect(cards(after.page)).not.toContain(id);
      expect(cards(after.page)).toContain("Contoso Ltd");
      expect(after.page).not.toContain("(stored encrypted)");
      expect(after.page).not.toContain("spent this month so far");
      expect(page.match(/Removed from Azure/g)).toHaveLength(3);
      expect(page).toContain("The app registration and its service principal were deleted from Azure");
      expect(page).toContain("The client secret was removed from the app by the disconnect");
      expect(page).toContain("Billing account reader role assignment was removed by the disconnect");
      // Nothing to run by hand either.
      expect(after.page).not.toContain("Do this step by hand");
      expect(after.page).not.toContain(`/onboardings/${w.onboardingId}/manual`);
      // The list of onboardings.
      expect(text(after.list)).toMatch(/its app, secret and role were removed from Azure.*Disconnected/);
      expect(text(after.list)).not.toMatch(/5 of 5 steps done/);

      // A stale tab's "Redo this step" on step 1 is refused: no new app appears in Azure.
      const { runStepAction } = await import("@/lib/actions/onboardings");
      const redo = await runStepAction(
        null,
        form({ onboardingId: w.onboardingId, stepId: "app-registration" }),
      );
      expect(redo).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^This connection was disconnected.*Start a new onboarding/),
      });
      const state = (await w.emu.state(w.tenant.tenantId)) as { applications: unknown[] };
      expect(state.applications).toHaveLength(0);
      expect((await inAzure(w)).application).toBe(false);
    },
  );
});
