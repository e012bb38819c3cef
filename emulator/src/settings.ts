/**
 * Per-tenant behaviour: eventual-consistency delays, long-running-operation odds, and switches for the
 * behaviours Microsoft does not document (marked UNVERIFIED in azure-api.md), so tests can play either.
 */

/**
 * none: every delay off (what most tests seed with; one that needs a delay sets its own); test: short
 * delays for the emulator's own tests; demo: visible but quick; real: as observed in public reports.
 */
export type DelayProfile = "none" | "test" | "demo" | "real";

export interface Delays {
  /** After POST /applications: until the app's service principal can be created and the app can sign in. */
  appReplicationMs: number;
  /** After addPassword: until Entra accepts the new secret (before that: AADSTS7000215). */
  secretActivationMs: number;
  /** After a service principal is created: until Microsoft.Billing can see it as a principal. */
  billingPrincipalReplicationMs: number;
  /** After a billing role assignment is created: until the principal's reads are allowed. */
  billingRolePropagationMs: number;
  /**
   * Further time until Cost Management honours the new role too (public reports show "No claims present
   * for the caller" on cost queries right after an assignment that Billing already honours).
   */
  costRolePropagationMs: number;
}

export const DELAY_PROFILES: Record<DelayProfile, Delays> = {
  none: {
    appReplicationMs: 0,
    secretActivationMs: 0,
    billingPrincipalReplicationMs: 0,
    billingRolePropagationMs: 0,
    costRolePropagationMs: 0,
  },
  test: {
    appReplicationMs: 1000,
    secretActivationMs: 1500,
    billingPrincipalReplicationMs: 1000,
    billingRolePropagationMs: 1000,
    costRolePropagationMs: 0,
  },
  demo: {
    appReplicationMs: 3000,
    secretActivationMs: 4000,
    billingPrincipalReplicationMs: 3000,
    billingRolePropagationMs: 3000,
    // Step 5 waits 15 s after a refused cost query (Cost Management's quota): too slow for the demo.
    costRolePropagationMs: 0,
  },
  // Observed in public reports: seconds for secrets, up to minutes for principals and billing roles.
  real: {
    appReplicationMs: 45_000,
    secretActivationMs: 15_000,
    billingPrincipalReplicationMs: 120_000,
    billingRolePropagationMs: 300_000,
    costRolePropagationMs: 120_000,
  },
};

export interface LroSettings {
  /** Chance (0..1) that createBillingRoleAssignment answers 202 + Location instead of 200. */
  probability: number;
  /** How many polls of the Location answer 202 before the 200 with the assignment. */
  polls: number;
  retryAfterSeconds: number;
  /**
   * Which addresses a 202 names: "location" (Location, as the spec's example and final-state-via say),
   * "both" (also Azure-AsyncOperation, a status address) or "async-operation" (only that).
   */
  headers: "location" | "both" | "async-operation";
}

export const LRO_DEFAULTS: Record<DelayProfile, LroSettings> = {
  none: { probability: 0, polls: 1, retryAfterSeconds: 1, headers: "location" },
  test: { probability: 0, polls: 1, retryAfterSeconds: 1, headers: "location" },
  demo: { probability: 0.5, polls: 2, retryAfterSeconds: 2, headers: "location" },
  real: { probability: 0.5, polls: 3, retryAfterSeconds: 5, headers: "location" },
};

export interface AppManagementPolicy {
  /** true: the tenant forbids new client secrets (passwordAddition restriction). */
  blockPasswordAddition: boolean;
  /** ISO-8601 duration (for example P180D) for the passwordLifetime restriction; null for none. */
  passwordMaxLifetime: string | null;
  /** UNVERIFIED error shape of a policy refusal: status and codes are switchable. */
  errorStatus: number;
  lifetimeErrorCode: string;
  additionErrorCode: string;
}

export interface ErrorChoice {
  status: number;
  code: string;
}

/**
 * How an ARM resource provider writes an error body: ARM's envelope {error: {code, message}} (the spec's
 * ErrorResponse), a flat {code, message}, or ASP.NET's {errors: {field: [...]}, title, status, traceId}
 * (problem details for refusals that are not validation errors). All three are seen from Microsoft.Billing
 * in public reports; which route answers which is not documented.
 */
