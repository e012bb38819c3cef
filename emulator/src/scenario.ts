/**
 * Seeding a tenant from a JSON spec (control API and --seed). The "contoso" demo preset is in
 * contoso.ts, the generated daily costs in costs.ts.
 */
import { ROLE_ALIASES, definitionsFor, isEa } from "./arm/billing-roles";
import { builtInRole } from "./arm/rbac-roles";
import { contosoSpec } from "./contoso";
import { generateCosts } from "./costs";
import { hashPassword } from "./entra/password-grant";
import { permissionToKey } from "./entra/scopes";
import { guid, isGuid, randomString, stableGuid } from "./ids";
import {
  applySettings,
  defaultAppManagementPolicy,
  defaultSettings,
  type AppManagementPolicy,
  type DelayProfile,
  type TenantSettingsPatch,
} from "./settings";
import { DIRECTORY_ROLES, type BillingAccount, type CostRow, type DirectoryRole, type User } from "./store";

export { contosoSpec, generateCosts };
import type { World } from "./world";

export interface UserSpec {
  key?: string;
  id?: string;
  displayName: string;
  userPrincipalName?: string;
  roles?: DirectoryRole[];
  billingElevated?: boolean;
  jobTitle?: string;
  /** A password for sign-in without a browser (the password grant, e.g. `az login -u -p`). */
  password?: string;
}

export interface RoleRef {
  /** A user key, id or userPrincipalName from this scenario. */
  user: string;
  /** Billing: owner | contributor | reader | purchaser | a role GUID; RBAC: a built-in role name or GUID. */
  role: string;
}

export interface CostSpec {
  currency?: string;
  /** How many days back from today (UTC) to generate; default 62 (this and last month). */
  days?: number;
  /** Average daily total in the currency; 0 generates no rows. */
  dailyAverage?: number;
  /** Explicit rows instead of generated ones. */
  rows?: Partial<CostRow>[];
}

export interface BillingAccountSpec {
  key?: string;
  name?: string;
  displayName?: string;
  agreementType?: string;
  accountStatus?: string;
  accountType?: string;
  accountSubType?: string;
  /** Defaults to this scenario's tenant; any tenant id is allowed (accounts of other tenants). */
  primaryBillingTenantId?: string;
  roleAssignments?: RoleRef[];
  costs?: CostSpec | false;
}

export interface SubscriptionSpec {
  key?: string;
  id?: string;
  displayName: string;
  state?: string;
  roleAssignments?: RoleRef[];
}

export interface ConsentSpec {
  clientId: string;
  /** Full-form scopes; default: the client's configured permissions. */
  scopes?: string[];
  /** Tenant-wide (default) or for one user (key, id or UPN). */
  user?: string;
}

export interface ScenarioSpec {
  preset?: "contoso";
  /** Presets only: use the same ids on every seeding (the demo), replacing an earlier copy. */
  fixedIds?: boolean;
  tenantId?: string;
  name?: string;
  domain?: string;
  /** Verified custom domains of the tenant, e.g. ["contoso.com"]; discovery and sign-in accept them. */
  customDomains?: string[];
  countryCode?: string;
  users?: UserSpec[];
  /** Passwords by user key or UPN, for users of a preset (same as UserSpec.password). */
  passwords?: Record<string, string>;
  authorizationPolicy?: { allowedToCreateApps?: boolean };
  appManagementPolicy?: Partial<AppManagementPolicy>;
  billingAccounts?: BillingAccountSpec[];
  subscriptions?: SubscriptionSpec[];
  /** Shorthand for settings.delayProfile. */
  delayProfile?: DelayProfile;
  settings?: TenantSettingsPatch;
  consents?: ConsentSpec[];
}

export interface SeededUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  roles: DirectoryRole[];
}

export interface SeedResult {
  tenantId: string;
  displayName: string;
  domain: string;
  customDomains: string[];
  users: Record<string, SeededUser>;
  usersInOrder: (SeededUser & { key: string })[];
  billingAccounts: Record<
    string,
    { name: string; id: string; displayName: string; agreementType: string; primaryBillingTenantId: string }
  >;
  subscriptions: Record<string, { subscriptionId: string; displayName: string }>;
}

export class ScenarioError extends Error {}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 20) || "tenant"
  );
}

