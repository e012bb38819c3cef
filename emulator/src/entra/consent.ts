/**
 * Consent: which permissions a sign-in still needs, the consent and "need admin approval" pages, the
 * answer to them (POST /{tenant}/Consent/Set) and tenant-wide admin consent (/adminconsent).
 */

import { readForm, sendHtml, type Ctx } from "../http";
import { randomString } from "../ids";
import type { User } from "../store";
import { now, sweep, type AuthFlow, type World } from "../world";
import { errorPage } from "./errors";
import {
  FLOW_TTL_MS,
  appNotFoundText,
  issueCode,
  loadFlow,
  params,
  resolveTenantSegment,
  sendErrorToClient,
  sendToClient,
  showPicker,
  tenantNotFoundText,
} from "./flow";
import {
  grantedKeys,
  isAdminForConsent,
  isOidcKey,
  redirectUriAllowed,
  requestedKeys,
  resolveClient,
} from "./minting";
import { consentPage, needAdminApprovalPage, type PermissionLine } from "./pages";
import { RESOURCES, describe, parseScopes, splitKey } from "./scopes";

function neededKeys(world: World, flow: AuthFlow): string[] {
  const client = resolveClient(world, flow.clientId);
  if (!client) return [];
  if (flow.kind === "adminconsent") {
    const parsed = parseScopes(flow.scope);
    return parsed.ok && flow.scope.trim()
      ? requestedKeys(client, parsed.scopes)
      : requestedKeys(client, [
          { raw: ".default", resource: "graph", name: ".default" },
          { raw: ".default", resource: "arm", name: ".default" },
        ]);
  }
  const parsed = parseScopes(flow.scope);
  return parsed.ok ? requestedKeys(client, parsed.scopes) : [];
}

export function missingKeys(world: World, flow: AuthFlow, user: User): string[] {
  const granted = grantedKeys(world, user.tenantId, flow.clientId, user.id);
  return neededKeys(world, flow).filter((k) => !granted.has(k));
}

function permissionLines(keys: string[]): PermissionLine[] {
  return keys.map((k) => {
    const { resource, name } = splitKey(k);
    const d = describe(resource, name);
    return {
      description: d.description,
      scope: name,
      resourceName: RESOURCES[resource].displayName,
      adminOnly: d.adminOnly,
    };
  });
}

export function continueWithUser(world: World, ctx: Ctx, flow: AuthFlow, user: User): void {
  const tenant = world.store.tenants.get(user.tenantId)!;
  const admin = isAdminForConsent(user);
  const consentAction = `/${flow.tenantSegment}/Consent/Set`;
  const needApproval = () =>
    sendHtml(
      ctx,
      200,
      needAdminApprovalPage({
        action: consentAction,
        flowId: flow.id,
        clientName: flow.clientName,
        user,
        tenant,
      }),
    );
  if (flow.kind === "adminconsent" || flow.prompt === "admin_consent") {
    if (!admin) return needApproval();
    return sendHtml(
      ctx,
      200,
      consentPage({
        action: consentAction,
        flowId: flow.id,
        clientName: flow.clientName,
        user,
        tenant,
        permissions: permissionLines(neededKeys(world, flow)),
        offerOrgConsent: true,
        orgConsentOnly: true,
      }),
    );
  }
  const missing = missingKeys(world, flow, user);
  const shown = flow.prompt === "consent" ? neededKeys(world, flow) : missing;
  if (shown.length === 0) return issueCode(world, ctx, flow, user);
  const needsAdmin = missing.some(
    (k) => !isOidcKey(k) && describe(splitKey(k).resource, splitKey(k).name).adminOnly,
  );
  if (needsAdmin && !admin) return needApproval();
  sendHtml(
    ctx,
    200,
    consentPage({
      action: consentAction,
      flowId: flow.id,
      clientName: flow.clientName,
      user,
      tenant,
      permissions: permissionLines(shown),
      offerOrgConsent: admin,
      orgConsentOnly: false,
    }),
  );
}

