/**
 * Azure Resource Manager: billing (through @azure/arm-billing's client and pipeline) and Cost
 * Management. @azure/arm-billing 4.1.0 speaks api-version 2020-05-01, which lacks the billing account's
 * primaryBillingTenantId and has no createBillingRoleAssignment; those two go through the same client's
 * sendRequest at 2024-04-01.
 */
import { BillingManagementClient } from "@azure/arm-billing";

import { AzureCallError } from "@/lib/azure/errors";
import type { AzureEndpoints } from "@/lib/azure/endpoints";
import { sendJson } from "@/lib/azure/http";
import { applyRetryRules } from "@/lib/azure/pipeline";
import { asAzureCallError, hardenPipeline, type RefreshableCredential } from "@/lib/azure/resilience";

export const billingApiVersion = "2024-04-01";
export const costApiVersion = "2025-03-01";
export const billingAccountReaderRoleId = "50000000-aaaa-bbbb-cccc-100000000002";

export type BillingAccountSummary = {
  name: string;
  displayName: string;
  agreementType: string;
  accountStatus: string;
  accountType?: string;
  primaryBillingTenantId?: string;
  hasReadAccess?: boolean;
};

export type BillingRoleAssignmentSummary = {
  name: string;
  id: string;
  principalId?: string;
  principalTenantId?: string;
  roleDefinitionId?: string;
};

export type CostSummary = { amount: number; currency: string | null; rows: number; from: string; to: string };

type ArmBillingAccount = { name: string; properties?: Partial<BillingAccountSummary> };

