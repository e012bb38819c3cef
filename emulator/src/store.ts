/**
 * The emulator's in-memory world. Scenarios seed tenants into it; many tenants coexist so parallel tests
 * never need a global reset. Billing accounts are global (they belong to no tenant, only name a primary
 * billing tenant), as in Azure.
 */
import type { DelayedEntity } from "./delay-window";
import { defaultAppManagementPolicy, type AppManagementPolicy, type TenantSettings } from "./settings";

export const DIRECTORY_ROLES = {
  "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
  "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
  "Application Developer": "cf1c38e5-3621-4004-a7cb-879624dced7c",
  "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "Billing Administrator": "b0f54661-2d74-4c50-afa3-1ec803f12efe",
  "Global Reader": "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
} as const;
export type DirectoryRole = keyof typeof DIRECTORY_ROLES;
/** Every user's token carries the "User" template in wids, as Entra does. */
export const USER_ROLE_TEMPLATE = "b79fbf4d-3ef9-4689-8143-76b194e85509";

export interface Tenant {
  id: string;
  displayName: string;
  domain: string;
  /** Verified custom domains (e.g. contoso.com) besides the initial <name>.onmicrosoft.com one. */
  customDomains?: string[];
  seededAt: number;
  seq: number;
  allowedToCreateApps: boolean;
  appManagementPolicy: AppManagementPolicy;
  settings: TenantSettings;
  /** Access tokens issued at or before this time (epoch s) are treated as expired: the "expire tokens" switch. */
  tokensExpiredAt?: number;
  countryCode: string;
}

export interface User {
  id: string;
  tenantId: string;
  key: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  roles: DirectoryRole[];
  /** A Global Administrator who elevated access on the tenant's MCA billing accounts. */
  billingElevated: boolean;
  jobTitle: string | null;
  /** scrypt hash of the demo password for the password grant (entra/password-grant.ts); none: no ROPC. */
  passwordHash?: string | null;
}

export interface PasswordCredential extends DelayedEntity {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: null;
  secretText: string;
  /** When Entra starts accepting it (epoch ms): addPassword + secretActivationMs. */
  activeAt: number;
}

export interface Application extends DelayedEntity {
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  uniqueName: string | null;
  signInAudience: string;
  createdDateTime: string;
  createdAt: number;
  /** When it is visible outside Graph's write replica (SP creation, sign-in): epoch ms. */
  replicatedAt: number;
  ownerIds: string[];
  passwordCredentials: PasswordCredential[];
  /** Other writable Graph properties, stored as sent (description, notes, tags, web, ...). */
  props: Record<string, unknown>;
}

export interface ServicePrincipal extends DelayedEntity {
  id: string;
  appId: string;
  tenantId: string;
  appOwnerOrganizationId: string;
  displayName: string;
  createdDateTime: string;
  createdAt: number;
  replicatedAt: number;
  billingVisibleAt: number;
  props: Record<string, unknown>;
}

/** A multi-tenant client app registered through the control API (the portal's own Entra app). */
export interface ClientApp {
  clientId: string;
  clientSecret: string;
  displayName: string;
  redirectUris: string[];
  /** Static (configured) delegated permissions, full form, e.g. https://graph.microsoft.com/User.Read. */
  permissions: string[];
}

export interface ConsentGrant {
  tenantId: string;
  clientId: string;
  /** Tenant-wide (admin) consent, canonical scope keys "<resource>|<Scope>". */
  admin: Set<string>;
  users: Map<string, Set<string>>;
}

export interface BillingAccount {
  name: string;
  displayName: string;
  agreementType: string;
  accountStatus: string;
  accountType: string;
  accountSubType: string;
  primaryBillingTenantId: string;
  createdAt: string;
  costs: CostRow[];
  currency: string;
  /** Enterprise Agreement enrollments only: the enrollment's departments and enrollment accounts. */
  enrollment?: Enrollment;
}

