/** The JSON a tenant is seeded from (control API, --seed, tests) and what seeding answers. */
import type { AppManagementPolicy, DelayProfile, TenantSettingsPatch } from "./settings";
import type { CostRow, DirectoryRole } from "./store";

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
  /** The key (or id) of this scenario's subscription that generated rows name; default the first. */
  subscription?: string;
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
  /** Enterprise Agreement only: the enrollment's departments and enrollment accounts. */
  departments?: { name?: string; departmentName: string; costCenter?: string }[];
  enrollmentAccounts?: {
    name?: string;
    accountName: string;
    costCenter?: string;
    /** The name of one of this enrollment's departments. */
    department?: string;
  }[];
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

export interface ManagementGroupSpec {
  /** The group's name (its id in ARM paths); default generated. */
  name?: string;
  displayName: string;
  /** The parent group's name; default the tenant root group. */
  parent?: string;
  /** Subscription keys (or ids) of this scenario placed directly under the group. */
  subscriptions?: string[];
  /** Azure RBAC roles at the group's scope (inherited by everything under it). */
  roleAssignments?: RoleRef[];
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
  /** Management groups under the tenant root group (named by the tenant id, always created). */
  managementGroups?: ManagementGroupSpec[];
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
  managementGroups: Record<string, { name: string; id: string; displayName: string }>;
}

export class ScenarioError extends Error {}
