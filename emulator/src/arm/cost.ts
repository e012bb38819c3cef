/**
 * Microsoft.CostManagement/query at billing-account and subscription scope: timeframes, Daily or total
 * granularity, Sum aggregations, Dimension grouping and filters, paging, and the throttling headers.
 */
import type { Caller } from "../auth";
import { isObject, send, type Ctx } from "../http";
import { guid } from "../ids";
import type { CostRow, Tenant } from "../store";
import { now, type World } from "../world";
import { billingAccess, canRead } from "./billing-access";
import {
  API_VERSIONS,
  armError,
  armJson,
  armRoute,
  authorizationFailed,
  readArmBody,
  applyErrorShape,
} from "./common";
import { rbacRolesAt, rolesGrant } from "./rbac-scopes";

const DIMENSIONS: Record<string, (r: CostRow) => string> = {
  resourcegroup: (r) => r.resourceGroup,
  resourcegroupname: (r) => r.resourceGroup,
  servicename: (r) => r.serviceName,
  metercategory: (r) => r.serviceName,
  resourcelocation: (r) => r.resourceLocation,
  subscriptionid: (r) => r.subscriptionId ?? "",
  chargetype: () => "Usage",
  publishertype: () => "Azure",
};
const COST_NAMES = ["cost", "pretaxcost", "costusd", "pretaxcostusd"];
const COST_COLUMNS = ["Cost", "PreTaxCost", "CostUSD", "PreTaxCostUSD"];

function canonicalCostName(name: string): string {
  return COST_COLUMNS.find((c) => c.toLowerCase() === name.toLowerCase()) ?? name;
}

function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The [from, to] UTC date range (inclusive, YYYY-MM-DD) of a timeframe. */
function range(timeframe: string, timePeriod: unknown, t: number): { from: string; to: string } | string {
  const today = new Date(t);
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  switch (timeframe.toLowerCase()) {
    case "monthtodate":
    case "billingmonthtodate":
      return { from: dayKey(new Date(Date.UTC(y, m, 1))), to: dayKey(today) };
    case "thelastmonth":
    case "thelastbillingmonth":
      return { from: dayKey(new Date(Date.UTC(y, m - 1, 1))), to: dayKey(new Date(Date.UTC(y, m, 0))) };
    case "weektodate": {
      const dow = (today.getUTCDay() + 6) % 7;
      return { from: dayKey(new Date(t - dow * 86_400_000)), to: dayKey(today) };
    }
    case "custom": {
      if (!isObject(timePeriod) || typeof timePeriod.from !== "string" || typeof timePeriod.to !== "string")
        return "The timePeriod field is required when timeframe is Custom.";
      const from = Date.parse(timePeriod.from);
      const to = Date.parse(timePeriod.to);
      if (Number.isNaN(from) || Number.isNaN(to) || to < from)
        return "Invalid timePeriod: 'from' must be a date before 'to'.";
      if (to - from > 366 * 86_400_000) return "Invalid query: the time period cannot exceed one year.";
      return { from: dayKey(new Date(from)), to: dayKey(new Date(to)) };
    }
    default:
      return `Invalid timeframe '${timeframe}'. Supported values are MonthToDate, BillingMonthToDate, TheLastMonth, TheLastBillingMonth, WeekToDate and Custom.`;
  }
}

type Filter = (r: CostRow) => boolean;