function mcaName(): string {
  const y = 2018 + Math.floor(Math.random() * 6);
  const m = String(1 + Math.floor(Math.random() * 12)).padStart(2, "0");
  const d = String(1 + Math.floor(Math.random() * 28)).padStart(2, "0");
  return `${guid()}:${guid()}_${y}-${m}-${d}`;
}

function defaultsFor(agreementType: string): { accountType: string; accountSubType: string } {
  switch (agreementType) {
    case "EnterpriseAgreement":
      return { accountType: "Enterprise", accountSubType: "None" };
    case "MicrosoftOnlineServicesProgram":
      return { accountType: "Individual", accountSubType: "Individual" };
    case "MicrosoftPartnerAgreement":
      return { accountType: "Partner", accountSubType: "Enterprise" };
    default:
      return { accountType: "Business", accountSubType: "Enterprise" };
  }
}

export function seedScenario(world: World, input: ScenarioSpec): SeedResult {
  const spec: ScenarioSpec =
    input.preset === "contoso" ? { ...contosoSpec(!!input.fixedIds), ...withoutPreset(input) } : input;
  if (input.preset && input.preset !== "contoso")
    throw new ScenarioError(`Unknown preset '${String(input.preset)}'`);
  const store = world.store;
  const displayName = spec.name ?? "Contoso";
  const tenantId = (spec.tenantId ?? guid()).toLowerCase();
  if (!isGuid(tenantId)) throw new ScenarioError("tenantId must be a GUID");
  if (store.tenants.has(tenantId)) {
    if (!spec.fixedIds && !input.tenantId) throw new ScenarioError(`Tenant ${tenantId} already exists`);
    store.removeTenant(tenantId);
  }
  const domain = (
    spec.domain ??
    `${slug(displayName)}${randomString(6, "abcdefghijklmnopqrstuvwxyz0123456789")}.onmicrosoft.com`
  ).toLowerCase();
  const clash = store.tenantByIdOrDomain(domain);
  if (clash) throw new ScenarioError(`Domain ${domain} is already used by tenant ${clash.id}`);
  const customDomains = [...new Set((spec.customDomains ?? []).map((d) => String(d).toLowerCase()))];
  for (const custom of customDomains) {
    if (!/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(custom))
      throw new ScenarioError(`Custom domain '${custom}' is not a domain name`);
    const taken = store.tenantByIdOrDomain(custom);
    if (taken || custom === domain)
      throw new ScenarioError(`Domain ${custom} is already used by tenant ${taken?.id ?? tenantId}`);
  }

  let settings = defaultSettings(spec.delayProfile ?? world.defaultProfile);
  try {
    if (spec.settings) settings = applySettings(settings, spec.settings);
  } catch (err) {
    throw new ScenarioError((err as Error).message);
  }
  const policy = { ...defaultAppManagementPolicy(), ...(spec.appManagementPolicy ?? {}) };
  store.newTenant({
    id: tenantId,
    displayName,
    domain,
    ...(customDomains.length ? { customDomains } : {}),
    allowedToCreateApps: spec.authorizationPolicy?.allowedToCreateApps ?? true,
    appManagementPolicy: policy,
    settings,
    countryCode: spec.countryCode ?? "US",
  });

  const result: SeedResult = {
    tenantId,
    displayName,
    domain,
    customDomains,
    users: {},
    usersInOrder: [],
    billingAccounts: {},
    subscriptions: {},
  };
  const byRef = new Map<string, User>();
  const fixed = !!spec.fixedIds;
  (spec.users ?? []).forEach((u, index) => {
    if (!u.displayName) throw new ScenarioError("Every user needs a displayName");
    for (const r of u.roles ?? [])
      if (!(r in DIRECTORY_ROLES))
        throw new ScenarioError(
          `Unknown directory role '${r}'. Known: ${Object.keys(DIRECTORY_ROLES).join(", ")}`,
        );
    const key = u.key ?? `user${index + 1}`;
    let local = (u.userPrincipalName ?? u.displayName.split(" ")[0] ?? key)
      .toLowerCase()
      .replace(/[^a-z0-9.@_-]/g, "");
    if (!local.includes("@")) local = `${local}@${domain}`;
    const [given, ...rest] = u.displayName.split(" ");
    const user: User = {
      id: (u.id ?? (fixed ? stableGuid(`emulator/${tenantId}/user/${key}`) : guid())).toLowerCase(),
      tenantId,
      key,
      userPrincipalName: local,
      displayName: u.displayName,
      givenName: given ?? null,
      surname: rest.length ? rest.join(" ") : null,
      roles: u.roles ?? [],
      billingElevated: u.billingElevated ?? false,
      jobTitle: u.jobTitle ?? null,
      passwordHash: u.password ? hashPassword(u.password) : null,
    };
    if (store.users.has(user.id)) throw new ScenarioError(`User id ${user.id} already exists`);
    if (store.userByUpn(user.userPrincipalName))
      throw new ScenarioError(`User ${user.userPrincipalName} already exists`);
    store.users.set(user.id, user);
    for (const ref of [key, user.id, user.userPrincipalName]) byRef.set(ref.toLowerCase(), user);
    const seeded = {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      roles: user.roles,
    };
    result.users[key] = seeded;
    result.usersInOrder.push({ ...seeded, key });
  });
  const userRef = (ref: string, what = "a role assignment"): User => {
    const u = byRef.get(ref.toLowerCase()) ?? byRef.get(`${ref.toLowerCase()}@${domain}`);
    if (!u) throw new ScenarioError(`Unknown user '${ref}' in ${what}`);
    return u;
  };
  for (const [ref, password] of Object.entries(spec.passwords ?? {})) {
    if (typeof password !== "string" || !password) throw new ScenarioError("passwords must be strings");
    userRef(ref, "passwords").passwordHash = hashPassword(password);
  }

  const firstSubscription: string[] = [];
  (spec.subscriptions ?? []).forEach((s, index) => {
    const key = s.key ?? `subscription${index + 1}`;
    const id = (s.id ?? guid()).toLowerCase();
    if (store.subscriptions.has(id)) throw new ScenarioError(`Subscription ${id} already exists`);
    store.subscriptions.set(id, {
      subscriptionId: id,
      tenantId,
      displayName: s.displayName,
      state: s.state ?? "Enabled",
    });
    firstSubscription.push(id);
    result.subscriptions[key] = { subscriptionId: id, displayName: s.displayName };
    for (const ra of s.roleAssignments ?? []) {
      const role = builtInRole(ra.role);
      if (!role) throw new ScenarioError(`Unknown Azure role '${ra.role}'`);
      const user = userRef(ra.user);
      store.rbac.push({
        name: fixed ? stableGuid(`emulator/${id}/${user.id}/${role.guid}`) : guid(),
        scope: `/subscriptions/${id}`,
        roleDefinitionGuid: role.guid,
        principalId: user.id,
        principalType: "User",
        tenantId,
        createdOn: new Date().toISOString(),
        createdBy: null,
        description: null,
      });
    }
  });

  const created = new Date().toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
  (spec.billingAccounts ?? []).forEach((b, index) => {
    const key = b.key ?? `account${index + 1}`;
    const agreementType = b.agreementType ?? "MicrosoftCustomerAgreement";
    const name =
      b.name ??
      (isEa(agreementType) ? String(10_000_000 + Math.floor(Math.random() * 89_999_999)) : mcaName());
    if (store.billingAccounts.has(name)) throw new ScenarioError(`Billing account ${name} already exists`);
    const defaults = defaultsFor(agreementType);
    const account: BillingAccount = {
      name,
      displayName: b.displayName ?? `${displayName} billing account`,
      agreementType,
      accountStatus: b.accountStatus ?? "Active",
      accountType: b.accountType ?? defaults.accountType,
      accountSubType: b.accountSubType ?? defaults.accountSubType,
      primaryBillingTenantId: (b.primaryBillingTenantId ?? tenantId).toLowerCase(),
      createdAt: created,
      costs: b.costs === false ? [] : generateCosts(name, b.costs ?? {}, firstSubscription[0] ?? null),
      currency: b.costs ? (b.costs.currency ?? "USD") : "USD",
    };
    store.billingAccounts.set(name, account);
    result.billingAccounts[key] = {
      name,
      id: `/providers/Microsoft.Billing/billingAccounts/${name}`,
      displayName: account.displayName,
      agreementType,
      primaryBillingTenantId: account.primaryBillingTenantId,
    };
    const list = store.assignmentsOf(name);
    for (const ra of b.roleAssignments ?? []) {
      const roleGuid =
        ROLE_ALIASES[ra.role.toLowerCase()] ?? (isGuid(ra.role) ? ra.role.toLowerCase() : undefined);
      if (!roleGuid) throw new ScenarioError(`Unknown billing role '${ra.role}'`);
      if (!definitionsFor(agreementType).some((d) => d.name === roleGuid)) {
        throw new ScenarioError(`Billing role '${ra.role}' does not exist on ${agreementType} accounts`);
      }
      const user = userRef(ra.user);
      list.push({
        name: `${roleGuid}_${user.id}`,
        billingAccountName: name,
        principalId: user.id,
        principalTenantId: tenantId,
        principalType: "User",
        roleDefinitionName: roleGuid,
        createdOn: created,
        createdByPrincipalId: user.id,
        createdByPrincipalTenantId: tenantId,
        effectiveAt: 0,
        userEmailAddress: user.userPrincipalName,
      });
    }
  });

  for (const c of spec.consents ?? []) {
    const client = store.clients.get(c.clientId.toLowerCase());
    if (!client)
      throw new ScenarioError(
        `Unknown client '${c.clientId}': register it with POST /_emulator/clients first`,
      );
    const keys = (c.scopes ?? client.permissions).map(permissionToKey).filter((k): k is string => !!k);
    const grant = store.consent(tenantId, client.clientId);
    if (c.user) {
      const user = userRef(c.user);
      const mine = grant.users.get(user.id) ?? new Set<string>();
      for (const k of keys) mine.add(k);
      grant.users.set(user.id, mine);
    } else for (const k of keys) grant.admin.add(k);
  }
  return result;
}

