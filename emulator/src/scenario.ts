/**
 * Seeding a tenant from a JSON spec (control API and --seed): the spec's types are in scenario-spec.ts,
 * the steps in seed-steps.ts, the "contoso" demo preset in contoso.ts, the generated daily costs in
 * costs.ts.
 */
import { contosoSpec } from "./contoso";
import { generateCosts } from "./costs";
import { ScenarioError, type RoleRef, type ScenarioSpec, type SeedResult } from "./scenario-spec";
import { seedManagementGroups } from "./seed-management-groups";
import {
  seedBillingAccounts,
  seedConsents,
  seedPasswords,
  seedSubscriptions,
  seedTenant,
  seedUsers,
} from "./seed-steps";
import { applySettings } from "./settings";
import type { World } from "./world";

export { contosoSpec, generateCosts, ScenarioError };
export type {
  BillingAccountSpec,
  ConsentSpec,
  CostSpec,
  ManagementGroupSpec,
  RoleRef,
  ScenarioSpec,
  SeededUser,
  SeedResult,
  SubscriptionSpec,
  UserSpec,
} from "./scenario-spec";

export function seedScenario(world: World, input: ScenarioSpec): SeedResult {
  const spec: ScenarioSpec = input.preset === "contoso" ? withPreset(input) : input;
  if (input.preset && input.preset !== "contoso")
    throw new ScenarioError(`Unknown preset '${String(input.preset)}'`);
  const seeding = seedTenant(world, spec, !!input.tenantId);
  seedUsers(seeding);
  seedPasswords(seeding);
  seedSubscriptions(seeding);
  seedManagementGroups(seeding);
  seedBillingAccounts(seeding);
  seedConsents(seeding);
  return seeding.result;
}

/**
 * For a restart with persisted state (--persist): when the scenario names its tenant id (a fixed-id preset
 * such as the demo's contoso) and that tenant was restored, describe it instead of re-seeding. Re-seeding
 * would replace the tenant and drop what was made in it since (apps, service principals, secrets, role
 * assignments, consents). What a fresh seed would renew is renewed: generated costs end today, and a
 * different delay profile (--delays) resets the tenant's delays. Undefined when there is nothing to resume.
 */
export function resumeSeed(world: World, input: ScenarioSpec): SeedResult | undefined {
  const spec: ScenarioSpec = input.preset === "contoso" ? withPreset(input) : input;
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
    managementGroups: {},
  };
  for (const g of store.managementGroups.values())
    if (g.tenantId === tenant.id && g.parent !== null)
      result.managementGroups[g.name] = {
        name: g.name,
        id: `/providers/Microsoft.Management/managementGroups/${g.name}`,
        displayName: g.displayName,
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
      account.costs = generateCosts(
        account.name,
        b.costs ?? {},
        (b.costs && b.costs.subscription
          ? result.subscriptions[b.costs.subscription]?.subscriptionId
          : undefined) ??
          subscriptionIds[0] ??
          null,
      );
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

/**
 * The contoso preset with the input's overrides. When the input replaces the users, the role assignments
 * of the preset's own billing accounts, subscriptions and management groups that name a preset user the
 * input dropped are left out (so a spec that overrides only users and billing accounts still seeds);
 * role assignments the input itself lists are never filtered, so a typo there still fails.
 */
function withPreset(input: ScenarioSpec): ScenarioSpec {
  const preset = contosoSpec(!!input.fixedIds);
  const spec: ScenarioSpec = { ...preset, ...withoutPreset(input) };
  if (!input.users) return spec;
  const known = new Set(
    spec.users!.flatMap((u) => [u.key, u.id, u.userPrincipalName].filter((x): x is string => !!x)),
  );
  const keep = <T extends { roleAssignments?: RoleRef[] }>(items: T[] | undefined): T[] | undefined =>
    items?.map((i) => ({ ...i, roleAssignments: i.roleAssignments?.filter((r) => known.has(r.user)) }));
  if (!input.billingAccounts) spec.billingAccounts = keep(preset.billingAccounts);
  if (!input.subscriptions) spec.subscriptions = keep(preset.subscriptions);
  if (!input.managementGroups) spec.managementGroups = keep(preset.managementGroups);
  return spec;
}

function withoutPreset(input: ScenarioSpec): ScenarioSpec {
  const { preset: _preset, ...rest } = input;
  void _preset;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as ScenarioSpec;
}
