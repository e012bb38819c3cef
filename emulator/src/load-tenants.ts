/**
 * Many small tenants in one call, for load benchmarks (`POST /_emulator/scenarios/batch`): each with one
 * Global Administrator who owns a Microsoft Customer Agreement billing account, which is everything the
 * automated flow needs, seeded through the same scenario code as a single tenant.
 */
import { ScenarioError, seedScenario, type ScenarioSpec } from "./scenario";
import type { DelayProfile, TenantSettingsPatch } from "./settings";
import type { World } from "./world";

export const MAX_BATCH = 500;

export interface TenantBatchSpec {
  /** How many tenants, 1 to MAX_BATCH. */
  count: number;
  /** Display name prefix: "<name> 1", "<name> 2", … (default "Load"). */
  name?: string;
  delayProfile?: DelayProfile;
  settings?: TenantSettingsPatch;
}

export interface BatchTenant {
  tenantId: string;
  domain: string;
  admin: { id: string; userPrincipalName: string };
  billingAccountName: string;
}

export function seedTenantBatch(world: World, input: Record<string, unknown>): BatchTenant[] {
  const spec = input as Partial<TenantBatchSpec>;
  const count = spec.count;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_BATCH)
    throw new ScenarioError(`count must be a whole number from 1 to ${MAX_BATCH}`);
  if (spec.name !== undefined && (typeof spec.name !== "string" || !spec.name.trim()))
    throw new ScenarioError("name must be a non-empty string");
  const prefix = spec.name ?? "Load";
  const tenants: BatchTenant[] = [];
  for (let i = 1; i <= count; i++) {
    const scenario: ScenarioSpec = {
      name: `${prefix} ${i}`,
      ...(spec.delayProfile ? { delayProfile: spec.delayProfile } : {}),
      ...(spec.settings ? { settings: spec.settings } : {}),
      users: [
        {
          key: "admin",
          displayName: "Load Admin",
          userPrincipalName: "admin",
          roles: ["Global Administrator"],
        },
      ],
      billingAccounts: [
        {
          key: "mca",
          agreementType: "MicrosoftCustomerAgreement",
          roleAssignments: [{ user: "admin", role: "owner" }],
          costs: { currency: "USD", days: 31, dailyAverage: 100 },
        },
      ],
    };
    const seeded = seedScenario(world, scenario);
    const admin = seeded.users.admin!;
    tenants.push({
      tenantId: seeded.tenantId,
      domain: seeded.domain,
      admin: { id: admin.id, userPrincipalName: admin.userPrincipalName },
      billingAccountName: seeded.billingAccounts.mca!.name,
    });
  }
  return tenants;
}