/**
 * For a restart with persisted state (--persist): when the scenario names its tenant id (a fixed-id preset
 * such as the demo's contoso) and that tenant was restored, describe it instead of re-seeding. Re-seeding
 * would replace the tenant and drop what was made in it since (apps, service principals, secrets, role
 * assignments, consents). What a fresh seed would renew is renewed: generated costs end today, and a
 * different delay profile (--delays) resets the tenant's delays. Undefined when there is nothing to resume.
 */
export function resumeSeed(world: World, input: ScenarioSpec): SeedResult | undefined {
  const spec: ScenarioSpec =
    input.preset === "contoso" ? { ...contosoSpec(!!input.fixedIds), ...withoutPreset(input) } : input;
  const store = world.store;
  const tenant = spec.tenantId ? store.tenants.get(spec.tenantId.toLowerCase()) : undefined;
  if (!tenant) return undefined;
  const profile = spec.settings?.delayProfile ?? spec.delayProfile ?? world.defaultProfile;
  if (tenant.settings.delayProfile !== profile)
    tenant.settings = applySettings(tenant.settings, { delayProfile: profile });
  const result: SeedResult = {
    tenantId: tenant.id,
    displayName: tenant.displayName,
    domain: tenant.domain,
    customDomains: tenant.customDomains ?? [],
    users: {},
    usersInOrder: [],
    billingAccounts: {},
    subscriptions: {},
  };
  for (const u of store.usersOf(tenant.id)) {
    const seeded = {
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      roles: u.roles,
    };
    result.users[u.key] = seeded;
    result.usersInOrder.push({ ...seeded, key: u.key });
  }
  const subscriptionIds: string[] = [];
  (spec.subscriptions ?? []).forEach((s, index) => {
    const sub = s.id ? store.subscriptions.get(s.id.toLowerCase()) : undefined;
    if (!sub || sub.tenantId !== tenant.id) return;
    subscriptionIds.push(sub.subscriptionId);
    result.subscriptions[s.key ?? `subscription${index + 1}`] = {
      subscriptionId: sub.subscriptionId,
      displayName: sub.displayName,
    };
  });
  (spec.billingAccounts ?? []).forEach((b, index) => {
    const account = b.name ? store.billingAccounts.get(b.name) : undefined;
    if (!account) return;
    if (b.costs !== false && !b.costs?.rows)
      account.costs = generateCosts(account.name, b.costs ?? {}, subscriptionIds[0] ?? null);
    result.billingAccounts[b.key ?? `account${index + 1}`] = {
      name: account.name,
      id: `/providers/Microsoft.Billing/billingAccounts/${account.name}`,
      displayName: account.displayName,
      agreementType: account.agreementType,
      primaryBillingTenantId: account.primaryBillingTenantId,
    };
  });
  return result;
}

function withoutPreset(input: ScenarioSpec): ScenarioSpec {
  const { preset: _preset, ...rest } = input;
  void _preset;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ScenarioSpec;
}