export interface Enrollment {
  startDate: string;
  endDate: string;
  departments: { name: string; departmentName: string; costCenter: string; status: string }[];
  enrollmentAccounts: {
    name: string;
    accountName: string;
    costCenter: string;
    status: string;
    startDate: string;
    endDate: string;
    /** The department it belongs to (its name), if any. */
    department: string | null;
  }[];
}

export interface CostRow {
  date: string;
  cost: number;
  currency: string;
  resourceGroup: string;
  serviceName: string;
  resourceLocation: string;
  subscriptionId: string | null;
}

export interface BillingRoleAssignment extends DelayedEntity {
  name: string;
  billingAccountName: string;
  principalId: string;
  principalTenantId: string;
  principalType: "User" | "ServicePrincipal" | "Group" | "Unknown";
  roleDefinitionName: string;
  createdOn: string;
  createdByPrincipalId: string;
  createdByPrincipalTenantId: string;
  /** Reads by the principal succeed from this time (epoch ms): role propagation. */
  effectiveAt: number;
  /** Cost Management honours it from this time (epoch ms); unset: from effectiveAt. */
  costEffectiveAt?: number;
  userEmailAddress: string | null;
}

export interface PendingOperation {
  id: string;
  billingAccountName: string;
  pollsLeft: number;
  assignment: BillingRoleAssignment;
  retryAfterSeconds: number;
  apiVersion: string;
  done: boolean;
  /** Completes on its own at this time (epoch ms) even if nobody polls, as the real operation would. */
  readyAt: number;
  /** Tenant whose created-counts record the assignment. */
  countTenantId: string;
  /** Which addresses its 202 answers name (the tenant's lro.headers when it began). */
  headers?: "location" | "both" | "async-operation";
  /** When it began (epoch ms), for the status address's startTime. */
  startedAt?: number;
}

export interface Subscription {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
  state: string;
}

/** A management group: a node of the tenant's hierarchy under its root group (whose name is the tenant id). */
export interface ManagementGroup {
  name: string;
  tenantId: string;
  displayName: string;
  /** The parent group's name; null for the tenant root group. */
  parent: string | null;
  /** Subscriptions placed directly under it. */
  subscriptionIds: string[];
}

/** The store key of a management group: names are unique within a tenant (a directory), not across. */
export function mgKey(tenantId: string, name: string): string {
  return `${tenantId}/${name.toLowerCase()}`;
}

export interface RbacAssignment {
  name: string;
  scope: string;
  roleDefinitionGuid: string;
  principalId: string;
  principalType: string;
  tenantId: string;
  createdOn: string;
  createdBy: string | null;
  description: string | null;
}

export interface RequestRecord {
  time: string;
  service: "entra" | "graph" | "arm";
  method: string;
  route: string;
  path: string;
  status: number;
  tenantId?: string;
  /** How long the emulator took to answer (ms, a fault's latency included), from the request's arrival. */
  ms?: number;
}

export class Store {
  tenants = new Map<string, Tenant>();
  users = new Map<string, User>();
  applications = new Map<string, Application>();
  servicePrincipals = new Map<string, ServicePrincipal>();
  clients = new Map<string, ClientApp>();
  consents = new Map<string, ConsentGrant>();
  billingAccounts = new Map<string, BillingAccount>();
  billingAssignments = new Map<string, BillingRoleAssignment[]>();
  operations = new Map<string, PendingOperation>();
  subscriptions = new Map<string, Subscription>();
  rbac: RbacAssignment[] = [];
  /** By mgKey(tenant id, name). */
  managementGroups = new Map<string, ManagementGroup>();
  requestLog = new Map<string, RequestRecord[]>();
  /** Objects ever created per tenant (deleted ones included): the basis of exactly-once assertions. */
  created = new Map<string, Record<string, number>>();
  private seq = 0;

  nextSeq(): number {
    return ++this.seq;
  }

  tenantByIdOrDomain(value: string): Tenant | undefined {
    const lower = value.toLowerCase();
    const byId = this.tenants.get(lower);
    if (byId) return byId;
    for (const t of this.tenants.values())
      if (t.domain.toLowerCase() === lower || t.customDomains?.includes(lower)) return t;
    return undefined;
  }

