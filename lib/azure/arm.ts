/**
 * Azure Resource Manager: billing (through @azure/arm-billing's client and pipeline) and Cost
 * Management. @azure/arm-billing 4.1.0 speaks api-version 2020-05-01, which lacks the billing account's
 * primaryBillingTenantId and has no createBillingRoleAssignment; those two go through the same client's
 * sendRequest at 2024-04-01.
 */
import { BillingManagementClient } from "@azure/arm-billing";

import type { AzureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError, errorFromResponse } from "@/lib/azure/errors";
import { sendJson } from "@/lib/azure/http";
import { applyRetryRules, throttleWaitMs, type ClientOptions } from "@/lib/azure/pipeline";
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
  /** How the person sees it: a billing role of their own, or their Entra role (listed with includeAll). */
  access?: BillingAccountAccess;
};

export type BillingAccountAccess = "billing-role" | "global-admin";

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

  /** `deadline` (epoch ms): throttling waits within a call end by then (see pipeline.ts). */
  constructor(credential: RefreshableCredential, endpoints: AzureEndpoints, options: ClientOptions = {}) {
    this.base = endpoints.arm.baseUrl;
    const scopes = [`${endpoints.arm.resource}/.default`];
    this.billing = new BillingManagementClient(credential, noSubscription, {
      endpoint: endpoints.arm.baseUrl,
      credentialScopes: scopes,
      userAgentOptions: { userAgentPrefix: "mca-connect" },
    });
    applyRetryRules(this.billing.pipeline, endpoints.arm.baseUrl, { deadline: options.deadline });
    hardenPipeline(this.billing.pipeline, credential, scopes);
  }

  private accountPath(name: string) {
    return `${this.base}/providers/Microsoft.Billing/billingAccounts/${encodeURIComponent(name)}`;
  }

  /**
   * The billing accounts the signed-in person can see, each with how: through a billing role of their
   * own (the plain list), or through their Microsoft Entra administrator role. Microsoft lists accounts
   * a Global Administrator holds no role on only when asked with includeAll=true, so both lists are read.
   */
  async listBillingAccounts(): Promise<BillingAccountSummary[]> {
    const base = `${this.base}/providers/Microsoft.Billing/billingAccounts?api-version=${billingApiVersion}`;
    const [direct, all] = await Promise.all([
      this.listPages(base),
      this.listPages(`${base}&includeAll=true`).catch((error: unknown) => {
        // A service that refuses the parameter still gave the plain list.
        if (error instanceof AzureCallError && error.status === 400) return [];
        throw error;
      }),
    ]);
    const accounts: BillingAccountSummary[] = direct.map((a) => ({ ...a, access: "billing-role" }));
    for (const account of all)
      if (!accounts.some((a) => a.name === account.name))
        accounts.push({ ...account, access: "global-admin" });
    return accounts;
  }

  private async listPages(first: string): Promise<BillingAccountSummary[]> {
    const accounts: BillingAccountSummary[] = [];
    let url: string | undefined = first;
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
   * 200 with the assignment, or 202 with Location (the spec's final-state-via) polled until it answers
   * 200, or Azure-AsyncOperation polled until its status is final. Either address is followed only on
   * the host the POST went to: the bearer token never goes elsewhere. Waits honour Retry-After, within
   * maxWaitMs; an operation still running then comes back as pending (the caller lists and adopts).
   */
  async createBillingRoleAssignment(
    accountName: string,
    body: { principalId: string; principalTenantId: string; roleDefinitionId: string },
    options: { maxWaitMs?: number } = {},
  ): Promise<BillingRoleAssignmentSummary & { requestId?: string; pending?: boolean }> {
    const res = await sendJson<ArmAssignment>(
      this.billing,
      "arm",
      "POST",
      `${this.accountPath(accountName)}/createBillingRoleAssignment?api-version=${billingApiVersion}`,
      { body, okStatuses: [200, 201, 202] },
    );
    if (res.status !== 202) return { ...toAssignment(res.body), requestId: res.requestId };
    const location = res.headers["location"];
    const asyncOperation = res.headers["azure-asyncoperation"];
    if (!location && !asyncOperation)
      throw new AzureCallError({
        kind: "transient",
        message: "Azure accepted the role assignment but gave no address to follow it",
        service: "arm",
        requestId: res.requestId,
      });
    for (const address of [location, asyncOperation]) if (address) this.ownHost(address, res.requestId);
    const pending = { name: "", id: "", pending: true, requestId: res.requestId };
    const deadline = Date.now() + (options.maxWaitMs ?? 30_000);
    let wait = throttleWaitMs(res.headers) ?? 5000;
    while (Date.now() < deadline) {
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
      if (asyncOperation && !location) {
        // Only a status address: once it succeeds, the caller finds the assignment by listing.
        const status = await sendJson<AsyncOperationStatus>(this.billing, "arm", "GET", asyncOperation);
        throwIfFailed(status.body, status.requestId);
        if (/^succeeded$/i.test(status.body?.status ?? "")) return pending;
        wait = throttleWaitMs(status.headers) ?? 5000;
        continue;
      }
      const poll = await sendJson<ArmAssignment>(this.billing, "arm", "GET", location!, {
        okStatuses: [200, 202],
      });
      if (poll.status === 200 && poll.body?.name)
        return { ...toAssignment(poll.body), requestId: res.requestId };
      wait = throttleWaitMs(poll.headers) ?? 5000;
    }
    return pending;
  }

  /** An address Azure handed back must be on the host we called, or the token would follow it. */
  private ownHost(address: string, requestId?: string): void {
    let host: string | undefined;
    try {
      host = new URL(address, this.base).host;
    } catch {
      host = undefined;
    }
    if (host !== new URL(this.base).host)
      throw new AzureCallError({
        kind: "fatal",
        service: "arm",
        requestId,
        message: `Azure answered with an address on another host (${host ?? address}) to follow the role assignment; the portal does not send your sign-in there. Run the step again to look for the assignment.`,
      });
  }

  /**
   * Deletes a billing role assignment (api-version 2024-04-01); `gone` when Azure no longer has it
   * (404), so a resumed disconnect treats it as done.
   */
  async deleteBillingRoleAssignment(
    accountName: string,
    assignmentName: string,
  ): Promise<{ requestId?: string; gone: boolean }> {
    const res = await sendJson(
      this.billing,
      "arm",
      "DELETE",
      `${this.accountPath(accountName)}/billingRoleAssignments/${encodeURIComponent(assignmentName)}?api-version=${billingApiVersion}`,
      { okStatuses: [200, 204, 404] },
    );
    return { requestId: res.requestId, gone: res.status === 404 };
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
      { body: costQuery, okStatuses: [200, 204] },
    );
    const summary = summarizeCost(
      res.body?.properties?.columns ?? [],
      res.body?.properties?.rows ?? [],
      costQuery.dataset.aggregation.totalCost.name,
    );
    return {
      ...summary,
      from: from.toISOString().slice(0, 10),
      to: now.toISOString().slice(0, 10),
      requestId: res.requestId,
    };
  }
}

