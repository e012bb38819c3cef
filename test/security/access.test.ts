/**
 * Who may call what: every exported server action (lib/actions/*.ts), every route handler
 * (app/** /route.ts) and every page (app/** /page.tsx), called directly as Next would call them, by each kind of caller: nobody
 * signed in, another user of the same tenant, one who connected nothing but started an onboarding of
 * their own (made-up values pasted by hand), the owner of another integration of the same tenant, a
 * user of another tenant, a colleague holding an expired, a revoked or a view-only share link of the
 * onboarding (or a live act link of another one), one of the portal's operators (OPERATORS: API keys and
 * webhooks are theirs, onboardings are not), and someone holding an API key made before operators were
 * named (refused as revoked). Each probe names a real, connected onboarding of someone else; the answer
 * must refuse with a message that says why, carry nothing of that onboarding (ids, names, billing
 * account, secret hint, links), and change nothing. A page is checked by what it hands its components
 * (the element tree it returns, with every prop), before any of it reaches HTML. The cases come from tables checked against the
 * exports, so a new action or route without a case fails here.
 */
import fs from "node:fs";
import path from "node:path";

import type { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { SeedResult } from "@/emulator/src/scenario";
import { control } from "@/emulator/test/helpers";
import { startPortalHarness, type Harness } from "@/test/support/portal-harness";
import {
  installCommonJsNextHeaders,
  NotFoundSignal,
  RedirectSignal,
  resetScope,
  scope,
} from "@/test/support/request-scope";
import { exportedActions, type ActionResult, type ServerAction } from "@/test/support/server-actions";
import { seedConnectedOwner } from "@/test/support/world";

vi.mock("@/lib/auth", async (importOriginal) => {
  const { scope, nextNavigation } = await import("@/test/support/request-scope");
  return {
    ...(await importOriginal<typeof import("@/lib/auth")>()),
    getCurrentUser: async () => scope.user,
    requireUser: async (returnTo = "/onboardings") =>
      scope.user ?? nextNavigation.redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`),
  };
});

const root = path.resolve(__dirname, "../..");
const base = "http://localhost:3000";

type Actor = Awaited<ReturnType<Harness["signIn"]>>;
type Link = { id: string; token: string };
type RouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, unknown>> },
) => Promise<Response>;

const callers = [
  "anonymous",
  "otherUser",
  "tenantNobody",
  "otherOwner",
  "otherTenant",
  "expiredLink",
  "revokedLink",
  "viewLink",
  "foreignActLink",
  "operator",
  "oldKey",
] as const;
type Caller = (typeof callers)[number];

/**
 * What a caller holds: a session, for the link callers the link's cookie and the link to present, and
 * for some an API key's token (sent to the cost platform's API).
 */
type Presented = { user: Actor | null; link: Link | null; key?: string };

let harness: Harness;
let db: typeof import("@/lib/db");
let w: Awaited<ReturnType<typeof buildWorld>>;

async function buildWorld() {
  // The victim: the owner's onboarding, connected for real, so it has every id, name and hint to leak.
  const connected = await seedConnectedOwner(harness, {
    appDisplayName: `victim-app-${Date.now().toString(36)}`,
  });
  const { tenant, owner, onboardingId: id } = connected;
  const emu = control(harness.emu);
  const elsewhere: SeedResult = await emu.seed({ preset: "contoso" });
  const megan = await harness.signIn(tenant.users.billingOwner!.userPrincipalName);
  const stranger = await harness.signIn(elsewhere.users.admin!.userPrincipalName);
  const lee = await harness.signIn(tenant.users.noBilling!.userPrincipalName);
  const patti = await harness.signIn(tenant.users.globalAdmin!.userPrincipalName);
  const alex = await harness.signIn(tenant.users.appAdmin!.userPrincipalName);
  const operator = await harness.signInOperator();
  const onboardings = await import("@/lib/data/onboardings");
  const links = await import("@/lib/data/share-links");
  const access = await import("@/lib/share-links/access");

  const victim = await onboardings.getOnboardingOrThrow(owner, id);
  expect(victim.status).toBe("completed");
  const integrationId = connected.integration.id;
  const other = await onboardings.createOnboarding(owner, { appDisplayName: "other", secretExpiryMonths: 6 });
  const integration = await db.db.integration.findUniqueOrThrow({ where: { onboardingId: id } });
  const { encryptSecret } = await import("@/lib/crypto/vault");
  const { integrationSecretContext } = await import("@/lib/crypto/contexts");
  const clientSecret = connected.secret;

  // The owner's Vantage token (hers alone) and the victim's delivery to Vantage.
  const vantageToken = "vntg_victims_own_token_0123456789abcdef";
  const sealedToken = encryptSecret(vantageToken, `vantage-token:${owner.id}`);
  await db.db.vantageToken.create({
    data: {
      userId: owner.id,
      tokenCiphertext: sealedToken.ciphertext,
      tokenEncryptionKeyId: sealedToken.keyId,
      tokenHint: "vntg_vic",
      workspaces: [{ token: "wrkspc_victim00000001", name: "Victim Production" }],
      workspaceTokens: ["wrkspc_victim00000001"],
      scopes: ["read", "write"],
      checkedAt: new Date(),
    },
  });
  const vantageDelivery = await db.db.delivery.create({ data: { onboardingId: id, destination: "vantage" } });

  // Lee connected nothing: an onboarding of his own, values made up by hand.
  await onboardings.createOnboarding(lee, {
    appDisplayName: "made-up",
    secretExpiryMonths: 12,
    mode: "manual",
  });
  // Patti connected another billing account of the same tenant (her integration is written as step 5
  // writes one, proved).
  const pattis = await onboardings.createOnboarding(patti, {
    appDisplayName: "pattis-app",
    secretExpiryMonths: 12,
  });
  const pattiIntegrationId = `int_${crypto.randomUUID()}`;
  const pattiSealed = encryptSecret(
    "Pt8Q~pattis-own-secret-0123456789abcdefgh",
    integrationSecretContext(pattiIntegrationId),
  );
  const pattiIntegration = await db.db.integration.create({
    data: {
      id: pattiIntegrationId,
      onboardingId: pattis.id,
      ownerId: patti.id,
      tenantId: patti.tenantId,
      clientId: crypto.randomUUID(),
      secretCiphertext: pattiSealed.ciphertext,
      secretEncryptionKeyId: pattiSealed.keyId,
      secretHint: "Pt8",
      billingAccountName: `${crypto.randomUUID()}:${crypto.randomUUID()}_2019-05-31`,
      billingAccountDisplayName: "Contoso Research",
      status: "active",
      lastVerifiedAt: new Date(),
    },
  });

  // The cost platform's key, made by the operator for the victim's tenant.
  const apiKeys = await import("@/lib/data/api-keys");
  const { newApiKeyToken } = await import("@/lib/api/keys");
  const keyToken = newApiKeyToken();
  const apiKey = await apiKeys.createApiKey(operator, {
    name: "cost platform",
    scope: "read_secrets",
    reach: "tenants",
    tenantIds: [owner.tenantId],
    tokenHash: keyToken.tokenHash,
    tokenPrefix: keyToken.tokenPrefix,
  });
  // The operator's own probe key reaches Patti's integration alone: the victim's is beyond it.
  const scopedToken = newApiKeyToken();
  await apiKeys.createApiKey(operator, {
    name: "Patti's only",
    scope: "read_secrets",
    reach: "integrations",
    integrationIds: [pattiIntegration.id],
    tokenHash: scopedToken.tokenHash,
    tokenPrefix: scopedToken.tokenPrefix,
  });
  // A key Alex made for the tenant before operators were named (as the old rule let anyone who had a
  // row in Integration): it must answer as revoked.
  const oldToken = newApiKeyToken();
  const oldKey = await db.db.apiKey.create({
    data: {
      tenantId: owner.tenantId,
      name: "made before operators",
      scope: "read_secrets",
      reach: "tenants",
      tenantIds: [owner.tenantId],
      tokenHash: oldToken.tokenHash,
      tokenPrefix: oldToken.tokenPrefix,
      createdById: alex.id,
    },
  });
  // What the operator's allowed clicks act on, so the victim's own key and endpoint stay as they are.
  const scratchToken = newApiKeyToken();
  const scratchKey = await apiKeys.createApiKey(operator, {
    name: "scratch",
    scope: "read_metadata",
    reach: "all_tenants",
    tokenHash: scratchToken.tokenHash,
    tokenPrefix: scratchToken.tokenPrefix,
  });

  // The webhook endpoint the operator set up for the victim's tenant, with one queued delivery.
  const webhooks = await import("@/lib/data/webhooks");
  const endpoint = await webhooks.createWebhookEndpoint(operator, {
    url: `https://victim-hooks-${Date.now().toString(36)}.example.com/mca`,
    eventTypes: ["integration.connected"],
    description: "victim endpoint",
    secret: "whsec_dmljdGltLXNpZ25pbmctc2VjcmV0LTAxMjM0NTY3ODk=",
    allTenants: false,
    tenantIds: [owner.tenantId],
  });
  const delivery = await webhooks.queueTestDelivery(operator, endpoint.id, () => "{}");
  const scratchEndpoint = await webhooks.createWebhookEndpoint(operator, {
    url: "https://scratch-hooks.example.com/mca",
    eventTypes: ["integration.connected"],
    description: null,
    secret: "whsec_c2NyYXRjaC1zaWduaW5nLXNlY3JldC0wMTIzNDU2Nzg5",
    allTenants: true,
  });
  const scratchDelivery = await webhooks.queueTestDelivery(operator, scratchEndpoint.id, () => "{}");
  const doomed = await webhooks.createWebhookEndpoint(operator, {
    url: "https://doomed-hooks.example.com/mca",
    eventTypes: ["integration.connected"],
    description: "doomed",
    secret: "whsec_ZG9vbWVkLXNpZ25pbmctc2VjcmV0LTAxMjM0NTY3ODk=",
    allTenants: true,
  });

  async function link(onboardingId: string, scopeName: "view" | "act"): Promise<Link> {
    const { token, tokenHash } = access.newShareToken();
    const created = await links.createShareLink(owner, {
      onboardingId,
      tokenHash,
      scope: scopeName,
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    return { id: created.id, token };
  }
  const expired = await link(id, "act");
  const revoked = await link(id, "act");
  const view = await link(id, "view");
  const foreignAct = await link(other.id, "act");
  const ownersLive = await link(id, "act");
  // Megan opened every link while it was live: her browser holds each link's cookie.
  const cookies = new Map<string, string>();
  for (const l of [expired, revoked, view, foreignAct]) {
    const opened = await access.exchangeShareToken(l.token);
    if (!opened.ok) throw new Error("link did not open");
    cookies.set(opened.cookie.name, opened.cookie.value);
  }
  await db.db.shareLink.update({
    where: { id: expired.id },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  await links.revokeShareLink(owner, revoked.id);

  const presented: Record<Caller, Presented> = {
    anonymous: { user: null, link: null },
    otherUser: { user: megan, link: null },
    otherTenant: { user: stranger, link: null },
    expiredLink: { user: megan, link: expired },
    revokedLink: { user: megan, link: revoked },
    viewLink: { user: megan, link: view },
    foreignActLink: { user: megan, link: foreignAct },
    tenantNobody: { user: lee, link: null },
    otherOwner: { user: patti, link: null },
    operator: { user: operator, link: null, key: scopedToken.token },
    oldKey: { user: alex, link: null, key: oldToken.token },
  };

  /** Everything of the victim that nobody else may learn. */
  function secrets(caller: Caller): string[] {
    const values = [
      victim.id,
      victim.appDisplayName,
      victim.billingAccountName,
      victim.billingAccountDisplayName,
      victim.clientId,
      victim.applicationObjectId,
      victim.servicePrincipalId,
      victim.roleAssignmentId,
      victim.owner.name,
      victim.owner.email,
      ownersLive.id,
      ownersLive.token,
      clientSecret,
      vantageToken,
      "Victim Production",
      "wrkspc_victim00000001",
      vantageDelivery.id,
      endpoint.url,
      delivery.eventId,
      ...[expired, revoked, view].filter((l) => l !== presented[caller].link).flatMap((l) => [l.id, l.token]),
    ];
    if (caller === "otherTenant") values.push(victim.tenantId);
    // What the caller knows of themselves is no leak (another tenant's preset has the same names), nor
    // who shared the link they hold (the foreign act link is the same owner's).
    const own = presented[caller].user;
    const mine = new Set([own?.id, own?.name, own?.email, own?.tenantId]);
    if (caller === "foreignActLink")
      for (const known of [victim.owner.name, victim.owner.email]) mine.add(known);
    // An operator runs the webhooks, and lists every tenant's integrations (who connected which billing
    // account, to scope keys with): metadata, never a secret, an onboarding or a link.
    if (caller === "operator")
      for (const known of [
        endpoint.url,
        delivery.eventId,
        victim.tenantId,
        victim.owner.name,
        victim.owner.email,
        victim.billingAccountName,
        victim.billingAccountDisplayName,
      ])
        mine.add(known);
    return values.filter((v): v is string => typeof v === "string" && v.length > 0 && !mine.has(v));
  }

  return {
    tenant,
    owner,
    megan,
    stranger,
    victim,
    integrationId,
    other,
    links: { expired, revoked, view, foreignAct, ownersLive },
    apiKey,
    oldKey,
    scratchKey,
    pattiIntegration,
    endpoint,
    delivery,
    scratchEndpoint,
    scratchDelivery,
    vantageDelivery,
    doomed,
    operator,
    integration,
    cookies,
    presented,
    secrets,
  };
}

/** The victim as stored, in full, to prove a refused call changed nothing. */
async function snapshot() {
  const onboarding = await db.db.onboarding.findUnique({
    where: { id: w.victim.id },
    include: { steps: true, shareLinks: true, integration: true },
  });
  const audit = await db.db.auditEvent.count({ where: { onboardingId: w.victim.id } });
  const webhooks = await db.db.webhookEndpoint.findMany({
    where: { id: w.endpoint.id },
    include: { deliveries: true },
    orderBy: { id: "asc" },
  });
  const apiKey = await db.db.apiKey.findUnique({ where: { id: w.apiKey.id } });
  const vantage = await db.db.vantageToken.findUnique({ where: { userId: w.owner.id } });
  const deliveries = await db.db.delivery.findMany({
    where: { onboardingId: w.victim.id },
    orderBy: { id: "asc" },
  });
  const operations = await db.db.integrationOperation.count({ where: { integrationId: w.integration.id } });
  const patti = await db.db.integration.findUnique({ where: { id: w.pattiIntegration.id } });
  return JSON.stringify({ onboarding, audit, webhooks, apiKey, patti, vantage, deliveries, operations });
}

/** Sets up the request scope as `caller`'s browser would send it. */
function actAs(caller: Caller) {
  resetScope();
  const { user, link } = w.presented[caller];
  scope.user = user;
  if (link) for (const [name, value] of w.cookies) scope.jar.set(name, value);
  return w.presented[caller];
}

function expectNoLeak(text: string, caller: Caller, label: string, echoed: string[] = []) {
  for (const secret of w.secrets(caller).filter((s) => !echoed.includes(s))) {
    if (secret.length >= 8) expect(text, `${label} leaks ${secret}`).not.toContain(secret);
    else expect(text, `${label} leaks ${secret}`).not.toMatch(new RegExp(`(?<![\\w-])${secret}(?![\\w-])`));
  }
  // The secret's hint is three characters: look for it as a word, as the page would show it.
  if (w.victim.secretHint)
    expect(text, `${label} leaks the secret hint`).not.toMatch(
      new RegExp(`(?<![A-Za-z0-9~._-])${w.victim.secretHint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
}

function form(fields: Record<string, string | undefined>): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) data.append(key, value);
  return data;
}

// ---------------------------------------------------------------------------------------------------
// Server actions

const sessionEnded = /^Your session has ended\. Sign in again\.$/;
const notYours = /^This onboarding does not exist or is not yours\.$/;

/** Actions for the owner alone: a share link in the form changes nothing. */
const ownerOnly: Record<Caller, RegExp> = {
  anonymous: sessionEnded,
  otherUser: notYours,
  tenantNobody: notYours,
  otherOwner: notYours,
  operator: notYours,
  oldKey: notYours,
  otherTenant: notYours,
  expiredLink: notYours,
  revokedLink: notYours,
  viewLink: notYours,
  foreignActLink: notYours,
};

/** Actions a colleague may take through a live act link: every other link says what is wrong with it. */
const ownerOrActLink: Record<Caller, RegExp> = {
  anonymous: sessionEnded,
  otherUser: notYours,
  tenantNobody: notYours,
  otherOwner: notYours,
  operator: notYours,
  oldKey: notYours,
  otherTenant: notYours,
  expiredLink: /^This share link has expired\. Ask its owner for a new one\.$/,
  revokedLink: /^This share link was revoked by its owner\.$/,
  viewLink: /^This link lets you view progress, not act\.$/,
  foreignActLink: /^This share link does not let you act on this onboarding\.$/,
};

/**
 * API keys and webhooks: the operators' alone (named in the configuration), whatever else the caller
 * connected, owns or holds; an operator is allowed, and acts on scratch keys and endpoints here.
 */
const operatorsOnly = (what: string): Partial<Record<Caller, RegExp>> => {
  const refusal = new RegExp(
    `^Only the portal's operators may ${what}\\. Operators are named by whoever runs this portal, in its configuration \\(OPERATORS\\); ask them\\.$`,
  );
  return {
    ...Object.fromEntries(callers.filter((c) => c !== "operator").map((c) => [c, refusal])),
    anonymous: sessionEnded,
  };
};

/** An integration's rotation and disconnect: its owner alone, signed in to its tenant. */
const integrationOwnerOnly: Record<Caller, RegExp> = {
  ...ownerOnly,
  ...Object.fromEntries(
    callers
      .filter((c) => c !== "anonymous")
      .map((c) => [c, /^This integration does not exist or is not yours\.$/]),
  ),
};

type ActionCase = {
  module: string;
  /**
   * The fields of a well-formed post aimed at the victim (the caller's link is added for link callers);
   * for a caller allowed by design, aimed at something of the test's own instead.
   */
  fields: (caller: Caller) => Record<string, string | undefined>;
  refused: Partial<Record<Caller, RegExp>>;
  /** Callers for whom the action is allowed by design, and what must hold then. */
  allowed?: Partial<Record<Caller, (result: ActionResult, caller: Caller) => Promise<void>>>;
};

/** Creating an onboarding is open to anyone signed in: it is theirs, in their tenant, whatever is posted. */
async function createsOwnOnboarding(result: ActionResult, caller: Caller) {
  expect(result).toBeInstanceOf(RedirectSignal);
  const url = (result as unknown as RedirectSignal).url;
  const id = /^\/onboardings\/([^/]+)$/.exec(url)?.[1];
  expect(id).toBeTruthy();
  expect(id).not.toBe(w.victim.id);
  const created = await db.db.onboarding.findUniqueOrThrow({ where: { id } });
  const user = w.presented[caller].user!;
  expect(created).toMatchObject({ ownerId: user.id, tenantId: user.tenantId, appDisplayName: "mine" });
}

const actionCases: Record<string, ActionCase> = {
  createOnboardingAction: {
    module: "onboardings",
    fields: () => ({
      appDisplayName: "mine",
      secretExpiryMonths: "12",
      mode: "automated",
      // Fields a crafted post might add to take over someone else's place: ignored.
      ownerId: w.owner.id,
      tenantId: w.victim.tenantId,
      onboardingId: w.victim.id,
    }),
    refused: { anonymous: sessionEnded },
    allowed: Object.fromEntries(
      callers.filter((c) => c !== "anonymous").map((c) => [c, createsOwnOnboarding]),
    ),
  },
  createAndConnectAction: {
    module: "onboardings",
    fields: () => ({
      appDisplayName: "mine",
      secretExpiryMonths: "12",
      ownerId: w.owner.id,
      tenantId: w.victim.tenantId,
      onboardingId: w.victim.id,
    }),
    refused: { anonymous: sessionEnded },
    allowed: Object.fromEntries(
      callers
        .filter((c) => c !== "anonymous")
        .map((c) => [
          c,
          async (result: ActionResult, caller: Caller) => {
            await createsOwnOnboarding(result, caller);
            // Its steps are queued (or already under way): Connect was the click.
            const id = /^\/onboardings\/([^/]+)$/.exec((result as unknown as RedirectSignal).url)![1]!;
            const steps = await db.db.onboardingStep.findMany({ where: { onboardingId: id } });
            expect(steps.every((step) => step.status !== "not_started")).toBe(true);
            // Its run goes on beside the test: the caller's own billing account (named as the victim's,
            // both tenants being Contoso) would show on their pages below. Gone, the run just stops.
            await db.db.onboarding.delete({ where: { id } });
          },
        ]),
    ),
  },
  updateSettingsAction: {
    module: "onboardings",
    fields: () => ({ onboardingId: w.victim.id, appDisplayName: "hijacked", secretExpiryMonths: "6" }),
    refused: ownerOnly,
  },
  connectAction: {
    module: "onboardings",
    fields: () => ({ onboardingId: w.victim.id }),
    refused: ownerOrActLink,
  },
  runStepAction: {
    module: "onboardings",
    fields: () => ({ onboardingId: w.victim.id, stepId: "client-secret" }),
    refused: ownerOrActLink,
  },
  chooseBillingAccountAction: {
    module: "onboardings",
    fields: () => ({
      onboardingId: w.victim.id,
      billingAccountName: w.tenant.billingAccounts.mca!.name,
      confirmDuplicate: "yes",
    }),
    refused: ownerOrActLink,
  },
  createShareLinkAction: {
    module: "share-links",
    fields: () => ({ onboardingId: w.victim.id, scope: "act", expiryDays: "30" }),
    refused: ownerOnly,
  },
  askBillingOwnerAction: {
    module: "share-links",
    fields: () => ({ onboardingId: w.victim.id }),
    refused: ownerOnly,
  },
  revokeShareLinkAction: {
    module: "share-links",
    fields: () => ({ onboardingId: w.victim.id, linkId: w.links.ownersLive.id }),
    refused: ownerOnly,
  },
  pasteCredentialsAction: {
    module: "manual",
    fields: () => ({
      onboardingId: w.victim.id,
      tenantId: w.victim.tenantId,
      clientId: w.victim.clientId!,
      clientSecret: "Xy78Q~abcdefghijklmnopqrstuvwxyz0123456.",
      billingAccountId: w.victim.billingAccountName!,
    }),
    refused: ownerOnly,
  },
  createApiKeyAction: {
    module: "api-keys",
    fields: () => ({ name: "mine", scope: "read-secrets", reach: "tenants", tenantIds: w.victim.tenantId }),
    refused: operatorsOnly("make API keys"),
    allowed: {
      operator: async (result) => {
        expect(result).toMatchObject({ ok: true, data: { name: "mine", scope: "read-secrets" } });
        const made = await db.db.apiKey.findUniqueOrThrow({
          where: { id: (result.data as { id: string }).id },
        });
        expect(made).toMatchObject({
          reach: "tenants",
          tenantIds: [w.victim.tenantId],
          createdById: w.operator.id,
        });
        await db.db.apiKey.delete({ where: { id: made.id } });
      },
    },
  },
  revokeApiKeyAction: {
    module: "api-keys",
    fields: (caller) => ({ keyId: caller === "operator" ? w.scratchKey.id : w.apiKey.id }),
    refused: operatorsOnly("revoke API keys"),
    allowed: {
      operator: async (result) => {
        expect(result).toMatchObject({ ok: true });
        const key = await db.db.apiKey.findUniqueOrThrow({ where: { id: w.scratchKey.id } });
        expect(key.revokedAt).not.toBeNull();
        await db.db.apiKey.update({ where: { id: key.id }, data: { revokedAt: null } });
      },
    },
  },
  createWebhookEndpointAction: {
    module: "webhooks",
    fields: () => ({
      url: "https://hooks.example.com/mca",
      eventTypes: "integration.connected",
      reach: "tenants",
      tenantIds: w.victim.tenantId,
    }),
    refused: operatorsOnly("manage webhooks"),
    allowed: {
      operator: async (result) => {
        expect(result).toMatchObject({ ok: true, data: { url: "https://hooks.example.com/mca" } });
        const id = (result.data as { id: string }).id;
        expect(await db.db.webhookEndpoint.findUniqueOrThrow({ where: { id } })).toMatchObject({
          allTenants: false,
          tenantIds: [w.victim.tenantId],
          createdById: w.operator.id,
        });
        await db.db.webhookEndpoint.delete({ where: { id } });
      },
    },
  },
  ...Object.fromEntries(
    (
      [
        [
          "rotateWebhookSecretAction",
          (r: ActionResult) =>
            expect(r).toMatchObject({ ok: true, data: { secret: expect.stringMatching(/^whsec_/) } }),
        ],
        ["disableWebhookEndpointAction", (r: ActionResult) => expect(r).toMatchObject({ ok: true })],
        ["enableWebhookEndpointAction", (r: ActionResult) => expect(r).toMatchObject({ ok: true })],
        ["sendTestWebhookAction", (r: ActionResult) => expect(r).toMatchObject({ ok: true })],
      ] as const
    ).map(([name, check]) => [
      name,
      {
        module: "webhooks",
        fields: (caller: Caller) => ({
          endpointId: caller === "operator" ? w.scratchEndpoint.id : w.endpoint.id,
        }),
        refused: operatorsOnly("manage webhooks"),
        allowed: { operator: async (result: ActionResult) => check(result) },
      } satisfies ActionCase,
    ]),
  ),
  deleteWebhookEndpointAction: {
    module: "webhooks",
    // The operator deletes an endpoint made for the purpose.
    fields: (caller) => ({ endpointId: caller === "operator" ? w.doomed.id : w.endpoint.id }),
    refused: operatorsOnly("manage webhooks"),
    allowed: {
      operator: async (result) => {
        expect(result).toMatchObject({ ok: true });
        expect(await db.db.webhookEndpoint.count({ where: { description: "doomed" } })).toBe(0);
      },
    },
  },
  redeliverWebhookAction: {
    module: "webhooks",
    fields: (caller) => ({ deliveryId: caller === "operator" ? w.scratchDelivery.id : w.delivery.id }),
    refused: operatorsOnly("manage webhooks"),
    allowed: { operator: async (result) => expect(result).toMatchObject({ ok: true }) },
  },
  checkIntegrationAction: {
    module: "integrations",
    fields: () => ({ integrationId: w.integrationId, onboardingId: w.victim.id }),
    refused: {
      ...ownerOnly,
      ...Object.fromEntries(
        callers
          .filter((c) => c !== "anonymous")
          .map((c) => [c, /^This integration does not exist or is not yours\.$/]),
      ),
    },
  },
  rotateSecretAction: {
    module: "integrations",
    fields: () => ({ integrationId: w.integration.id, graceSeconds: "86400" }),
    refused: integrationOwnerOnly,
  },
  disconnectIntegrationAction: {
    module: "integrations",
    fields: () => ({ integrationId: w.integration.id, confirmation: w.victim.appDisplayName }),
    refused: integrationOwnerOnly,
  },
  // Destinations: the owner's alone (a Vantage delivery uses the owner's own token).
  chooseDestinationsAction: {
    module: "destinations",
    fields: () => ({ onboardingId: w.victim.id, destination: "api" }),
    refused: ownerOnly,
  },
  retryDestinationAction: {
    module: "destinations",
    fields: () => ({ deliveryId: w.vantageDelivery.id }),
    refused: {
      ...ownerOnly,
      ...Object.fromEntries(
        callers
          .filter((c) => c !== "anonymous")
          .map((c) => [c, /^This destination does not exist or is not yours\.$/]),
      ),
    },
  },
  // A Vantage token is the signed-in person's own: whatever the post names, only theirs is touched (and
  // checking a new one with Vantage, unreachable here, fails with a sentence).
  saveVantageTokenAction: {
    module: "destinations",
    fields: () => ({ vantageToken: "vntg_someone_elses_token_0000", userId: w.owner.id }),
    refused: {
      ...Object.fromEntries(callers.map((c) => [c, /Vantage/])),
      anonymous: sessionEnded,
    },
  },
  chooseVantageWorkspacesAction: {
    module: "destinations",
    fields: () => ({ workspaceToken: "wrkspc_victim00000001", userId: w.owner.id }),
    refused: {
      ...Object.fromEntries(callers.map((c) => [c, /^Add a Vantage API token first\.$/])),
      anonymous: sessionEnded,
    },
  },
  removeVantageTokenAction: {
    module: "destinations",
    fields: () => ({ userId: w.owner.id }),
    refused: {
      ...Object.fromEntries(callers.map((c) => [c, /^There is no Vantage API token to remove\.$/])),
      anonymous: sessionEnded,
    },
  },
  // The copy panel's password: the owner's alone, after a fresh sign-in; no link ever reveals it.
  revealSecretAction: {
    module: "reveal",
    fields: () => ({ onboardingId: w.victim.id }),
    refused: ownerOnly,
  },
  checkAgainAction: {
    module: "manual",
    fields: () => ({ onboardingId: w.victim.id, stepId: "role-assignment" }),
    refused: ownerOrActLink,
  },
};

async function callAction(fn: ServerAction, data: FormData): Promise<ActionResult> {
  try {
    return await fn(null, data);
  } catch (error) {
    if (error instanceof RedirectSignal) return error as unknown as ActionResult;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Route handlers

type RouteProbe = {
  url: string;
  init?: ConstructorParameters<typeof NextRequest>[1];
  params: Record<string, unknown>;
};
type RouteExpectation =
  | { status: number; message?: RegExp; location?: RegExp }
  | { allowed: string; check: (response: Response, body: string, caller: Caller) => void | Promise<void> };
type RouteCase = {
  probe: (caller: Caller) => RouteProbe;
  expect: Record<Caller, RouteExpectation>;
};

/** The same answer for every caller: public routes. */
function forEveryCaller(expectation: RouteExpectation): Record<Caller, RouteExpectation> {
  return Object.fromEntries(callers.map((caller) => [caller, expectation])) as Record<
    Caller,
    RouteExpectation
  >;
}

function linkQuery(caller: Caller) {
  const link = w.presented[caller].link;
  return link ? `?link=${link.id}` : "";
}

const linkGone = /^This link no longer opens this onboarding\.$/;

/** The caller's API key, as the cost platform sends it. */
function keyHeader(caller: Caller) {
  const key = w.presented[caller].key;
  return key ? { headers: { authorization: `Bearer ${key}` } } : undefined;
}

/** A key made by someone the configuration does not name: revoked, the reason recorded, nothing read. */
const revokedKey: RouteExpectation = {
  allowed: "an old key (made by a non-operator) answers as revoked and is marked so, with the reason",
  check: async (response, body) => {
    expect(response.status).toBe(401);
    const { error } = JSON.parse(body) as { error: { code: string; message: string } };
    expect(error.code).toBe("revoked_api_key");
    expect(error.message).toMatch(/only keys made by the portal's operators work/);
    const key = await db.db.apiKey.findUniqueOrThrow({ where: { id: w.oldKey.id } });
    expect(key.revokedAt).not.toBeNull();
    expect(key.revokedReason).toMatch(/not one of the operators named in its configuration/);
  },
};

const progressCase: RouteCase = {
  probe: (caller) => ({
    url: `${base}/api/onboardings/${w.victim.id}/progress${linkQuery(caller)}`,
    params: { id: w.victim.id },
  }),
  expect: {
    anonymous: { status: 401, message: /^Sign in again\.$/ },
    otherUser: { status: 404, message: /^Not found$/ },
    tenantNobody: { status: 404, message: /^Not found$/ },
    otherOwner: { status: 404, message: /^Not found$/ },
    operator: { status: 404, message: /^Not found$/ },
    oldKey: { status: 404, message: /^Not found$/ },
    otherTenant: { status: 404, message: /^Not found$/ },
    expiredLink: { status: 403, message: linkGone },
    revokedLink: { status: 403, message: linkGone },
    foreignActLink: { status: 403, message: linkGone },
    viewLink: {
      allowed: "a view link reads its own onboarding's progress: statuses only",
      check: (response, body) => {
        expect(response.status).toBe(200);
        const snapshot = JSON.parse(body) as Record<string, unknown>;
        expect(Object.keys(snapshot).sort()).toEqual([
          "active",
          "due",
          "fingerprint",
          "nextDueAt",
          "status",
          "steps",
        ]);
        for (const step of snapshot.steps as Record<string, unknown>[])
          expect(Object.keys(step).sort()).toEqual(["id", "status"]);
      },
    },
  },
};

const advanceCase: RouteCase = {
  probe: (caller) => ({
    url: `${base}/api/onboardings/${w.victim.id}/advance${linkQuery(caller)}`,
    init: { method: "POST", headers: { origin: base } },
    params: { id: w.victim.id },
  }),
  expect: {
    anonymous: { status: 401, message: sessionEnded },
    otherUser: { status: 404, message: notYours },
    tenantNobody: { status: 404, message: notYours },
    otherOwner: { status: 404, message: notYours },
    operator: { status: 404, message: notYours },
    oldKey: { status: 404, message: notYours },
    otherTenant: { status: 404, message: notYours },
    expiredLink: { status: 403, message: ownerOrActLink.expiredLink },
    revokedLink: { status: 403, message: ownerOrActLink.revokedLink },
    viewLink: { status: 403, message: ownerOrActLink.viewLink },
    foreignActLink: { status: 403, message: ownerOrActLink.foreignActLink },
  },
};

/** A share link's landing: the link callers bring their link's token, the others guess one. */
const shareLandingCase: RouteCase = {
  probe: (caller) => {
    const link = w.presented[caller].link;
    const token = link?.token ?? "A".repeat(43);
    return { url: `${base}/s/${token}`, params: { token } };
  },
  expect: {
    anonymous: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    otherUser: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    tenantNobody: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    otherOwner: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    operator: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    oldKey: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    otherTenant: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=unknown$/ },
    expiredLink: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=expired$/ },
    revokedLink: { status: 303, location: /^http:\/\/localhost:3000\/link-unavailable\?reason=revoked$/ },
    viewLink: {
      allowed: "a live link's token opens that link's own page (view only), and only its cookie is set",
      check: (response) => {
        expect(response.status).toBe(303);
        expect(response.headers.get("location")).toBe(`${base}/shared/${w.links.view.id}`);
      },
    },
    foreignActLink: {
      allowed: "a live act link's token opens its own onboarding, never the one probed",
      check: (response) => {
        expect(response.status).toBe(303);
        expect(response.headers.get("location")).toBe(`${base}/shared/${w.links.foreignAct.id}`);
      },
    },
  },
};

const healthCase: RouteCase = {
  probe: () => ({ url: `${base}/api/health`, params: {} }),
  expect: forEveryCaller({
    allowed: "liveness is public and says nothing but that it runs",
    check: async (response, body) => {
      expect(response.status).toBe(200);
      expect(JSON.parse(body)).toEqual({ ok: true, mode: "production" });
    },
  }),
};

function canonicalOriginCase(method: string): RouteCase {
  return {
    probe: () => ({
      url: `${base}/api/canonical-origin`,
      init: { method, headers: { "x-canonical-path": "//evil.example/onboardings" } },
      params: {},
    }),
    expect: forEveryCaller({
      allowed: "the redirect to the one origin is public and only ever lands on it",
      check: (response) => {
        expect(response.status).toBe(308);
        expect(response.headers.get("location")).toMatch(/^http:\/\/localhost:3000\/(?!\/)/);
      },
    }),
  };
}

/** next-auth's own routes: the session they report is the caller's own, never anyone else's. */
function nextAuthCase(method: "GET" | "POST"): RouteCase {
  return {
    probe: () =>
      method === "GET"
        ? { url: `${base}/api/auth/session`, params: { nextauth: ["session"] } }
        : {
            // Signing out without next-auth's CSRF token only leads to the confirmation page.
            url: `${base}/api/auth/signout`,
            init: {
              method: "POST",
              headers: { "content-type": "application/x-www-form-urlencoded" },
              body: new URLSearchParams({ csrfToken: "forged" }).toString(),
            },
            params: { nextauth: ["signout"] },
          },
    expect: forEveryCaller({
      allowed: "sign-in machinery: answers about the caller's own session only",
      check: async (response, body, caller) => {
        const user = w.presented[caller].user;
        if (method === "GET") {
          expect(response.status).toBe(200);
          const session = JSON.parse(body) as { user?: { id: string } };
          expect(session.user?.id).toBe(user?.id);
        } else {
          expect(response.status).toBe(302);
          expect(response.headers.get("location")).toBe(`${base}/api/auth/signout?csrf=true`);
          if (user)
            expect(await db.db.msalTokenCache.count({ where: { homeAccountId: user.homeAccountId } })).toBe(
              1,
            );
        }
      },
    }),
  };
}

const routeCases: Record<string, RouteCase> = {
  "GET /api/onboardings/[id]/progress": progressCase,
  "POST /api/onboardings/[id]/advance": advanceCase,
  "GET /s/[token]": shareLandingCase,
  "GET /api/health": healthCase,
  "GET /api/canonical-origin": canonicalOriginCase("GET"),
  "HEAD /api/canonical-origin": canonicalOriginCase("HEAD"),
  "POST /api/canonical-origin": canonicalOriginCase("POST"),
  "GET /api/onboardings/[id]/receipt": {
    probe: () => ({
      url: `${base}/api/onboardings/${w.victim.id}/receipt?format=json`,
      params: { id: w.victim.id },
    }),
    expect: {
      anonymous: { status: 401 },
      otherUser: { status: 404 },
      tenantNobody: { status: 404 },
      otherOwner: { status: 404 },
      operator: { status: 404 },
      oldKey: { status: 404 },
      otherTenant: { status: 404 },
      expiredLink: { status: 404 },
      revokedLink: { status: 404 },
      viewLink: { status: 404 },
      foreignActLink: { status: 404 },
    },
  },
  // The cost platform's API takes API keys only: a browser's session or share cookie opens nothing; a key
  // reads what it reaches, and a key made before operators were named reads nothing.
  "GET /api/v1/integrations": {
    probe: (caller) => ({ url: `${base}/api/v1/integrations`, init: keyHeader(caller), params: {} }),
    expect: {
      ...forEveryCaller({ status: 401 }),
      operator: {
        allowed: "the operator's key lists what it reaches (Patti's integration), nothing of the victim's",
        check: (response, body) => {
          expect(response.status).toBe(200);
          const { data } = JSON.parse(body) as { data: { id: string }[] };
          expect(data.map((i) => i.id)).toEqual([w.pattiIntegration.id]);
        },
      },
      oldKey: revokedKey,
    },
  },
  "GET /api/v1/integrations/[id]": {
    probe: (caller) => ({
      url: `${base}/api/v1/integrations/${w.integrationId}?include=secret`,
      init: keyHeader(caller),
      params: { id: w.integrationId },
    }),
    expect: {
      ...forEveryCaller({ status: 401 }),
      operator: {
        allowed:
          "the victim's integration is beyond the operator's key's reach: not found, as if it were not",
        check: (response, body) => {
          expect(response.status).toBe(404);
          expect((JSON.parse(body) as { error: { message: string } }).error.message).toMatch(
            /within this API key's reach/,
          );
        },
      },
      oldKey: revokedKey,
    },
  },
  "GET /api/v1/openapi.json": {
    probe: () => ({ url: `${base}/api/v1/openapi.json`, params: {} }),
    expect: forEveryCaller({
      allowed: "the API's description is public",
      check: (response, body) => {
        expect(response.status).toBe(200);
        expect((JSON.parse(body) as { openapi: string }).openapi).toMatch(/^3\.1/);
      },
    }),
  },
  "GET /api/auth/[...nextauth]": nextAuthCase("GET"),
  "POST /api/auth/[...nextauth]": nextAuthCase("POST"),
};

const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The URL path of a folder under app/ (relative to it): route groups, "(name)" folders, are left out of
 * the URL, as Next leaves them out.
 */
function urlOfFolder(folder: string): string {
  const segments = folder.split(path.sep).filter((s) => s !== "" && !/^\(.+\)$/.test(s));
  return `/${segments.join("/")}`;
}

/** Every route handler under app/, as "METHOD /path". */
async function exportedRoutes(): Promise<Record<string, RouteHandler>> {
  const found: Record<string, RouteHandler> = {};
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : entry.name === "route.ts" ? [full] : [];
    });
  for (const file of walk(path.join(root, "app"))) {
    const route = urlOfFolder(path.relative(path.join(root, "app"), path.dirname(file)));
    const mod = (await import(file)) as Record<string, unknown>;
    for (const method of httpMethods)
      if (typeof mod[method] === "function") found[`${method} ${route}`] = mod[method] as RouteHandler;
  }
  return found;
}

/** The session cookie next-auth would have set for `user`, for next-auth's own routes. */
async function sessionCookie(user: Actor | null) {
  if (!user) return;
  const { encode } = await import("next-auth/jwt");
  const value = await encode({
    token: {
      sub: user.id,
      uid: user.id,
      name: user.name,
      homeAccountId: user.homeAccountId,
      tid: user.tenantId,
    },
    secret: process.env.SESSION_SECRET!,
  });
  scope.jar.set("next-auth.session-token", value);
}

// ---------------------------------------------------------------------------------------------------
// Pages

type Page = (props: {
  params: Promise<Record<string, string>>;
  searchParams: Promise<Record<string, string>>;
}) => Promise<unknown>;
type PageOutcome =
  { redirect: RegExp } | { notFound: true } | { renders: string; check?: (tree: string) => void };
type PageCase = {
  /** The dynamic segments the probe names, and what it echoes back by design (the probe's own input). */
  probe: (caller: Caller) => { params?: Record<string, string>; searchParams?: Record<string, string> };
  expect: Record<Caller, PageOutcome>;
};

/** What a page hands its components: the element tree it returns, every prop, as text. */
function treeText(node: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(node, (key, value: unknown) => {
    if (key.startsWith("_")) return undefined;
    if (typeof value === "function") return `<${value.name}>`;
    if (typeof value === "object" && value !== null) {
      if (seen.has(value)) return undefined;
      seen.add(value);
    }
    return value;
  });
}

const toSignIn = (path: string) => ({
  redirect: new RegExp(
    `^/sign-in\\?callbackUrl=${encodeURIComponent(path).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`,
  ),
});
const unavailable = (reason: string) => ({
  renders: `the link-unavailable page (${reason}), nothing of the onboarding`,
  check: (tree: string) => expect(tree).toContain("<LinkUnavailable>"),
});

const ownerPage = (suffix: string): PageCase => ({
  probe: () => ({ params: { id: w.victim.id } }),
  expect: {
    anonymous: toSignIn(`/onboardings/${"VICTIM"}${suffix}`),
    otherUser: { notFound: true },
    tenantNobody: { notFound: true },
    otherOwner: { notFound: true },
    operator: { notFound: true },
    oldKey: { notFound: true },
    otherTenant: { notFound: true },
    expiredLink: { notFound: true },
    revokedLink: { notFound: true },
    viewLink: { notFound: true },
    foreignActLink: { notFound: true },
  },
});

const publicPage = (what: string): PageCase => ({
  probe: () => ({
    searchParams: { callbackUrl: `/onboardings/${w.victim.id}`, error: "x", reason: "revoked" },
  }),
  expect: forEveryCallerPage({ renders: what }),
});

function forEveryCallerPage(outcome: PageOutcome): Record<Caller, PageOutcome> {
  return Object.fromEntries(callers.map((caller) => [caller, outcome])) as Record<Caller, PageOutcome>;
}

const pageCases: Record<string, PageCase> = {
  "/": publicPage("the home page"),
  "/sign-in": {
    ...publicPage("the sign-in page"),
    expect: {
      ...forEveryCallerPage({ redirect: /^\/onboardings\/VICTIM$/ }),
      anonymous: { renders: "the sign-in page" },
    },
  },
  "/sign-in/error": publicPage("the sign-in error page"),
  "/link-unavailable": publicPage("the link-unavailable page"),
  "/onboardings": {
    probe: () => ({}),
    expect: {
      ...forEveryCallerPage({ renders: "the caller's own onboardings" }),
      anonymous: toSignIn("/onboardings"),
    },
  },
  "/onboardings/[id]": ownerPage(""),
  "/onboardings/[id]/manual": ownerPage("/manual"),
  "/onboardings/[id]/receipt": ownerPage("/receipt"),
  "/integrations": {
    probe: () => ({}),
    expect: {
      ...forEveryCallerPage({
        renders: "the caller's own integrations (none of the victim's), and no list of every tenant's",
        check: (tree) => expect(tree).not.toContain("<AllIntegrationsTable>"),
      }),
      operator: {
        renders: "every tenant's integrations for the operator, metadata only",
        check: (tree) => {
          expect(tree).toContain("<AllIntegrationsTable>");
          expect(tree).toContain(w.integrationId);
          expect(tree).toContain(w.pattiIntegration.id);
        },
      },
      anonymous: toSignIn("/integrations"),
    },
  },
  "/integrations/[id]": {
    probe: () => ({ params: { id: w.integrationId } }),
    expect: {
      anonymous: { redirect: /^\/sign-in\?callbackUrl=%2Fintegrations%2Fint_[0-9a-f-]{36}$/ },
      otherUser: { notFound: true },
      tenantNobody: { notFound: true },
      otherOwner: { notFound: true },
      operator: { notFound: true },
      oldKey: { notFound: true },
      otherTenant: { notFound: true },
      expiredLink: { notFound: true },
      revokedLink: { notFound: true },
      viewLink: { notFound: true },
      foreignActLink: { notFound: true },
    },
  },
  "/settings/api-keys": {
    probe: () => ({}),
    expect: {
      ...forEveryCallerPage({ notFound: true }),
      operator: {
        renders: "every key, by name and reach, never a token",
        check: (tree) => {
          expect(tree).toContain(w.apiKey.id);
          expect(tree).toContain(w.oldKey.id);
        },
      },
      anonymous: toSignIn("/settings/api-keys"),
    },
  },
  "/settings/webhooks": {
    probe: () => ({}),
    expect: {
      ...forEveryCallerPage({ notFound: true }),
      operator: {
        renders: "every endpoint with its deliveries, never a signing secret",
        check: (tree) => {
          expect(tree).toContain(w.endpoint.url);
          expect(tree).toContain(w.delivery.eventId);
        },
      },
      anonymous: toSignIn("/settings/webhooks"),
    },
  },
  "/settings/vantage": {
    probe: () => ({}),
    expect: {
      ...forEveryCallerPage({
        renders: "the caller's own Vantage token (none), nothing of the owner's",
        check: (tree) => expect(tree).not.toContain("vntg_vic"),
      }),
      anonymous: toSignIn("/settings/vantage"),
    },
  },
  "/shared/[linkId]": {
    probe: (caller) => ({ params: { linkId: w.presented[caller].link?.id ?? w.links.ownersLive.id } }),
    expect: {
      anonymous: unavailable("no cookie for the owner's live link"),
      otherUser: unavailable("no cookie for the owner's live link"),
      tenantNobody: unavailable("no cookie for the owner's live link"),
      otherOwner: unavailable("no cookie for the owner's live link"),
      operator: unavailable("no cookie for the owner's live link"),
      oldKey: unavailable("no cookie for the owner's live link"),
      otherTenant: unavailable("no cookie for the owner's live link"),
      expiredLink: unavailable("expired"),
      revokedLink: unavailable("revoked"),
      viewLink: {
        renders: "the view link's own onboarding, read-only, with no other link of it",
        check: (tree) => expect(tree).not.toMatch(/ConnectForm|StepActionForm|CheckAgainForm/),
      },
      foreignActLink: {
        renders: "the act link's own onboarding, not the one probed",
        check: (tree) => expect(tree).toContain(w.other.id),
      },
    },
  },
};

/** Every page under app/, as its route. */
async function exportedPages(): Promise<Record<string, Page>> {
  const found: Record<string, Page> = {};
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : entry.name === "page.tsx" ? [full] : [];
    });
  for (const file of walk(path.join(root, "app"))) {
    const route = urlOfFolder(path.relative(path.join(root, "app"), path.dirname(file)));
    found[route] = ((await import(file)) as { default: Page }).default;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------

let actions: Awaited<ReturnType<typeof exportedActions>>;
let routes: Awaited<ReturnType<typeof exportedRoutes>>;
let pages: Awaited<ReturnType<typeof exportedPages>>;

beforeAll(async () => {
  // Vantage is a closed port here: no probe reaches the real one.
  harness = await startPortalHarness({ env: { VANTAGE_API_URL: "http://127.0.0.1:9/v2" } });
  db = await import("@/lib/db");
  installCommonJsNextHeaders();
  w = await buildWorld();
  actions = await exportedActions();
  routes = await exportedRoutes();
  pages = await exportedPages();
}, 120_000);

afterAll(async () => {
  await db?.closeDb();
  await harness?.emu.close();
});

describe("every server action and route handler has a case for every caller", () => {
  it("covers each exported server action", () => {
    expect(Object.keys(actions).sort()).toEqual(Object.keys(actionCases).sort());
    for (const [name, c] of Object.entries(actionCases)) {
      expect(actions[name]?.module, name).toBe(c.module);
      for (const caller of callers)
        expect(Boolean(c.refused[caller]) !== Boolean(c.allowed?.[caller]), `${name} × ${caller}`).toBe(true);
    }
  });

  it("covers each route handler and method", () => {
    expect(Object.keys(routes).sort()).toEqual(Object.keys(routeCases).sort());
  });

  it("covers each page", () => {
    expect(Object.keys(pages).sort()).toEqual(Object.keys(pageCases).sort());
  });
});

describe("server actions refuse every caller but the owner", () => {
  for (const [name, c] of Object.entries(actionCases)) {
    it(name, async () => {
      for (const caller of callers) {
        const before = await snapshot();
        const presented = actAs(caller);
        const fields = { ...c.fields(caller), shareLinkId: presented.link?.id };
        const result = await callAction(actions[name]!.fn, form(fields));
        const label = `${name} × ${caller}`;
        const refusal = c.refused[caller];
        if (refusal) {
          expect(result, label).toMatchObject({ ok: false });
          expect(result.message, label).toMatch(refusal);
          expect(scope.revalidated, `${label} revalidated a page`).toEqual([]);
        } else {
          await c.allowed![caller]!(result, caller);
        }
        expectNoLeak(
          JSON.stringify(result) + (result instanceof RedirectSignal ? result.url : ""),
          caller,
          label,
        );
        expect(await snapshot(), `${label} changed the onboarding`).toBe(before);
      }
      expect(await db.db.shareLink.findUniqueOrThrow({ where: { id: w.links.ownersLive.id } })).toMatchObject(
        {
          revokedAt: null,
        },
      );
    });
  }

  it("the same posts by the owner do go through (the refusals above were the caller's doing)", async () => {
    resetScope();
    scope.user = w.owner;
    const share = await callAction(
      actions.createShareLinkAction!.fn,
      form(actionCases.createShareLinkAction!.fields("anonymous")),
    );
    expect(share).toMatchObject({ ok: true });
    const settings = await callAction(
      actions.updateSettingsAction!.fn,
      form({ onboardingId: w.other.id, appDisplayName: "renamed" }),
    );
    expect(settings).toMatchObject({ ok: true });
  });
});

describe("route handlers refuse every caller but the owner", () => {
  for (const [name, c] of Object.entries(routeCases)) {
    it(name, async () => {
      for (const caller of callers) {
        const before = await snapshot();
        const presented = actAs(caller);
        await sessionCookie(presented.user);
        const jarBefore = new Map(scope.jar);
        const { NextRequest } = await import("next/server");
        const probe = c.probe(caller);
        const response = await routes[name]!(new NextRequest(probe.url, probe.init), {
          params: Promise.resolve(probe.params),
        });
        const body = await response.text();
        const label = `${name} × ${caller}`;
        const expected = c.expect[caller];
        if ("status" in expected) {
          expect(response.status, label).toBe(expected.status);
          if (expected.message)
            expect((JSON.parse(body) as { message: string }).message, label).toMatch(expected.message);
          if (expected.location) expect(response.headers.get("location"), label).toMatch(expected.location);
          // Refused: no cookie was handed out.
          expect(new Map(scope.jar), `${label} set a cookie`).toEqual(jarBefore);
        } else {
          await expected.check(response, body, caller);
        }
        const headers = JSON.stringify([...response.headers]);
        expectNoLeak(`${response.status} ${headers} ${body}`, caller, label);
        expect(await snapshot(), `${label} changed the onboarding`).toBe(before);
      }
    });
  }

  it("refuses a cross-site advance whoever asks, before anything else", async () => {
    for (const caller of [...callers, "owner"] as const) {
      resetScope();
      scope.user = caller === "owner" ? w.owner : w.presented[caller].user;
      const { NextRequest } = await import("next/server");
      const response = await routes["POST /api/onboardings/[id]/advance"]!(
        new NextRequest(`${base}/api/onboardings/${w.victim.id}/advance`, {
          method: "POST",
          headers: { origin: "https://evil.example" },
        }),
        { params: Promise.resolve({ id: w.victim.id }) },
      );
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ message: "Cross-site request refused." });
    }
  });

  it("tells Microsoft's reason on a failed sign-in by its code only, whoever calls", async () => {
    const { NextRequest } = await import("next/server");
    for (const caller of callers) {
      actAs(caller);
      const description = `AADSTS65004: User declined to consent to access the app ${w.victim.appDisplayName} <script>`;
      const response = await routes["GET /api/auth/[...nextauth]"]!(
        new NextRequest(
          `${base}/api/auth/callback/azure-ad?error=access_denied%3Cb%3E&error_description=${encodeURIComponent(description)}`,
        ),
        { params: Promise.resolve({ nextauth: ["callback", "azure-ad"] }) },
      );
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(
        `${base}/sign-in/error?error=access_deniedb&code=AADSTS65004`,
      );
    }
  });
});

describe("pages show nothing of someone else's onboarding", () => {
  for (const [name, c] of Object.entries(pageCases)) {
    it(name, async () => {
      for (const caller of callers) {
        const before = await snapshot();
        actAs(caller);
        const probe = c.probe(caller);
        const label = `${name} × ${caller}`;
        let outcome: { redirect: string } | { notFound: true } | { tree: string };
        try {
          const tree = await pages[name]!({
            params: Promise.resolve(probe.params ?? {}),
            searchParams: Promise.resolve(probe.searchParams ?? {}),
          });
          outcome = { tree: treeText(tree) };
        } catch (error) {
          if (error instanceof RedirectSignal) outcome = { redirect: error.url };
          else if (error instanceof NotFoundSignal) outcome = { notFound: true };
          else throw error;
        }
        const expected = c.expect[caller];
        if ("redirect" in expected) {
          expect(outcome, label).toHaveProperty("redirect");
          const url = (outcome as { redirect: string }).redirect.replace(w.victim.id, "VICTIM");
          expect(url, label).toMatch(expected.redirect);
        } else if ("notFound" in expected) {
          expect(outcome, label).toEqual({ notFound: true });
        } else {
          expect(outcome, label).toHaveProperty("tree");
          expected.check?.((outcome as { tree: string }).tree);
        }
        // The probe's own input may come back (a sign-in link back to the page asked for); nothing else.
        const own = caller === "viewLink" && name === "/shared/[linkId]";
        if (own) {
          const tree = (outcome as { tree: string }).tree;
          expect(tree, label).not.toContain("secretCiphertext");
          for (const other of [w.links.ownersLive, w.links.expired, w.links.revoked])
            expect(tree, `${label} shows another link`).not.toContain(other.token);
        } else {
          expectNoLeak(JSON.stringify(outcome), caller, label, [
            ...Object.values(probe.params ?? {}),
            ...Object.values(probe.searchParams ?? {}).flatMap((v) => [v, v.split("/").pop()!]),
          ]);
        }
        expect(await snapshot(), `${label} changed the onboarding`).toBe(before);
      }
    });
  }
});

it("the owner's own pages do carry the onboarding, so the checks above can fail", async () => {
  actAs("anonymous");
  scope.user = w.owner;
  for (const name of ["/onboardings/[id]", "/onboardings/[id]/manual"]) {
    const tree = treeText(
      await pages[name]!({ params: Promise.resolve({ id: w.victim.id }), searchParams: Promise.resolve({}) }),
    );
    expect(tree, name).toContain(w.victim.appDisplayName);
    expect(tree, name).toContain(w.victim.clientId);
  }
  const list = treeText(
    await pages["/onboardings"]!({ params: Promise.resolve({}), searchParams: Promise.resolve({}) }),
  );
  expect(list).toContain(w.victim.id);
  const vantage = treeText(
    await pages["/settings/vantage"]!({ params: Promise.resolve({}), searchParams: Promise.resolve({}) }),
  );
  expect(vantage).toContain("vntg_vic");
  const integrationPages: [string, Record<string, string>][] = [
    ["/integrations", {}],
    ["/integrations/[id]", { id: w.integrationId }],
  ];
  for (const [name, params] of integrationPages) {
    const tree = treeText(
      await pages[name]!({ params: Promise.resolve(params), searchParams: Promise.resolve({}) }),
    );
    expect(tree, name).toContain(w.victim.clientId);
    expect(tree, name).toContain(w.victim.billingAccountName);
  }
});
