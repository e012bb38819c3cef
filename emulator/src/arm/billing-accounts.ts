/**
 * Microsoft.Billing billing accounts (list, get) and their role definitions. Response shapes follow the
 * api-version asked for: 2024-04-01 as Microsoft's example, 2020-05-01 as @azure/arm-billing 4.1.0 reads.
 */
import type { Caller } from "../auth";
import type { Ctx } from "../http";
import type { BillingAccount } from "../store";
import type { World } from "../world";
import {
  accountId,
  billingAccess,
  canRead,
  hasDirectRole,
  listedForAdmin,
  readableAccount,
  roleDefinitionId,
} from "./billing-access";
import { definitionsFor } from "./billing-roles";
import { API_VERSIONS, armError, armJson, armPage, armRoute } from "./common";
import { enrollmentExpansion } from "./ea";

export const MODERN = "2024-04-01";

export function isModern(version: string): boolean {
  return version >= MODERN;
}

const ACCOUNTS = { namespace: "Microsoft.Billing", type: "billingAccounts" };

export function billingAccountJson(
  account: BillingAccount,
  version: string,
  hasReadAccess = true,
  expansion: Record<string, unknown> = {},
): Record<string, unknown> {
  if (isModern(version)) {
    return {
      id: accountId(account.name),
      name: account.name,
      properties: {
        accountStatus: account.accountStatus,
        accountType: account.accountType,
        accountSubType: account.accountSubType,
        agreementType: account.agreementType,
        displayName: account.displayName,
        hasReadAccess,
        primaryBillingTenantId: account.primaryBillingTenantId,
        ...expansion,
      },
      type: "Microsoft.Billing/billingAccounts",
      systemData: { createdAt: account.createdAt, lastModifiedAt: account.createdAt },
    };
  }
  // The 2020-05-01 model (the one @azure/arm-billing 4.1.0 deserializes) has no primaryBillingTenantId.
  return {
    id: accountId(account.name),
    name: account.name,
    properties: {
      accountStatus: account.accountStatus,
      accountType: account.accountType,
      agreementType: account.agreementType,
      displayName: account.displayName,
      hasReadAccess,
      ...expansion,
    },
    type: "Microsoft.Billing/billingAccounts",
  };
}

export function listAccounts(world: World, ctx: Ctx, caller: Caller): void {
  const version = armRoute(ctx, "GET /billingAccounts", API_VERSIONS.billing, ACCOUNTS);
  if (!version) return;
  // Microsoft documents includeAllOrgs at 2020-05-01 and includeAll at 2024-04-01; each version reads its own.
  const flag = isModern(version) ? "includeAll" : "includeAllOrgs";
  const includeAll = ctx.url.searchParams.get(flag)?.toLowerCase() === "true";
  const items: Record<string, unknown>[] = [];
  for (const account of world.store.billingAccounts.values()) {
    const access = billingAccess(world, account, caller);
    if (hasDirectRole(access) || (includeAll && listedForAdmin(account, caller)))
      items.push(
        billingAccountJson(
          account,
          version,
          canRead(access),
          canRead(access) ? enrollmentExpansion(ctx, account) : {},
        ),
      );
  }
  armJson(ctx, 200, armPage(world, ctx, items, caller.tenant.settings.armPageSize));
}

export function getAccount(world: World, ctx: Ctx, caller: Caller, name: string): void {
  const version = armRoute(ctx, "GET /billingAccounts/{name}", API_VERSIONS.billing, ACCOUNTS);
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name);
  if (found)
    armJson(
      ctx,
      200,
      billingAccountJson(found.account, version, true, enrollmentExpansion(ctx, found.account)),
    );
}

function roleDefinitionJson(
  account: BillingAccount,
  def: ReturnType<typeof definitionsFor>[number],
): Record<string, unknown> {
  return {
    name: def.name,
    type: "Microsoft.Billing/billingAccounts/billingRoleDefinitions",
    id: roleDefinitionId(account.name, def.name),
    properties: {
      ...(def.description ? { description: def.description } : {}),
      permissions: [{ actions: def.actions }],
      roleName: def.roleName,
    },
  };
}

export function roleDefinitions(
  world: World,
  ctx: Ctx,
  caller: Caller,
  name: string,
  defName?: string,
): void {
  const version = armRoute(
    ctx,
    defName
      ? "GET /billingAccounts/{name}/billingRoleDefinitions/{id}"
      : "GET /billingAccounts/{name}/billingRoleDefinitions",
    API_VERSIONS.billing,
    { namespace: "Microsoft.Billing", type: "billingAccounts/billingRoleDefinitions" },
  );
  if (!version) return;
  const found = readableAccount(world, ctx, caller, name);
  if (!found) return;
  const defs = definitionsFor(found.account.agreementType);
  if (defName) {
    const def = defs.find((d) => d.name === defName.toLowerCase());
    if (!def)
      return armError(ctx, 404, "NotFound", `The billing role definition '${defName}' was not found.`);
    return armJson(ctx, 200, roleDefinitionJson(found.account, def));
  }
  armJson(ctx, 200, { value: defs.map((d) => roleDefinitionJson(found.account, d)) });
}