export type ErrorShape = "arm" | "flat" | "aspnet";
export const ERROR_SHAPES: readonly ErrorShape[] = ["arm", "flat", "aspnet"];

/** The error shape per route family; front-door errors (token, api-version) are always ARM's. */
export interface ErrorShapes {
  /** Billing accounts (list, get), role definitions, checkAccess, billingPermissions. */
  billingAccounts: ErrorShape;
  /** Billing role assignments: list, get, delete, PUT. */
  billingRoleAssignments: ErrorShape;
  /** createBillingRoleAssignment and its operation results. */
  createBillingRoleAssignment: ErrorShape;
  /** Cost Management query. */
  costQuery: ErrorShape;
}

export interface TenantSettings {
  delayProfile: DelayProfile;
  delays: Delays;
  /**
   * Where each delay window starts: "creation" (at the write, as Azure replicates) or "first-request" (at
   * the first request whose answer depends on it, so a test meets the delay however slow the machine is).
   */
  delaysFrom: "creation" | "first-request";
  lro: LroSettings;
  tokenLifetimeSeconds: number;
  graphPageSize: number;
  armPageSize: number;
  /** Graph's default signInAudience for POST /applications without one (UNVERIFIED). */
  defaultSignInAudience: string;
  /** Second createBillingRoleAssignment for the same principal and role (UNVERIFIED). */
  duplicateBillingAssignment: "return-existing" | "conflict";
  /** Cost query with nothing spent: 200 with no rows, or 204 (both appear in the spec). */
  emptyCostResponse: "empty-rows" | "204";
  /** Billing's answer for a principal it cannot see yet (UNVERIFIED). */
  billingPrincipalNotFound: ErrorChoice;
  /** Billing's answer for a principal outside the primary billing tenant (UNVERIFIED). */
  billingForeignTenant: ErrorChoice;
  /** Billing's answer when the caller may not assign roles (UNVERIFIED). */
  billingAuthorizationFailed: ErrorChoice;
  /** Graph docs: a non-admin owner needs Application Developer to create the SP of a single-tenant app. */
  regularUsersMayCreateServicePrincipals: boolean;
  /**
   * Cost Management queries per scope and throttle window for app tokens (0 = off). Microsoft cites about
   * 4 a minute; every query counts, refused ones included.
   */
  costQueryLimitPerMinute: number;
  /** The same for delegated (user) tokens; not documented, off by default. */
  costQueryLimitPerMinuteDelegated: number;
  /** The throttle window in seconds (60: "per minute"); tests shorten it. */
  costThrottleWindowSeconds: number;
  /**
   * Which headers name the wait of a throttled query: "costmanagement" (x-ms-ratelimit-microsoft.
   * costmanagement-{qpu,entity,tenant,clienttype}-retry-after only), "consumption" (x-ms-ratelimit-
   * microsoft.consumption-retry-after only, as the Cost Management error reference says) or
   * "retry-after" (the costmanagement headers and Retry-After). Whether Retry-After is sent: UNVERIFIED.
   */
  costThrottleHeaders: "costmanagement" | "consumption" | "retry-after";
  /** Rows per page of a cost query before nextLink (Cost Management pages at 1000 by default). */
  costPageSize: number;
  /**
   * Cost Management's answer to a caller without billing access. Default: ARM's 403 AuthorizationFailed;
   * {status: 401, code: "401"} plays the "No claims present for the caller in the system" answer seen in
   * public reports right after a role assignment.
   */
  costForbidden: ErrorChoice;
  /** Error body shapes per route family (UNVERIFIED which route uses which). */
  errorShapes: ErrorShapes;
  /**
   * GET, PATCH, addPassword and removePassword of an app during its replication delay: "not-found" (404
   * Request_ResourceNotFound, seen in public reports) or "consistent" (the app is there at once).
   */
  graphReadAfterCreate: "not-found" | "consistent";
  /**
   * Creating the service principal of an app during its replication delay: "forbidden" (403
   * Authorization_RequestDenied "the backing application ... must in the local tenant", seen in public
   * reports) or "bad-request" (400 "The appId ... does not reference a valid application object").
   */
  graphSpReplicationError: "forbidden" | "bad-request";
  /**
   * An EA billingRoleAssignments PUT at 2024-04-01 with the parameters flat (as the spec's example shows)
   * instead of inside "properties" (the schema, and Azure's JS sample): "refused" or "accepted" (UNVERIFIED).
   */
  eaFlatAssignmentBody: "refused" | "accepted";
  /**
   * A role assignment PUT naming a service principal still replicating, with principalType set: "accepted"
   * (Microsoft's documented fix) or "principal-not-found" (400 PrincipalNotFound anyway, as public reports
   * show happening).
   */
  rbacReplicationWithPrincipalType: "accepted" | "principal-not-found";
  /** A Cost Management query at a subscription by a holder of Reader only (UNVERIFIED). */
  readerCostQuery: "refused" | "allowed";
  /** principalDisplayName in resolveBillingRoleAssignments (in the schema, not in the example; UNVERIFIED). */
  billingPrincipalDisplayNames: "absent" | "present";
}

