/** GET /_emulator/tenants/{id}/state: what Azure holds for a tenant, for tests to assert exactly-once. */
import { settleOperations } from "../arm/billing";
import { splitKey } from "../entra/scopes";
import type { Tenant } from "../store";
import type { World } from "../world";

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function tenantState(world: World, tenant: Tenant): Record<string, unknown> {
  settleOperations(world);
  const store = world.store;
  const users = store.usersOf(tenant.id);
  const counts: Record<string, number> = {};
  const log = store.requestLog.get(tenant.id) ?? [];
  for (const r of log) counts[`${r.service} ${r.route}`] = (counts[`${r.service} ${r.route}`] ?? 0) + 1;
  const principalIds = new Set([...users.map((u) => u.id), ...store.spsOf(tenant.id).map((s) => s.id)]);
  const accounts = [...store.billingAccounts.values()].filter(
    (a) =>
      a.primaryBillingTenantId === tenant.id ||
      store.assignmentsOf(a.name).some((x) => principalIds.has(x.principalId)),
  );
  return {
    tenant: {
      id: tenant.id,
      displayName: tenant.displayName,
      domain: tenant.domain,
      customDomains: tenant.customDomains ?? [],
      allowedToCreateApps: tenant.allowedToCreateApps,
      appManagementPolicy: tenant.appManagementPolicy,
      settings: tenant.settings,
      tokensExpiredAt: tenant.tokensExpiredAt ?? null,
    },
    users: users.map((u) => ({
      id: u.id,
      key: u.key,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      roles: u.roles,
      billingElevated: u.billingElevated,
    })),
    applications: store.appsOf(tenant.id).map((a) => ({
      id: a.id,
      appId: a.appId,
      displayName: a.displayName,
      uniqueName: a.uniqueName,
      signInAudience: a.signInAudience,
      createdDateTime: a.createdDateTime,
      replicatedAt: iso(a.replicatedAt),
      ownerIds: a.ownerIds,
      // Never the secret value: tests assert on metadata only.
      passwordCredentials: a.passwordCredentials.map((c) => ({
        keyId: c.keyId,
        displayName: c.displayName,
        hint: c.hint,
        startDateTime: c.startDateTime,
        endDateTime: c.endDateTime,
        activeAt: iso(c.activeAt),
      })),
    })),
    servicePrincipals: store.spsOf(tenant.id).map((s) => ({
      id: s.id,
      appId: s.appId,
      displayName: s.displayName,
      createdDateTime: s.createdDateTime,
      replicatedAt: iso(s.replicatedAt),
      billingVisibleAt: iso(s.billingVisibleAt),
    })),
    billingAccounts: accounts.map((a) => ({
      name: a.name,
      displayName: a.displayName,
      agreementType: a.agreementType,
      accountStatus: a.accountStatus,
      primaryBillingTenantId: a.primaryBillingTenantId,
      costRows: a.costs.length,
      roleAssignments: store.assignmentsOf(a.name).map((x) => ({
        name: x.name,
        principalId: x.principalId,
        principalTenantId: x.principalTenantId,
        principalType: x.principalType,
        roleDefinitionId: `/providers/Microsoft.Billing/billingAccounts/${a.name}/billingRoleDefinitions/${x.roleDefinitionName}`,
        createdOn: x.createdOn,
        createdByPrincipalId: x.createdByPrincipalId,
        effectiveAt: iso(x.effectiveAt),
      })),
      pendingOperations: [...store.operations.values()]
        .filter((o) => o.billingAccountName === a.name && !o.done)
        .map((o) => ({
          id: o.id,
          principalId: o.assignment.principalId,
          pollsLeft: o.pollsLeft,
          readyAt: iso(o.readyAt),
        })),
    })),
    subscriptions: [...store.subscriptions.values()].filter((s) => s.tenantId === tenant.id),
    rbacRoleAssignments: store.rbac.filter((r) => r.tenantId === tenant.id),
    managementGroups: [...store.managementGroups.values()].filter((g) => g.tenantId === tenant.id),
    consents: [...store.consents.values()]
      .filter((g) => g.tenantId === tenant.id)
      .map((g) => ({
        clientId: g.clientId,
        admin: [...g.admin].map(keyToScope),
        users: Object.fromEntries([...g.users.entries()].map(([u, s]) => [u, [...s].map(keyToScope)])),
      })),
    created: {
      applications: 0,
      servicePrincipals: 0,
      passwordCredentials: 0,
      billingRoleAssignments: 0,
      rbacRoleAssignments: 0,
      ...(store.created.get(tenant.id) ?? {}),
    },
    requestCounts: counts,
    requests: log.slice(-200),
  };
}

function keyToScope(key: string): string {
  const { resource, name } = splitKey(key);
  return `${resource === "graph" ? "https://graph.microsoft.com" : "https://management.azure.com"}/${name}`;
}
