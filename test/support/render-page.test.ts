/**
 * The page renderer of the Vitest page tests leaves client components out by their "use client"
 * directive, not by a list of names: every client component of ours is found, no server one is.
 */
import { describe, expect, it, vi } from "vitest";

import { clientComponentsOf, hasUseClientDirective, renderPage } from "@/test/support/render-page";

vi.mock("next/headers", async () => (await import("@/test/support/request-scope")).nextHeaders);
vi.mock("next/cache", async () => (await import("@/test/support/request-scope")).nextCache);

describe("the page renderer", () => {
  it("reads the directive only as a module's first statement", () => {
    expect(hasUseClientDirective('"use client";\n\nimport x from "y";')).toBe(true);
    expect(hasUseClientDirective("// A form.\n/* more */\n'use client'\nexport {}")).toBe(true);
    expect(hasUseClientDirective('import x from "y";\n"use client";')).toBe(false);
    expect(hasUseClientDirective('const s = "use client";')).toBe(false);
    expect(hasUseClientDirective('"use server";')).toBe(false);
  });

  it("knows the client components of ours and none of the server ones", async () => {
    const client = await clientComponentsOf();
    const of = async (p: string) => (await import(/* @vite-ignore */ p)) as Record<string, unknown>;
    for (const [file, name] of [
      ["@/components/integrations/rotate-secret-dialog", "RotateSecretDialog"],
      ["@/components/integrations/disconnect-dialog", "DisconnectDialog"],
      ["@/components/integrations/check-now-form", "CheckNowForm"],
      ["@/components/auth/sign-out-button", "SignOutButton"],
      ["@/components/onboardings/live-progress", "LiveProgress"],
      ["@/components/steps/step-action-form", "StepActionForm"],
    ])
      expect(client.has((await of(file!))[name!]), name).toBe(true);
    for (const [file, name] of [
      ["@/components/integrations/disconnect-panel", "DisconnectPanel"],
      ["@/components/integrations/rotate-secret-panel", "RotateSecretPanel"],
      ["@/components/steps/step-card", "StepCard"],
      ["@/components/integrations/disconnected-banner", "DisconnectedBanner"],
    ])
      expect(client.has((await of(file!))[name!]), name).toBe(false);
  });

  it("calls server components, leaves client ones out and keeps links", async () => {
    const { createElement } = await import("react");
    const Link = (await import("next/link")).default;
    const { CheckNowForm } = await import("@/components/integrations/check-now-form");
    async function Server({ name }: { name: string }) {
      return createElement(
        "p",
        null,
        `Hello ${name} `,
        createElement(Link, { href: "/x" }, "more"),
        createElement(CheckNowForm, { integrationId: "i" } as never),
      );
    }
    expect(await renderPage(createElement(Server, { name: "Kim" }))).toBe(
      '<p>Hello Kim <a href="/x">more</a></p>',
    );
  });
});
