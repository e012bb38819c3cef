/**
 * The steps of seeding a tenant from a scenario (scenario.ts runs them in order): the tenant itself, its
 * users and their passwords, subscriptions with their Azure roles, billing accounts with their billing
 * roles and costs, and consents.
 */
import { ROLE_ALIASES, definitionsFor, isEa } from "./arm/billing-roles";
import { builtInRole } from "./arm/rbac-roles";
import { generateCosts } from "./costs";
import { hashPassword } from "./entra/password-grant";
import { permissionToKey } from "./entra/scopes";
import { guid, isGuid, randomString, stableGuid } from "./ids";
import {
  ScenarioError,
  type BillingAccountSpec,
  type RoleRef,
  type ScenarioSpec,
  type SeedResult,
} from "./scenario-spec";
import { applySettings, defaultAppManagementPolicy, defaultSettings } from "./settings";
import { DIRECTORY_ROLES, type BillingAccount, type Enrollment, type User } from "./store";
import type { World } from "./world";

/** What the steps after the tenant's share: where they write, and how a spec names a user. */
export interface SeedContext {
  world: World;
  spec: ScenarioSpec;
  tenantId: string;
  displayName: string;
  domain: string;
  fixed: boolean;
  result: SeedResult;
  byRef: Map<string, User>;
  /** Subscription ids in the order seeded; a generated cost row names the first. */
  subscriptionIds: string[];
}

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