export function defaultSettings(profile: DelayProfile): TenantSettings {
  return {
    delayProfile: profile,
    delays: { ...DELAY_PROFILES[profile] },
    lro: { ...LRO_DEFAULTS[profile] },
    delaysFrom: "creation",
    tokenLifetimeSeconds: 3599,
    graphPageSize: 100,
    armPageSize: 100,
    defaultSignInAudience: "AzureADMyOrg",
    duplicateBillingAssignment: "return-existing",
    emptyCostResponse: "empty-rows",
    billingPrincipalNotFound: { status: 400, code: "PrincipalNotFound" },
    billingForeignTenant: { status: 400, code: "InvalidPrincipalTenant" },
    billingAuthorizationFailed: { status: 403, code: "AuthorizationFailed" },
    regularUsersMayCreateServicePrincipals: false,
    costQueryLimitPerMinute: 4,
    costQueryLimitPerMinuteDelegated: 0,
    costThrottleWindowSeconds: 60,
    costThrottleHeaders: "costmanagement",
    costPageSize: 1000,
    costForbidden: { status: 403, code: "AuthorizationFailed" },
    errorShapes: {
      billingAccounts: "arm",
      billingRoleAssignments: "arm",
      createBillingRoleAssignment: "arm",
      costQuery: "arm",
    },
    graphReadAfterCreate: "not-found",
    graphSpReplicationError: "forbidden",
    eaFlatAssignmentBody: "refused",
    rbacReplicationWithPrincipalType: "accepted",
    readerCostQuery: "refused",
    billingPrincipalDisplayNames: "absent",
  };
}

export function defaultAppManagementPolicy(): AppManagementPolicy {
  return {
    blockPasswordAddition: false,
    passwordMaxLifetime: null,
    errorStatus: 400,
    lifetimeErrorCode: "CredentialInvalidLifetimeAsPerAppPolicy",
    additionErrorCode: "CredentialTypeNotAllowedAsPerAppPolicy",
  };
}

