/**
 * Share links through the portal's real code and database: the token exchange, the link-bound cookie,
 * who may act, and the engine's own check. The browser paths are in e2e/share; here the cases a browser
 * cannot reach in reasonable time (an expired link) and the matrix of refusals.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import { control, signIn } from "@/emulator/test/helpers";
import type { Harness } from "@/test/support/portal-harness";
import { portalHarnessForFile } from "@/test/support/use-portal-harness";

const jar = new Map<string, string>();
let currentUser: unknown = null;

vi.mock("next/headers", () => ({
  cookies: async () => ({
    get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
  }),
}));
vi.mock("@/lib/auth", () => ({ getCurrentUser: async () => currentUser }));

type Actor = Awaited<ReturnType<Harness["signIn"]>>;

const portal = portalHarnessForFile();
let access: typeof import("@/lib/share-links/access");
let links: typeof import("@/lib/data/share-links");
let onboardings: typeof import("@/lib/data/onboardings");
let engine: typeof import("@/lib/onboardings/engine");
let broker: typeof import("@/lib/azure/token-broker");
let db: typeof import("@/lib/db");

beforeAll(async () => {
  access = await import("@/lib/share-links/access");
  links = await import("@/lib/data/share-links");
  onboardings = await import("@/lib/data/onboardings");
  engine = await import("@/lib/onboardings/engine");
  broker = await import("@/lib/azure/token-broker");
  db = await import("@/lib/db");
}, 120_000);

async function world() {
  const tenant: SeedResult = await control(portal.current.emu).seed({ preset: "contoso" });
  const other: SeedResult = await control(portal.current.emu).seed({ preset: "contoso" });
  const owner = await portal.current.signIn(tenant.users.appAdmin!.userPrincipalName);
  const megan = await portal.current.signIn(tenant.users.billingOwner!.userPrincipalName);
  const stranger = await portal.current.signIn(other.users.admin!.userPrincipalName);
  const { id } = await onboardings.createOnboarding(owner, {
    appDisplayName: "vantage",
    secretExpiryMonths: 12,
  });
  return { owner, megan, stranger, id };
}

async function makeLink(owner: Actor, onboardingId: string, scope: "view" | "act", expiresInMs = 86_400_000) {
  const { token, tokenHash } = access.newShareToken();
  const link = await links.createShareLink(owner, {
    onboardingId,
    tokenHash,
    scope,
    expiresAt: new Date(Date.now() + expiresInMs),
  });
  return { token, id: link.id };
}

/** Opens the link as a browser would: the exchange's cookie goes into the jar. */
async function open(token: string) {
  const result = await access.exchangeShareToken(token);
  if (result.ok) jar.set(result.cookie.name, result.cookie.value);
  return result;
}