/** Checks the tenant's id and domains, replaces an earlier copy of a fixed-id tenant, and creates it. */
export function seedTenant(world: World, spec: ScenarioSpec, namedTenantId: boolean): SeedContext {
  const store = world.store;
  const displayName = spec.name ?? "Contoso";
  const tenantId = (spec.tenantId ?? guid()).toLowerCase();
  if (!isGuid(tenantId)) throw new ScenarioError("tenantId must be a GUID");
  if (store.tenants.has(tenantId)) {
    if (!spec.fixedIds && !namedTenantId) throw new ScenarioError(`Tenant ${tenantId} already exists`);
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

  return {
    world,
    spec,
    tenantId,
    displayName,
    domain,
    fixed: !!spec.fixedIds,
    result: {
      tenantId,
      displayName,
      domain,
      customDomains,
      users: {},
      usersInOrder: [],
      billingAccounts: {},
      subscriptions: {},
      managementGroups: {},
    },
    byRef: new Map(),
    subscriptionIds: [],
  };
}

/** The user a spec names by key, id or userPrincipalName (with or without the tenant's domain). */
export function userRef(c: SeedContext, ref: string, what = "a role assignment"): User {
  const u = c.byRef.get(ref.toLowerCase()) ?? c.byRef.get(`${ref.toLowerCase()}@${c.domain}`);
  if (!u) throw new ScenarioError(`Unknown user '${ref}' in ${what}`);
  return u;
}

export function seedUsers(c: SeedContext): void {
  const store = c.world.store;
  (c.spec.users ?? []).forEach((u, index) => {
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
    if (!local.includes("@")) local = `${local}@${c.domain}`;
    const [given, ...rest] = u.displayName.split(" ");
    const user: User = {
      id: (u.id ?? (c.fixed ? stableGuid(`emulator/${c.tenantId}/user/${key}`) : guid())).toLowerCase(),
      tenantId: c.tenantId,
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
    for (const ref of [key, user.id, user.userPrincipalName]) c.byRef.set(ref.toLowerCase(), user);
    const seeded = {
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: user.displayName,
      roles: user.roles,
    };
    c.result.users[key] = seeded;
    c.result.usersInOrder.push({ ...seeded, key });
  });
}

export function seedPasswords(c: SeedContext): void {
  for (const [ref, password] of Object.entries(c.spec.passwords ?? {})) {
    if (typeof password !== "string" || !password) throw new ScenarioError("passwords must be strings");
    userRef(c, ref, "passwords").passwordHash = hashPassword(password);
  }
}

/**
 * A scope's Azure RBAC role assignments to the scenario's users; `key` names the scope in the stable
 * assignment names of a fixed-id seed.
 */
export function seedRbacAssignments(
  c: SeedContext,
  scope: string,
  key: string,
  assignments: RoleRef[] | undefined,
): void {
  for (const ra of assignments ?? []) {
    const role = builtInRole(ra.role);
    if (!role) throw new ScenarioError(`Unknown Azure role '${ra.role}'`);
    const user = userRef(c, ra.user);
    c.world.store.rbac.push({
      name: c.fixed ? stableGuid(`emulator/${key}/${user.id}/${role.guid}`) : guid(),
      scope,
      roleDefinitionGuid: role.guid,
      principalId: user.id,
      principalType: "User",
      tenantId: c.tenantId,
      createdOn: new Date().toISOString(),
      createdBy: null,
      description: null,
    });
  }
}

export function seedSubscriptions(c: SeedContext): void {
  const store = c.world.store;
  (c.spec.subscriptions ?? []).forEach((s, index) => {
    const key = s.key ?? `subscription${index + 1}`;
    const id = (s.id ?? guid()).toLowerCase();
    if (store.subscriptions.has(id)) throw new ScenarioError(`Subscription ${id} already exists`);
    store.subscriptions.set(id, {
      subscriptionId: id,
      tenantId: c.tenantId,
      displayName: s.displayName,
      state: s.state ?? "Enabled",
    });
    c.subscriptionIds.push(id);
    c.result.subscriptions[key] = { subscriptionId: id, displayName: s.displayName };
    seedRbacAssignments(c, `/subscriptions/${id}`, id, s.roleAssignments);
  });
}

export function seedBillingAccounts(c: SeedContext): void {
  const store = c.world.store;
  const created = new Date().toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
  (c.spec.billingAccounts ?? []).forEach((b, index) => {
    const key = b.key ?? `account${index + 1}`;
    const agreementType = b.agreementType ?? "MicrosoftCustomerAgreement";
    const name =
      b.name ??
      (isEa(agreementType) ? String(10_000_000 + Math.floor(Math.random() * 89_999_999)) : mcaName());
    if (store.billingAccounts.has(name)) throw new ScenarioError(`Billing account ${name} already exists`);
    const defaults = defaultsFor(agreementType);
    const account: BillingAccount = {
      name,
      displayName: b.displayName ?? `${c.displayName} billing account`,
      agreementType,
      accountStatus: b.accountStatus ?? "Active",
      accountType: b.accountType ?? defaults.accountType,
      accountSubType: b.accountSubType ?? defaults.accountSubType,
      primaryBillingTenantId: (b.primaryBillingTenantId ?? c.tenantId).toLowerCase(),
      createdAt: created,
      costs: b.costs === false ? [] : generateCosts(name, b.costs ?? {}, costSubscription(c, b.costs)),
      currency: b.costs ? (b.costs.currency ?? "USD") : "USD",
      ...(isEa(agreementType) ? { enrollment: enrollmentOf(c, name, b) } : {}),
    };
    store.billingAccounts.set(name, account);
    c.result.billingAccounts[key] = {
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
      const user = userRef(c, ra.user);
      list.push({
        name: `${roleGuid}_${user.id}`,
        billingAccountName: name,
        principalId: user.id,
        principalTenantId: c.tenantId,
        principalType: "User",
        roleDefinitionName: roleGuid,
        createdOn: created,
        createdByPrincipalId: user.id,
        createdByPrincipalTenantId: c.tenantId,
        effectiveAt: 0,
        userEmailAddress: user.userPrincipalName,
      });
    }
  });
}

function costSubscription(c: SeedContext, costs: BillingAccountSpec["costs"]): string | null {
  const ref = costs ? costs.subscription : undefined;
  if (!ref) return c.subscriptionIds[0] ?? null;
  const id = c.result.subscriptions[ref]?.subscriptionId ?? ref.toLowerCase();
  if (!c.subscriptionIds.includes(id)) throw new ScenarioError(`Unknown subscription '${ref}' in costs`);
  return id;
}

function enrollmentOf(c: SeedContext, name: string, b: BillingAccountSpec): Enrollment {
  const start = "2024-07-01T00:00:00Z";
  const end = "2027-06-30T23:59:59Z";
  const id = (what: string, i: number) =>
    c.fixed ? String(stableGuid(`emulator/${name}/${what}/${i}`)).slice(0, 8) : guid().slice(0, 8);
  const departments = (b.departments ?? []).map((d, i) => ({
    name: d.name ?? id("department", i),
    departmentName: d.departmentName,
    costCenter: d.costCenter ?? "",
    status: "Active",
  }));
  const enrollmentAccounts = (b.enrollmentAccounts ?? []).map((e, i) => {
    const department = e.department
      ? departments.find((d) => d.name === e.department || d.departmentName === e.department)
      : undefined;
    if (e.department && !department)
      throw new ScenarioError(`Unknown department '${e.department}' in enrollment account ${e.accountName}`);
    return {
      name: e.name ?? id("account", i),
      accountName: e.accountName,
      costCenter: e.costCenter ?? "",
      status: "Active",
      startDate: start,
      endDate: end,
      department: department?.name ?? null,
    };
  });
  return { startDate: start, endDate: end, departments, enrollmentAccounts };
}

export function seedConsents(c: SeedContext): void {
  const store = c.world.store;
  for (const consent of c.spec.consents ?? []) {
    const client = store.clients.get(consent.clientId.toLowerCase());
    if (!client)
      throw new ScenarioError(
        `Unknown client '${consent.clientId}': register it with POST /_emulator/clients first`,
      );
    const keys = (consent.scopes ?? client.permissions).map(permissionToKey).filter((k): k is string => !!k);
    const grant = store.consent(c.tenantId, client.clientId);
    if (consent.user) {
      const user = userRef(c, consent.user);
      const mine = grant.users.get(user.id) ?? new Set<string>();
      for (const k of keys) mine.add(k);
      grant.users.set(user.id, mine);
    } else for (const k of keys) grant.admin.add(k);
  }
}