/** Parses ISO-8601 durations (P180D, P1Y, PT12H) into milliseconds; months count 30 days. */
export function durationMs(iso: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(
    iso,
  );
  if (!m || iso === "P" || iso.endsWith("T")) return undefined;
  const n = (i: number) => Number(m[i] ?? 0);
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  return ((days * 24 + n(5)) * 60 + n(6)) * 60_000 + n(7) * 1000;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
export type TenantSettingsPatch = DeepPartial<TenantSettings>;

/**
 * Applies a partial settings object, checking names and types so a typo in a test fails loudly. A new
 * delayProfile resets delays and lro to that profile before explicit values apply.
 */
export function applySettings(current: TenantSettings, patch: TenantSettingsPatch): TenantSettings {
  const next: TenantSettings = structuredClone(current);
  if (patch.delayProfile !== undefined) {
    if (!(patch.delayProfile in DELAY_PROFILES))
      throw new Error(`Unknown delay profile '${patch.delayProfile}'`);
    next.delayProfile = patch.delayProfile;
    next.delays = { ...DELAY_PROFILES[patch.delayProfile] };
    next.lro = { ...LRO_DEFAULTS[patch.delayProfile] };
  }
  const target = next as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (key === "delayProfile" || value === undefined) continue;
    if (!(key in target)) throw new Error(`Unknown setting '${key}'`);
    const current = target[key];
    if (current && typeof current === "object") {
      if (!value || typeof value !== "object") throw new Error(`Setting '${key}' must be an object`);
      const inner = current as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) {
        if (!(k in inner)) throw new Error(`Unknown setting '${key}.${k}'`);
        if (typeof v !== typeof inner[k])
          throw new Error(`Setting '${key}.${k}' must be a ${typeof inner[k]}`);
        inner[k] = v;
      }
    } else {
      if (typeof value !== typeof current) throw new Error(`Setting '${key}' must be a ${typeof current}`);
      target[key] = value;
    }
  }
  if (next.tokenLifetimeSeconds < 1) throw new Error("tokenLifetimeSeconds must be at least 1");
  if (next.graphPageSize < 1 || next.armPageSize < 1 || next.costPageSize < 1)
    throw new Error("page sizes must be at least 1");
  if (next.lro.probability < 0 || next.lro.probability > 1)
    throw new Error("lro.probability must be between 0 and 1");
  if (!["return-existing", "conflict"].includes(next.duplicateBillingAssignment))
    throw new Error("duplicateBillingAssignment must be 'return-existing' or 'conflict'");
  for (const [route, shape] of Object.entries(next.errorShapes))
    if (!ERROR_SHAPES.includes(shape))
      throw new Error(`errorShapes.${route} must be one of ${ERROR_SHAPES.join(", ")}`);
  if (!["location", "both", "async-operation"].includes(next.lro.headers))
    throw new Error("lro.headers must be 'location', 'both' or 'async-operation'");
  if (!["costmanagement", "consumption", "retry-after"].includes(next.costThrottleHeaders))
    throw new Error("costThrottleHeaders must be 'costmanagement', 'consumption' or 'retry-after'");
  if (next.costThrottleWindowSeconds < 1) throw new Error("costThrottleWindowSeconds must be at least 1");
  if (!["not-found", "consistent"].includes(next.graphReadAfterCreate))
    throw new Error("graphReadAfterCreate must be 'not-found' or 'consistent'");
  if (!["forbidden", "bad-request"].includes(next.graphSpReplicationError))
    throw new Error("graphSpReplicationError must be 'forbidden' or 'bad-request'");
  if (!["creation", "first-request"].includes(next.delaysFrom))
    throw new Error("delaysFrom must be 'creation' or 'first-request'");
  if (!["empty-rows", "204"].includes(next.emptyCostResponse))
    throw new Error("emptyCostResponse must be 'empty-rows' or '204'");
  const choices: [keyof TenantSettings, string[]][] = [
    ["eaFlatAssignmentBody", ["refused", "accepted"]],
    ["rbacReplicationWithPrincipalType", ["accepted", "principal-not-found"]],
    ["readerCostQuery", ["refused", "allowed"]],
    ["billingPrincipalDisplayNames", ["absent", "present"]],
  ];
  for (const [key, allowed] of choices)
    if (!allowed.includes(next[key] as string))
      throw new Error(`${key} must be one of ${allowed.map((a) => `'${a}'`).join(", ")}`);
  return next;
}

/** Settings saved by an earlier version, completed with today's defaults (nested objects included). */
export function withDefaults(saved: TenantSettings): TenantSettings {
  const defaults = defaultSettings(saved.delayProfile ?? "demo") as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(saved as unknown as Record<string, unknown>)) {
    const base = defaults[key];
    out[key] =
      base && typeof base === "object" && value && typeof value === "object"
        ? { ...(base as object), ...(value as object) }
        : value;
  }
  return out as unknown as TenantSettings;
}