function parseFilter(filter: unknown): Filter | string {
  if (filter === undefined || filter === null) return () => true;
  if (!isObject(filter)) return "Invalid filter.";
  if (Array.isArray(filter.and)) {
    const parts = filter.and.map(parseFilter);
    const bad = parts.find((p) => typeof p === "string");
    if (bad) return bad;
    return (r) => (parts as Filter[]).every((p) => p(r));
  }
  if (Array.isArray(filter.or)) {
    const parts = filter.or.map(parseFilter);
    const bad = parts.find((p) => typeof p === "string");
    if (bad) return bad;
    return (r) => (parts as Filter[]).some((p) => p(r));
  }
  if (isObject(filter.not)) {
    const inner = parseFilter(filter.not);
    if (typeof inner === "string") return inner;
    return (r) => !inner(r);
  }
  const clause = isObject(filter.dimensions)
    ? filter.dimensions
    : isObject(filter.tags)
      ? filter.tags
      : undefined;
  if (!clause || typeof clause.name !== "string" || !Array.isArray(clause.values))
    return "Invalid filter: expected and, or, not, dimensions or tags.";
  const values = (clause.values as unknown[]).map((v) => String(v).toLowerCase());
  if (isObject(filter.tags)) return () => false; // the emulator's cost rows carry no tags
  const get = DIMENSIONS[clause.name.toLowerCase()];
  if (!get) return `Invalid dimension '${clause.name}' in filter.`;
  return (r) => values.includes(get(r).toLowerCase());
}

interface Parsed {
  granularity: "Daily" | "Monthly" | "None";
  aggregations: string[];
  groupings: string[];
  filter: Filter;
  from: string;
  to: string;
}

function parseBody(body: unknown, t: number, type: string): Parsed | string {
  if (!isObject(body)) return "The request body is required.";
  if (
    typeof body.type !== "string" ||
    !["usage", "actualcost", "amortizedcost"].includes(body.type.toLowerCase())
  )
    return "Invalid query type. Supported values are Usage, ActualCost and AmortizedCost.";
  if (typeof body.timeframe !== "string") return "The timeframe field is required.";
  const r = range(body.timeframe, body.timePeriod, t);
  if (typeof r === "string") return r;
  const dataset = isObject(body.dataset) ? body.dataset : {};
  const g = typeof dataset.granularity === "string" ? dataset.granularity : "None";
  const granularity =
    g.toLowerCase() === "daily"
      ? "Daily"
      : g.toLowerCase() === "monthly"
        ? "Monthly"
        : g.toLowerCase() === "none"
          ? "None"
          : undefined;
  if (!granularity) return `Invalid granularity '${g}'. Supported values are Daily and None.`;
  const aggregations: string[] = [];
  if (dataset.aggregation !== undefined) {
    if (!isObject(dataset.aggregation)) return "Invalid aggregation.";
    for (const [alias, agg] of Object.entries(dataset.aggregation)) {
      if (!isObject(agg) || typeof agg.name !== "string" || !COST_NAMES.includes(agg.name.toLowerCase()))
        return `Invalid aggregation '${alias}': name must be one of Cost, PreTaxCost, CostUSD, PreTaxCostUSD.`;
      if (String(agg.function).toLowerCase() !== "sum")
        return `Invalid aggregation '${alias}': only the Sum function is supported.`;
      // The answer names the column after its source, not the alias (Microsoft's grouping example).
      aggregations.push(canonicalCostName(agg.name));
    }
  }
  // Without an aggregation the service answers with its default cost column.
  if (aggregations.length === 0) aggregations.push(type.toLowerCase() === "usage" ? "PreTaxCost" : "Cost");
  const groupings: string[] = [];
  if (dataset.grouping !== undefined) {
    if (!Array.isArray(dataset.grouping) || dataset.grouping.length > 2)
      return "Invalid grouping: at most two groupings are supported.";
    for (const grp of dataset.grouping) {
      if (
        !isObject(grp) ||
        grp.type !== "Dimension" ||
        typeof grp.name !== "string" ||
        !DIMENSIONS[grp.name.toLowerCase()]
      )
        return `Invalid grouping '${JSON.stringify(grp)}'.`;
      groupings.push(grp.name);
    }
  }
  const filter = parseFilter(dataset.filter);
  if (typeof filter === "string") return filter;
  return { granularity, aggregations, groupings, filter, ...r };
}