/** POST /{tenant}/Consent/Set: Accept, Cancel, or "sign in with another account". */
export function handleConsentSet(world: World, ctx: Ctx): void {
  ctx.route = "POST /Consent/Set";
  const flow = loadFlow(world, ctx);
  if (!flow) return;
  const form = readForm(ctx);
  const user = flow.userId ? world.store.users.get(flow.userId) : undefined;
  if (!user)
    return errorPage(ctx, 50058, "No account was picked for this sign-in. Start again from the application.");
  ctx.tenantId = user.tenantId;
  const decision = form.get("decision");
  if (decision === "other-account") {
    flow.userId = undefined;
    return showPicker(world, ctx, flow);
  }
  if (decision !== "accept") {
    world.flows.delete(flow.id);
    return sendErrorToClient(
      ctx,
      flow,
      "access_denied",
      65004,
      "User declined to consent to access the app.",
      { error_subcode: "cancel" },
    );
  }
  const admin = isAdminForConsent(user);
  const needed = neededKeys(world, flow);
  const missing = missingKeys(world, flow, user);
  const needsAdmin = missing.some(
    (k) => !isOidcKey(k) && describe(splitKey(k).resource, splitKey(k).name).adminOnly,
  );
  if ((needsAdmin || flow.kind === "adminconsent") && !admin)
    return errorPage(ctx, 90094, "The grant requires admin permission.");
  const grant = world.store.consent(user.tenantId, flow.clientId);
  const orgWide = flow.kind === "adminconsent" || (admin && form.get("consentOnBehalf") === "true");
  if (orgWide) for (const k of needed) grant.admin.add(k);
  else {
    const mine = grant.users.get(user.id) ?? new Set<string>();
    for (const k of needed) mine.add(k);
    grant.users.set(user.id, mine);
  }
  if (flow.kind === "adminconsent") {
    world.flows.delete(flow.id);
    return sendToClient(ctx, flow, {
      admin_consent: "True",
      tenant: user.tenantId,
      scope: needed.map((k) => splitKey(k).name).join(" "),
    });
  }
  issueCode(world, ctx, flow, user);
}

/** GET /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent */
export function handleAdminConsent(world: World, ctx: Ctx, segment: string): void {
  sweep(world);
  ctx.route = "GET /adminconsent";
  const p = params(ctx);
  const tenantRes = resolveTenantSegment(world, segment);
  if (tenantRes.kind === "unknown" || tenantRes.kind === "consumers")
    return errorPage(ctx, 90002, tenantNotFoundText(segment));
  const clientId = p.get("client_id");
  if (!clientId)
    return errorPage(ctx, 900144, "The request body must contain the following parameter: 'client_id'.");
  const client = resolveClient(world, clientId);
  const tenantName = tenantRes.kind === "specific" ? tenantRes.tenant.displayName : segment;
  if (!client) return errorPage(ctx, 700016, appNotFoundText(clientId, tenantName));
  const redirectUri = p.get("redirect_uri") ?? client.redirectUris[0];
  if (!redirectUri || !redirectUriAllowed(client, redirectUri)) {
    return errorPage(
      ctx,
      50011,
      `The redirect URI '${redirectUri ?? ""}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    );
  }
  const flow: AuthFlow = {
    id: randomString(32),
    kind: "adminconsent",
    tenantSegment: segment,
    tenantId: tenantRes.kind === "specific" ? tenantRes.tenant.id : undefined,
    clientId: client.clientId,
    clientName: client.displayName,
    redirectUri,
    scope: p.get("scope") ?? "",
    state: p.get("state") ?? undefined,
    responseMode: "query",
    clientInfo: false,
    expiresAt: now(world) + FLOW_TTL_MS,
  };
  world.flows.set(flow.id, flow);
  showPicker(world, ctx, flow);
}