  tenantsInOrder(): Tenant[] {
    return [...this.tenants.values()].sort((a, b) => a.seq - b.seq);
  }

  usersOf(tenantId: string): User[] {
    return [...this.users.values()].filter((u) => u.tenantId === tenantId);
  }

  userByUpn(upn: string): User | undefined {
    const lower = upn.toLowerCase();
    for (const u of this.users.values()) if (u.userPrincipalName.toLowerCase() === lower) return u;
    return undefined;
  }

  appsOf(tenantId: string): Application[] {
    return [...this.applications.values()].filter((a) => a.tenantId === tenantId);
  }

  appByAppId(appId: string): Application | undefined {
    const lower = appId.toLowerCase();
    for (const a of this.applications.values()) if (a.appId === lower) return a;
    return undefined;
  }

  spsOf(tenantId: string): ServicePrincipal[] {
    return [...this.servicePrincipals.values()].filter((s) => s.tenantId === tenantId);
  }

  spByAppId(tenantId: string, appId: string): ServicePrincipal | undefined {
    const lower = appId.toLowerCase();
    for (const s of this.servicePrincipals.values())
      if (s.tenantId === tenantId && s.appId === lower) return s;
    return undefined;
  }

  consent(tenantId: string, clientId: string): ConsentGrant {
    const key = `${tenantId}|${clientId.toLowerCase()}`;
    let grant = this.consents.get(key);
    if (!grant) {
      grant = { tenantId, clientId: clientId.toLowerCase(), admin: new Set(), users: new Map() };
      this.consents.set(key, grant);
    }
    return grant;
  }

  assignmentsOf(accountName: string): BillingRoleAssignment[] {
    let list = this.billingAssignments.get(accountName);
    if (!list) {
      list = [];
      this.billingAssignments.set(accountName, list);
    }
    return list;
  }

  countCreated(tenantId: string, kind: string): void {
    const counts = this.created.get(tenantId) ?? {};
    counts[kind] = (counts[kind] ?? 0) + 1;
    this.created.set(tenantId, counts);
  }

  logRequest(tenantId: string | undefined, record: RequestRecord): void {
    const key = tenantId ?? "-";
    const list = this.requestLog.get(key) ?? [];
    list.push(record);
    // Keep memory bounded for long demos; counts in state come from this window.
    if (list.length > 5000) list.splice(0, list.length - 5000);
    this.requestLog.set(key, list);
  }

  newTenant(
    init: Omit<Tenant, "seq" | "appManagementPolicy" | "seededAt"> & {
      appManagementPolicy?: AppManagementPolicy;
    },
  ): Tenant {
    const tenant: Tenant = {
      ...init,
      appManagementPolicy: init.appManagementPolicy ?? defaultAppManagementPolicy(),
      seededAt: Date.now(),
      seq: this.nextSeq(),
    };
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }

  /** Removes a tenant and everything in it, for re-seeding a preset with fixed ids. */
  removeTenant(tenantId: string): void {
    this.tenants.delete(tenantId);
    for (const [id, u] of this.users) if (u.tenantId === tenantId) this.users.delete(id);
    for (const [id, a] of this.applications) if (a.tenantId === tenantId) this.applications.delete(id);
    for (const [id, s] of this.servicePrincipals)
      if (s.tenantId === tenantId) this.servicePrincipals.delete(id);
    for (const [key, c] of this.consents) if (c.tenantId === tenantId) this.consents.delete(key);
    for (const [name, acct] of this.billingAccounts) {
      if (acct.primaryBillingTenantId === tenantId) {
        this.billingAccounts.delete(name);
        this.billingAssignments.delete(name);
      }
    }
    for (const [id, s] of this.subscriptions) if (s.tenantId === tenantId) this.subscriptions.delete(id);
    this.rbac = this.rbac.filter((r) => r.tenantId !== tenantId);
    for (const [name, g] of this.managementGroups)
      if (g.tenantId === tenantId) this.managementGroups.delete(name);
    this.requestLog.delete(tenantId);
    this.created.delete(tenantId);
  }
}