function aggregate(
  rows: CostRow[],
  q: Parsed,
): { key: (string | number)[]; cost: number; currency: string }[] {
  const groups = new Map<string, { key: (string | number)[]; cost: number; currency: string }>();
  for (const r of rows) {
    if (r.date < q.from || r.date > q.to || !q.filter(r)) continue;
    const parts: (string | number)[] = q.groupings.map((g) => DIMENSIONS[g.toLowerCase()]!(r));
    if (q.granularity === "Daily") parts.push(Number(r.date.replace(/-/g, "")));
    if (q.granularity === "Monthly") parts.push(`${r.date.slice(0, 7)}-01T00:00:00`);
    const id = JSON.stringify([...parts, r.currency]);
    const g = groups.get(id) ?? { key: parts, cost: 0, currency: r.currency };
    g.cost += r.cost;
    groups.set(id, g);
  }
  return [...groups.values()].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key)));
}

/** The headers naming a throttled query's wait, as the tenant's costThrottleHeaders switch says. */
export function costThrottleHeaders(tenant: Tenant | undefined, seconds: number): Record<string, string> {
  const wait = String(seconds);
  const choice = tenant?.settings.costThrottleHeaders ?? "costmanagement";
  if (choice === "consumption") return { "x-ms-ratelimit-microsoft.consumption-retry-after": wait };
  return {
    ...(choice === "retry-after" ? { "Retry-After": wait } : {}),
    "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": wait,
    "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after": wait,
    "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after": "0",
    "x-ms-ratelimit-microsoft.costmanagement-clienttype-retry-after": "0",
  };
}

/** Per-scope query times for the Cost Management throttle, per emulator (tests run several). */
const calls = new WeakMap<World, Map<string, number[]>>();

/** Counts the query against its scope's quota; answers 429 itself when the quota is spent. */
function throttled(world: World, ctx: Ctx, caller: Caller, tenant: Tenant, scopeKey: string): boolean {
  const s = tenant.settings;
  const limit = caller.kind === "app" ? s.costQueryLimitPerMinute : s.costQueryLimitPerMinuteDelegated;
  if (limit <= 0) return false;
  const windowMs = s.costThrottleWindowSeconds * 1000;
  const t = now(world);
  const byScope = calls.get(world) ?? new Map<string, number[]>();
  calls.set(world, byScope);
  const key = `${caller.kind}|${scopeKey}`;
  const recent = (byScope.get(key) ?? []).filter((c) => t - c < windowMs);
  if (recent.length >= limit) {
    const seconds = Math.max(1, Math.ceil((windowMs - (t - recent[0]!)) / 1000));
    armError(ctx, 429, "429", "Too many requests. Please retry.", costThrottleHeaders(tenant, seconds));
    return true;
  }
  recent.push(t);
  byScope.set(key, recent);
  return false;
}