/** Month-to-date actual cost, one total: the cost column is named after its source ("Cost"). */
const costQuery = {
  type: "ActualCost",
  timeframe: "MonthToDate",
  dataset: { granularity: "None", aggregation: { totalCost: { name: "Cost", function: "Sum" } } },
} as const;

/**
 * The total and currency of a cost query's rows. Cost Management names an aggregation's column after
 * its source column (an alias "totalCost" over "Cost" comes back as "Cost"); the alias and the other
 * cost columns Microsoft uses (PreTaxCost for older offers, CostUSD, CostInBillingCurrency) are read too.
 * The currency is the rows' own (the billing account's); no rows means nothing spent, currency unknown.
 */
export function summarizeCost(
  columns: { name: string; type?: string }[],
  rows: unknown[][],
  source = "Cost",
): CostSummary {
  const find = (names: string[]) =>
    names
      .map((n) => columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase()))
      .find((i) => i >= 0) ?? -1;
  const costIndex = find([source, "totalCost", "Cost", "PreTaxCost", "CostInBillingCurrency", "CostUSD"]);
  const currencyIndex = find(["Currency", "BillingCurrency", "BillingCurrencyCode"]);
  const summary: CostSummary = { amount: 0, currency: null, rows: rows.length, from: "", to: "" };
  for (const row of rows) {
    summary.amount += Number(row[costIndex] ?? 0);
    if (currencyIndex >= 0 && typeof row[currencyIndex] === "string")
      summary.currency = row[currencyIndex] as string;
  }
  summary.amount = Math.round(summary.amount * 100) / 100;
  return summary;
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

type ArmAssignment = { name: string; id: string; properties?: Partial<BillingRoleAssignmentSummary> };

/** The body of an Azure-AsyncOperation status address. */
type AsyncOperationStatus = { status?: string; error?: { code?: string; message?: string } };

/** A failed or canceled operation throws Azure's error. */
function throwIfFailed(body: AsyncOperationStatus | undefined, requestId?: string): void {
  if (!/^(failed|canceled)$/i.test(body?.status ?? "")) return;
  const error = errorFromResponse("arm", 400, { error: body?.error ?? { code: body?.status } }, requestId);
  throw new AzureCallError({ ...error.toJSON(), status: undefined });
}

function toAssignment(body: ArmAssignment): BillingRoleAssignmentSummary {
  return {
    name: body.name,
    id: body.id,
    principalId: body.properties?.principalId,
    principalTenantId: body.properties?.principalTenantId,
    roleDefinitionId: body.properties?.roleDefinitionId,
  };
}