describe("share links", () => {
  it("keeps only the token's hash, and exchanges a live token for a cookie bound to its link", async () => {
    const { owner, id } = await world();
    const link = await makeLink(owner, id, "view");
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await db.db.shareLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(JSON.stringify(row)).not.toContain(link.token);
    const opened = await open(link.token);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.link.id).toBe(link.id);
    expect(opened.cookie.name).toBe(`mca_share_${link.id}`);
    expect(opened.cookie.value).not.toContain(link.token);
    expect(opened.cookie.expires.getTime()).toBe(row.expiresAt.getTime());
  });

  it("refuses unknown, malformed, revoked and expired tokens, saying which", async () => {
    const { owner, id } = await world();
    expect(await access.exchangeShareToken("x".repeat(43))).toMatchObject({ ok: false, problem: "unknown" });
    expect(await access.exchangeShareToken("short")).toMatchObject({ ok: false, problem: "unknown" });
    expect(await access.exchangeShareToken("../../etc")).toMatchObject({ ok: false, problem: "unknown" });
    const revoked = await makeLink(owner, id, "act");
    await links.revokeShareLink(owner, revoked.id);
    expect(await access.exchangeShareToken(revoked.token)).toMatchObject({ ok: false, problem: "revoked" });
    const expired = await makeLink(owner, id, "act", -1000);
    expect(await access.exchangeShareToken(expired.token)).toMatchObject({ ok: false, problem: "expired" });
  });

  it("grants view or act from the cookie alone, and only in the onboarding's tenant", async () => {
    const { owner, megan, stranger, id } = await world();
    const view = await makeLink(owner, id, "view");
    const act = await makeLink(owner, id, "act");

    currentUser = megan;
    expect(await access.resolveShareAccess(act.id)).toMatchObject({ ok: false, problem: "no-cookie" });
    jar.set(`mca_share_${act.id}`, "forged");
    expect(await access.resolveShareAccess(act.id)).toMatchObject({ ok: false, problem: "no-cookie" });
    await open(view.token);
    await open(act.token);
    // A view link's cookie does not open the act link.
    jar.set(`mca_share_${act.id}`, jar.get(`mca_share_${view.id}`)!);
    expect(await access.resolveShareAccess(act.id)).toMatchObject({ ok: false, problem: "no-cookie" });
    await open(act.token);

    expect(await access.resolveShareAccess(view.id)).toMatchObject({
      ok: true,
      role: "view",
      actBlockedBy: null,
    });
    expect(await access.resolveShareAccess(act.id)).toMatchObject({
      ok: true,
      role: "act",
      actBlockedBy: null,
    });
    await expect(access.requireShareActor(view.id, id)).rejects.toThrow("view progress, not act");
    await expect(access.requireShareActor(act.id, "another-onboarding")).rejects.toThrow(
      "does not let you act",
    );
    expect((await access.requireShareActor(act.id, id)).id).toBe(megan.id);

    currentUser = null;
    expect(await access.resolveShareAccess(act.id)).toMatchObject({
      ok: true,
      role: "view",
      actBlockedBy: "sign-in",
    });
    currentUser = stranger;
    expect(await access.resolveShareAccess(act.id)).toMatchObject({
      ok: true,
      role: "view",
      actBlockedBy: "other-tenant",
    });
    await expect(access.requireShareActor(act.id, id)).rejects.toThrow(owner.tenantId);

    await links.revokeShareLink(owner, act.id);
    currentUser = megan;
    expect(await access.resolveShareAccess(act.id)).toMatchObject({ ok: false, problem: "revoked" });
    expect(await onboardings.getSharedOnboarding(act.id)).toBeNull();
    currentUser = null;
  });

  it("lets the engine run steps for a colleague only through a live act link", async () => {
    const { owner, megan, stranger, id } = await world();
    const act = await makeLink(owner, id, "act");
    const view = await makeLink(owner, id, "view");
    const expired = await makeLink(owner, id, "act", -1000);

    await expect(engine.queueSteps(megan, id, "billing-account")).rejects.toThrow(/not found/);
    await expect(engine.queueSteps(megan, id, "billing-account", { shareLinkId: view.id })).rejects.toThrow(
      /not found/,
    );
    await expect(
      engine.queueSteps(megan, id, "billing-account", { shareLinkId: expired.id }),
    ).rejects.toThrow(/not found/);
    await expect(engine.queueSteps(stranger, id, "billing-account", { shareLinkId: act.id })).rejects.toThrow(
      /not found/,
    );

    await engine.queueSteps(megan, id, "billing-account", { shareLinkId: act.id });
    await engine.advance(megan, id, { shareLinkId: act.id });
    const step = await db.db.onboardingStep.findUniqueOrThrow({
      where: { onboardingId_stepId: { onboardingId: id, stepId: "billing-account" } },
    });
    expect(step.status).toBe("done");
    expect(step.actorId).toBe(megan.id);
    const audit = await db.db.auditEvent.findMany({ where: { onboardingId: id } });
    expect(audit.every((e) => e.actorId === megan.id)).toBe(true);
  });

  it("shows an onboarding's audit to its owner and through a live link only", async () => {
    const { owner, megan, id } = await world();
    const audit = await import("@/lib/data/audit");
    await audit.recordAudit(id, owner, { action: "Create app registration", outcome: "success" });
    expect(await audit.listAudit(owner, id)).toHaveLength(1);
    expect(await audit.listAudit(megan, id)).toEqual([]);
    const link = await makeLink(owner, id, "view");
    expect(await audit.listAudit({ shareLinkId: link.id }, id)).toHaveLength(1);
    await links.revokeShareLink(owner, link.id);
    expect(await audit.listAudit({ shareLinkId: link.id }, id)).toEqual([]);
  });

  it("records who opened a link, once per person", async () => {
    const { owner, megan, id } = await world();
    const link = await makeLink(owner, id, "act");
    await links.recordShareVisit(link.id, null);
    await links.recordShareVisit(link.id, megan);
    await links.recordShareVisit(link.id, megan);
    const [listed] = await links.listShareLinks(owner, id);
    expect(listed!._count.visits).toBe(2);
    expect(listed!.visits.map((v) => v.visitorName)).toContain(megan.name);
    // Nobody else sees or revokes the owner's links.
    expect(await links.listShareLinks(megan, id)).toEqual([]);
    await expect(links.revokeShareLink(megan, link.id)).rejects.toThrow(/not found/);
  });
});

describe("incremental consent", () => {
  it("lets a billing owner who is no administrator consent to what step 4 needs, and not to more", async () => {
    const tenant: SeedResult = await control(portal.current.emu).seed({ preset: "contoso" });
    const megan = tenant.users.billingOwner!.userPrincipalName;
    // Nobody consented for the organization: Megan decides for herself.
    const full = await signIn(portal.current.emu, {
      tenant: "organizations",
      clientId: portal.current.clientId,
      scope: broker.signInScopes(["graph", "arm"]).join(" "),
      upn: megan,
      consent: "accept",
    });
    expect(full.params.code).toBeUndefined();
    expect(full.lastHtml).toContain("AADSTS90094: The grant requires admin permission.");
    const narrow = await signIn(portal.current.emu, {
      tenant: "organizations",
      clientId: portal.current.clientId,
      scope: broker.signInScopes(broker.resourcesForSteps(["role-assignment", "verify"])).join(" "),
      upn: megan,
      consent: "accept",
    });
    expect(narrow.params.code).toBeTruthy();
    expect(narrow.pages).toContain("Permissions requested");
  });

  it("asks a colleague who finishes steps 4 and 5 for ARM only, never Graph's admin-only permission", () => {
    const needs = broker.resourcesForSteps(["role-assignment", "verify"]);
    expect(needs).toEqual(["arm"]);
    const scopes = broker.signInScopes(needs);
    expect(scopes).toContain("https://management.azure.com/user_impersonation");
    expect(scopes).toContain("https://graph.microsoft.com/User.Read");
    expect(scopes.join(" ")).not.toContain("Application.ReadWrite.All");
    expect(broker.signInScopes(broker.resourcesForSteps(["app-registration"])).join(" ")).toContain(
      "Application.ReadWrite.All",
    );
    expect(broker.signInScopes([])).toEqual([
      "openid",
      "profile",
      "offline_access",
      "https://graph.microsoft.com/User.Read",
    ]);
  });
});