/** POST {scope}/providers/Microsoft.CostManagement/query; scope is "providers/Microsoft.Billing/billingAccounts/x" or "subscriptions/x". */
export function costQuery(
  world: World,
  ctx: Ctx,
  caller: Caller,
  scope: { kind: "billingAccount"; name: string } | { kind: "subscription"; id: string },
): void {
  applyErrorShape(world, ctx, "costQuery");
  const version = armRoute(
    ctx,
    `POST /${scope.kind === "billingAccount" ? "billingAccounts/{name}" : "subscriptions/{id}"}/providers/Microsoft.CostManagement/query`,
    API_VERSIONS.costManagement,
    { namespace: "Microsoft.CostManagement", type: "query" },
  );
  if (!version) return;
  let rows: CostRow[];
  let scopePath: string;
  let settingsTenant: Tenant = caller.tenant;
  if (scope.kind === "billingAccount") {
    scopePath = `providers/Microsoft.Billing/billingAccounts/${scope.name}`;
    const account = world.store.billingAccounts.get(scope.name);
    if (!account) return armError(ctx, 404, "NotFound", `Scope '/${scopePath}' was not found.`);
    settingsTenant = world.store.tenants.get(account.primaryBillingTenantId) ?? caller.tenant;
    // Every query counts against the scope's quota, refused ones included.
    if (throttled(world, ctx, caller, settingsTenant, scopePath.toLowerCase())) return;
    if (!canRead(billingAccess(world, account, caller, "cost"))) {
      const choice = settingsTenant.settings.costForbidden;
      if (choice.status === 401)
        return armError(ctx, 401, choice.code, "No claims present for the caller in the system");
      return authorizationFailed(
        ctx,
        caller,
        "Microsoft.CostManagement/query/action",
        `/${scopePath}`,
        choice,
      );
    }
    rows = account.costs;
  } else {
    scopePath = `subscriptions/${scope.id}`;
    const sub = world.store.subscriptions.get(scope.id.toLowerCase());
    if (!sub || sub.tenantId !== caller.tenant.id)
      return armError(ctx, 404, "SubscriptionNotFound", `The subscription '${scope.id}' could not be found.`);
    if (throttled(world, ctx, caller, settingsTenant, scopePath.toLowerCase())) return;
    // The query needs a Cost Management read (Cost Management Reader, Billing Reader, Owner, Contributor);
    // whether Reader's */read covers it is UNVERIFIED (readerCostQuery).
    const ignore = settingsTenant.settings.readerCostQuery === "allowed" ? [] : ["*/read"];
    const roles = rbacRolesAt(world, caller, `/subscriptions/${sub.subscriptionId}`);
    if (!rolesGrant(roles, "Microsoft.CostManagement/query/read", ignore)) {
      return authorizationFailed(ctx, caller, "Microsoft.CostManagement/query/action", `/${scopePath}`);
    }
    rows = [...world.store.billingAccounts.values()].flatMap((a) =>
      a.costs.filter((c) => c.subscriptionId === sub.subscriptionId),
    );
  }
  const parsed = readArmBody(ctx);
  if (!parsed.ok) return;
  const type = isObject(parsed.value) && typeof parsed.value.type === "string" ? parsed.value.type : "Usage";
  const q = parseBody(parsed.value, now(world), type);
  if (typeof q === "string") return armError(ctx, 400, "BadRequest", q);
  const groups = aggregate(rows, q);
  if (groups.length === 0 && settingsTenant.settings.emptyCostResponse === "204") return send(ctx, 204, "");
  const columns = [
    ...q.aggregations.map((a) => ({ name: a, type: "Number" })),
    ...q.groupings.map((g) => ({ name: g, type: "String" })),
    ...(q.granularity === "Daily"
      ? [{ name: "UsageDate", type: "Number" }]
      : q.granularity === "Monthly"
        ? [{ name: "BillingMonth", type: "Datetime" }]
        : []),
    { name: "Currency", type: "String" },
  ];
  const allRows = groups.map((g) => [
    ...q.aggregations.map(() => Math.round(g.cost * 1e8) / 1e8),
    ...g.key,
    g.currency,
  ]);
  const skipToken = ctx.url.searchParams.get("$skiptoken");
  const skip = skipToken ? Number.parseInt(Buffer.from(skipToken, "base64url").toString("utf8"), 10) || 0 : 0;
  const size = settingsTenant.settings.costPageSize;
  const pageRows = allRows.slice(skip, skip + size);
  let nextLink: string | null = null;
  if (skip + size < allRows.length) {
    const next = new URL(`${world.baseUrl}${ctx.url.pathname}?api-version=${version}`);
    next.searchParams.set("$skiptoken", Buffer.from(String(skip + size)).toString("base64url"));
    nextLink = next.toString();
  }
  const id = guid();
  armJson(
    ctx,
    200,
    {
      id: `${scopePath}/providers/Microsoft.CostManagement/Query/${id}`,
      name: id,
      type: "microsoft.costmanagement/Query",
      properties: { nextLink, columns, rows: pageRows },
    },
    {
      "x-ms-ratelimit-microsoft.costmanagement-qpu-consumed": "1",
      "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining": "QueryResource=99;Tenant=99",
    },
  );
}
