/**
 * Seeding a tenant's management groups: the tenant root group (named by the tenant id, as Azure names it)
 * holding every subscription not placed elsewhere, the scenario's groups under it, and their Azure roles.
 */
import { guid, stableGuid } from "./ids";
import { ScenarioError } from "./scenario-spec";
import { seedRbacAssignments, type SeedContext } from "./seed-steps";
import { mgKey } from "./store";

export function seedManagementGroups(c: SeedContext): void {
  const store = c.world.store;
  const root = {
    name: c.tenantId,
    tenantId: c.tenantId,
    displayName: "Tenant Root Group",
    parent: null,
    subscriptionIds: [] as string[],
  };
  store.managementGroups.set(mgKey(c.tenantId, root.name), root);
  const placed = new Set<string>();
  for (const [index, g] of (c.spec.managementGroups ?? []).entries()) {
    if (!g.displayName) throw new ScenarioError("Every management group needs a displayName");
    const name = g.name ?? (c.fixed ? `mg-${stableGuid(`emulator/${c.tenantId}/mg/${index}`)}` : guid());
    if (!/^[A-Za-z0-9_().-]{1,90}$/.test(name))
      throw new ScenarioError(`Management group name '${name}' is not valid`);
    if (store.managementGroups.has(mgKey(c.tenantId, name)))
      throw new ScenarioError(`Management group ${name} already exists`);
    const parent = g.parent ?? root.name;
    if (!store.managementGroups.has(mgKey(c.tenantId, parent)))
      throw new ScenarioError(`Unknown parent management group '${parent}' (list parents first)`);
    const subscriptionIds = (g.subscriptions ?? []).map((ref) => {
      const id = c.result.subscriptions[ref]?.subscriptionId ?? ref.toLowerCase();
      if (!store.subscriptions.has(id) || placed.has(id))
        throw new ScenarioError(
          `Unknown or already placed subscription '${ref}' in management group ${name}`,
        );
      placed.add(id);
      return id;
    });
    store.managementGroups.set(mgKey(c.tenantId, name), {
      name,
      tenantId: c.tenantId,
      displayName: g.displayName,
      parent,
      subscriptionIds,
    });
    const scope = `/providers/Microsoft.Management/managementGroups/${name}`;
    c.result.managementGroups[name] = { name, id: scope, displayName: g.displayName };
    seedRbacAssignments(c, scope, name, g.roleAssignments);
  }
  root.subscriptionIds = c.subscriptionIds.filter((id) => !placed.has(id));
}