// Placeholder subscription: billing APIs are tenant-level, the SDK's constructor still wants one.
const noSubscription = "00000000-0000-0000-0000-000000000000";

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class ArmClient {
  readonly billing: BillingManagementClient;
  private readonly base: string;

  constructor(credential: RefreshableCredential, endpoints: AzureEndpoints) {
    this.base = endpoints.arm.baseUrl;
    const scopes = [`${endpoints.arm.resource}/.default`];
    this.billing = new BillingManagementClient(credential, noSubscription, {
      endpoint: endpoints.arm.baseUrl,
      credentialScopes: scopes,
      userAgentOptions: { userAgentPrefix: "mca-connect" },
    });
    applyRetryRules(this.billing.pipeline);
    hardenPipeline(this.billing.pipeline, credential, scopes);
  }

  private accountPath(name: string) {
    return `${this.base}/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(name)}`;
  }

  async listBillingAccounts(): Promise<BillingAccountSummary[]> {
    const accounts: BillingAccountSummary[] = [];
    let url: string | undefined =
      `${this.base}/providers/Microsoft.Billing/billingAccounts?api-version=${billingApiVersion}`;
    for (let page = 0; url && page < 50; page++) {
      const res: { body: { value: ArmBillingAccount[]; nextLink?: string } } = await sendJson(
        this.billing,
        "arm",
        "GET",
        url,
      );
      for (const item of res.body.value ?? []) accounts.push(summarize(item));
      url = res.body.nextLink ?? undefined;
    }
    return accounts;
  }

  async getBillingAccount(name: string): Promise<BillingAccountSummary & { requestId?: string }> {
    const res = await sendJson<ArmBillingAccount>(
      this.billing,
      "arm",
      "GET",
      `${this.accountPath(name)}?api-version=${billingApiVersion}`,
    );
    return { ...summarize(res.body), requestId: res.requestId };
  }

  /** The Billing account reader role's full id on this account, found by name, else the documented id. */
  async readerRoleDefinitionId(accountName: string): Promise<string> {
    const fallback = `/providers/Microsoft.Billing/billingAccounts/${accountName}/billingRoleDefinitions/${billingAccountReaderRoleId}`;
    try {
      for await (const definition of this.billing.billingRoleDefinitions.listByBillingAccount(accountName)) {
        if (definition.roleName?.toLowerCase() === "billing account reader" && definition.id)
          return definition.id;
      }
    } catch (error) {
      const failure = asAzureCallError(error, "arm");
      if (failure instanceof AzureCallError && failure.status === 403) return fallback;
      throw failure;
    }
    return fallback;
  }

  async listRoleAssignments(accountName: string): Promise<BillingRoleAssignmentSummary[]> {
    const out: BillingRoleAssignmentSummary[] = [];
    try {
      for await (const assignment of this.billing.billingRoleAssignments.listByBillingAccount(accountName)) {
        out.push({
          name: assignment.name ?? "",
          id: assignment.id ?? "",
          principalId: assignment.principalId,
          principalTenantId: assignment.principalTenantId,
          roleDefinitionId: assignment.roleDefinitionId,
        });
      }
    } catch (error) {
      throw asAzureCallError(error, "arm");
    }
    return out;
  }

  /**
   * POST createBillingRoleAssignment (not idempotent: callers list assignments first). Long-running:
   * 200 with the assignment, or 202 with a Location polled until it answers 200.
   */
  async createBillingRoleAssignment(
    accountName: string,
    body: { principalId: string; principalTenantId: string; roleDefinitionId: string },
    options: { maxWaitMs?: number } = {},
  ): Promise<BillingRoleAssignmentSummary & { requestId?: string; pending?: boolean }> {
    const res = await sendJson<{
      name: string;
      id: string;
      properties?: Partial<BillingRoleAssignmentSummary>;
    }>(
      this.billing,
      "arm",
      "POST",
      `${this.accountPath(accountName)}/createBillingRoleAssignment?api-version=${billingApiVersion}`,
      { body, okStatuses: [200, 201, 202] },
    );
    if (res.status !== 202) return { ...toAssignment(res.body), requestId: res.requestId };
    const location = res.headers["location"] ?? res.headers["azure-asyncoperation"];
    if (!location)
      throw new AzureCallError({
        kind: "transient",
        message: "Azure accepted the role assignment but gave no address to follow it",
        service: "arm",
        requestId: res.requestId,
      });
    const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
    let wait = Number(res.headers["retry-after"] ?? 5) * 1000;
    while (Date.now() < deadline) {
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      const poll = await sendJson<{
        name: string;
        id: string;
        properties?: Partial<BillingRoleAssignmentSummary>;
      }>(this.billing, "arm", "GET", location, {
        okStatuses: [200, 202],
      });
      if (poll.status === 200 && poll.body?.name)
        return { ...toAssignment(poll.body), requestId: res.requestId };
      wait = Number(poll.headers["retry-after"] ?? 5) * 1000;
    }
    return { name: "", id: "", pending: true, requestId: res.requestId };
  }

  /** Month-to-date actual cost at the billing account scope, in UTC. A 204 or no rows is zero spent. */
  async monthToDateCost(
    accountName: string,
    now = new Date(),
  ): Promise<CostSummary & { requestId?: string }> {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const res = await sendJson<
      { properties?: { columns?: { name: string; type: string }[]; rows?: unknown[][] } } | undefined
    >(
      this.billing,
      "arm",
      "POST",
      `${this.accountPath(accountName)}/providers/Microsoft.CostManagement/query?api-version=${costApiVersion}`,
      {
        body: {
          type: "ActualCost",
          timeframe: "MonthToDate",
          dataset: { granularity: "None", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
        },
        okStatuses: [200, 204],
      },
    );
    const summary: CostSummary = {
      amount: 0,
      currency: null,
      rows: 0,
      from: from.toISOString().slice(0, 10),
      to: now.toISOString().slice(0, 10),
    };
    const columns = res.body?.properties?.columns ?? [];
    const rows = res.body?.properties?.rows ?? [];
    const costIndex = columns.findIndex((c) => /^(totalCost|Cost|PreTaxCost|CostUSD)$/i.test(c.name));
    const currencyIndex = columns.findIndex((c) => /currency/i.test(c.name));
    for (const row of rows) {
      summary.amount += Number(row[costIndex] ?? 0);
      if (currencyIndex >= 0 && typeof row[currencyIndex] === "string")
        summary.currency = row[currencyIndex] as string;
    }
    summary.amount = Math.round(summary.amount * 100) / 100;
    summary.rows = rows.length;
    return { ...summary, requestId: res.requestId };
  }
}

function summarize(item: ArmBillingAccount): BillingAccountSummary {
  const p = item.properties ?? {};
  return {
    name: item.name,
    displayName: p.displayName ?? item.name,
    agreementType: p.agreementType ?? "Other",
    accountStatus: p.accountStatus ?? "Other",
    accountType: p.accountType,
    primaryBillingTenantId: p.primaryBillingTenantId,
    hasReadAccess: p.hasReadAccess,
  };
}

function toAssignment(body: {
  name: string;
  id: string;
  properties?: Partial<BillingRoleAssignmentSummary>;
}): BillingRoleAssignmentSummary {
  return {
    name: body.name,
    id: body.id,
    principalId: body.properties?.principalId,
    principalTenantId: body.properties?.principalTenantId,
    roleDefinitionId: body.properties?.roleDefinitionId,
  };
}
