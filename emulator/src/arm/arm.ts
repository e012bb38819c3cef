/**
 * Azure Resource Manager under /arm: subscriptions, tenants, management groups, Microsoft.Billing, Cost
 * Management, RBAC.
 */
import type { Caller } from "../auth";
import type { Ctx } from "../http";
import type { World } from "../world";
import { handleBilling } from "./billing";
import { API_VERSIONS, armAuthenticate, armError, armHeaders, armJson, armPage, armRoute } from "./common";
import { costQuery } from "./cost";
import { handleManagementGroups } from "./management-groups";
import { handleRbac, hasRbacRead, normaliseScope } from "./rbac";

function subscriptionJson(world: World, id: string): Record<string, unknown> | undefined {
  const s = world.store.subscriptions.get(id);
  if (!s) return undefined;
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
  };
}

function visibleSubscriptions(world: World, caller: Caller): string[] {
  return [...world.store.subscriptions.values()]
    .filter(
      (s) =>
        s.tenantId === caller.tenant.id &&
        (hasRbacRead(world, caller, `/subscriptions/${s.subscriptionId}`) ||
          world.store.rbac.some(
            (a) =>
              a.principalId === caller.principalId &&
              a.scope.toLowerCase().startsWith(`/subscriptions/${s.subscriptionId}/`),
          )),
    )
    .map((s) => s.subscriptionId);
}

function subscriptions(world: World, ctx: Ctx, caller: Caller, id?: string): void {
  if (
    !armRoute(ctx, id ? "GET /subscriptions/{id}" : "GET /subscriptions", API_VERSIONS.core, {
      type: "subscriptions",
    })
  )
    return;
  const visible = visibleSubscriptions(world, caller);
  if (id) {
    const sid = id.toLowerCase();
    if (!visible.includes(sid))
      return armError(ctx, 404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`);
    return armJson(ctx, 200, subscriptionJson(world, sid));
  }
  const items = visible.map((s) => subscriptionJson(world, s)!);
  armJson(ctx, 200, {
    ...armPage(world, ctx, items, caller.tenant.settings.armPageSize),
    count: { type: "Total", value: items.length },
  });
}

function tenants(ctx: Ctx, caller: Caller): void {
  if (!armRoute(ctx, "GET /tenants", API_VERSIONS.core, { type: "tenants" })) return;
  const t = caller.tenant;
  armJson(ctx, 200, {
    value: [
      {
        id: `/tenants/${t.id}`,
        tenantId: t.id,
        countryCode: t.countryCode,
        displayName: t.displayName,
        domains: [t.domain],
        tenantCategory: "Home",
        defaultDomain: t.domain,
        tenantType: "AAD",
      },
    ],
  });
}

function notFound(ctx: Ctx, segments: string[]): void {
  ctx.route = `${ctx.method} (unknown ARM route)`;
  const providerIndex = segments.findIndex((s) => s.toLowerCase() === "providers");
  const namespace = providerIndex >= 0 ? segments[providerIndex + 1] : undefined;
  if (namespace) {
    return armError(
      ctx,
      404,
      "InvalidResourceType",
      `The resource type '${segments.slice(providerIndex + 2).join("/")}' could not be found in the namespace '${namespace}' for api version '${ctx.url.searchParams.get("api-version") ?? ""}'.`,
    );
  }
  armError(ctx, 404, "NotFound", `The requested resource '/${segments.join("/")}' does not exist.`);
}

export function handleArm(world: World, ctx: Ctx): void {
  armHeaders(ctx);
  const segments = ctx.segments.slice(1);
  const caller = armAuthenticate(world, ctx);
  if (!caller) {
    ctx.route = `${ctx.method} /${segments.join("/")}`;
    return;
  }
  const lower = segments.map((s) => s.toLowerCase());
  const m = ctx.method;

  // /providers/Microsoft.Billing/billingAccounts/{name}/providers/Microsoft.CostManagement/query
  if (lower[0] === "providers" && lower[1] === "microsoft.billing" && lower[2] === "billingaccounts") {
    if (
      lower[4] === "providers" &&
      lower[5] === "microsoft.costmanagement" &&
      lower[6] === "query" &&
      segments.length === 7 &&
      m === "POST"
    ) {
      return costQuery(world, ctx, caller, { kind: "billingAccount", name: segments[3]! });
    }
    if (handleBilling(world, ctx, caller, segments.slice(3))) return;
    return notFound(ctx, segments);
  }
  if (
    lower[0] === "providers" &&
    lower[1] === "microsoft.management" &&
    lower[2] === "managementgroups" &&
    segments.length <= 4 &&
    handleManagementGroups(world, ctx, caller, segments.slice(3))
  )
    return;
  if (lower[0] === "tenants" && segments.length === 1 && m === "GET") return tenants(ctx, caller);
  if (lower[0] === "subscriptions" && m === "GET" && segments.length <= 2)
    return subscriptions(world, ctx, caller, segments[1]);
  if (
    lower[0] === "subscriptions" &&
    lower[2] === "providers" &&
    lower[3] === "microsoft.costmanagement" &&
    lower[4] === "query" &&
    segments.length === 5 &&
    m === "POST"
  ) {
    return costQuery(world, ctx, caller, { kind: "subscription", id: segments[1]! });
  }
  const auth = lower.findIndex((s, i) => s === "microsoft.authorization" && lower[i - 1] === "providers");
  if (auth >= 1) {
    const scope = normaliseScope(segments.slice(0, auth - 1).join("/"));
    if (handleRbac(world, ctx, caller, scope, segments.slice(auth + 1))) return;
  }
  notFound(ctx, segments);
}
