/**
 * Health of connected integrations: re-verifies each one as the cost platform uses it (client
 * credentials as the app, billing account read, month-to-date cost query) and marks it failing with a
 * reason a person can act on. Run by the background job in every portal instance: a lease per
 * integration makes each check happen once, checks run one at a time with a per-round cap, and their
 * times are spread over the interval (lib/data/integration-health.ts), within Cost Management's limits.
 */
import "server-only";

import {
  costQuerySpacingMs,
  entraDescription,
  refusalReason,
  toAzureError,
  withoutSecret,
} from "@/lib/azure/app-check";
import type { RefusalReason } from "@/lib/azure/app-check";
import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import type { AzureCallError } from "@/lib/azure/errors";
import { appCredential } from "@/lib/azure/token-broker";
import {
  claimIntegrationCheck,
  getIntegrationForCheck,
  listDueIntegrationIds,
  releaseIntegrationCheck,
  renewIntegrationCheck,
  scheduleUnscheduled,
} from "@/lib/data/integration-health";
import { recordVerification } from "@/lib/data/integrations";
import { getEnv } from "@/lib/env";
import { utcDate } from "@/lib/format";
import { runUnderLease } from "@/lib/jobs/leased-run";
import { log } from "@/lib/log";

/** A check may take this long (token, billing read, cost query, throttling waits); the lease a bit more. */
const checkBudgetMs = 30_000;
const leaseMs = 2 * 60_000;
/** Checks one instance runs per round of the job, one after another. */
const checksPerRound = 5;
/** After Azure did not answer (5xx, timeout), try again this soon rather than after a whole interval. */
const transientRetryMs = 10 * 60_000;

export type CheckOutcome =
  | { outcome: "active"; amount: number; currency: string | null }
  | { outcome: "failing"; reason: RefusalReason; message: string; action: string }
  | { outcome: "deferred"; reason: "throttled" | "transient"; retryAtMs: number }
  | { outcome: "busy" };

type Facts = { clientId: string; tenantId: string; billingAccountName: string; secretExpiresAt: Date | null };

/** The failure in words for the integration's owner: what happened, and what to do about it. */
export function describeFailure(
  error: Pick<AzureCallError, "kind" | "code" | "status" | "message">,
  facts: Facts,
): { reason: RefusalReason; message: string; action: string } {
  const reason = refusalReason(error);
  const rotate =
    "Rotate the secret: add a new client secret to the app and hand it to the cost platform, then check again.";
  switch (reason) {
    case "secret-expired":
      return {
        reason,
        message: `The client secret has expired${facts.secretExpiresAt ? ` (on ${utcDate(facts.secretExpiresAt)})` : ""}: Microsoft Entra no longer lets the app sign in (AADSTS7000222), so cost imports have stopped.`,
        action: rotate,
      };
    case "secret-invalid":
      return {
        reason,
        message:
          "Microsoft Entra refused the client secret (AADSTS7000215, invalid client secret): it was removed from the app or replaced by another.",
        action: rotate,
      };
    case "app-missing":
      return {
        reason,
        message: `Microsoft Entra no longer finds the app ${facts.clientId} in the tenant ${facts.tenantId} (${error.code}, invalid client): the app registration or its service principal was deleted.`,
        action:
          "A deleted app cannot come back with the same credentials: start a new onboarding for this billing account to create a new app, and hand its values to the cost platform.",
      };
    case "no-billing-read":
      return {
        reason,
        message: `The app may no longer read the billing account: Azure refused it (HTTP ${error.status ?? 403}). Its Billing account reader role was removed.`,
        action:
          "Ask a billing account owner to assign Billing account reader to the app again (Cost Management + Billing, the billing account, Access control (IAM)), then check again.",
      };
    case "billing-account-missing":
      return {
        reason,
        message: `Azure found no billing account ${facts.billingAccountName} for the app (HTTP ${error.status ?? 404}).`,
        action:
          "Check in Cost Management + Billing that the billing account still exists and is the one connected; if it moved, start a new onboarding for it.",
      };
    case "entra-refused":
      return {
        reason,
        message: `Microsoft Entra refused to sign in as the app: ${entraDescription(error.message)}`,
        action:
          "A tenant policy or setting keeps the app from signing in (for example Conditional Access for workload identities, or the app's sign-in being disabled). Ask an administrator to allow it, then check again.",
      };
    default:
      return {
        reason: "other",
        message: `The check failed: ${error.message}`,
        action: "Check again later; if it keeps failing, open the onboarding and verify its steps.",
      };
  }
}

/**
 * Checks one integration now, under its lease: false (`busy`) when another instance holds it or it is
 * not due (unless `force`). Records the result (and so the connected / verification_failing events)
 * and schedules the next check.
 */
export async function checkIntegration(
  id: string,
  {
    force = false,
    intervalMs = getEnv().healthCheckIntervalMs,
  }: { force?: boolean; intervalMs?: number } = {},
): Promise<CheckOutcome> {
  const started = new Date();
  let next = new Date(started.getTime() + intervalMs);
  let result: CheckOutcome = { outcome: "busy" };
  await runUnderLease({
    deadline: started.getTime() + checkBudgetMs,
    slackMs: leaseMs - checkBudgetMs,
    take: async (owner, until) =>
      (await claimIntegrationCheck(id, owner, started, until, { force })) ? id : null,
    renew: (owner, until) => renewIntegrationCheck(id, owner, until),
    run: async (_id, owner) => {
      try {
        const integration = await getIntegrationForCheck(id);
        if (!integration) return;
        const outcome = await verifyAsApp(integration);
        if (outcome.outcome === "deferred") {
          next = new Date(outcome.retryAtMs);
        } else if (outcome.outcome === "active") {
          await recordVerification(id, {
            ok: true,
            amount: outcome.amount,
            currency: outcome.currency,
            from: outcome.from,
            to: outcome.to,
          });
        } else {
          await recordVerification(id, {
            ok: false,
            message: outcome.message,
            code: outcome.code,
            reason: outcome.reason,
            action: outcome.action,
          });
        }
        log.info({ integrationId: id, outcome: outcome.outcome }, "integration checked");
        if (outcome.outcome === "active")
          result = { outcome: "active", amount: outcome.amount, currency: outcome.currency };
        else if (outcome.outcome === "failing")
          result = {
            outcome: "failing",
            reason: outcome.reason,
            message: outcome.message,
            action: outcome.action,
          };
        else result = outcome;
      } finally {
        await releaseIntegrationCheck(id, owner, next);
      }
    },
    onLost: () => log.warn({ integrationId: id }, "integration check's lease was taken over"),
  });
  return result;
}

type Verified =
  | { outcome: "active"; amount: number; currency: string | null; from: string; to: string }
  | { outcome: "failing"; reason: RefusalReason; message: string; action: string; code?: string }
  | { outcome: "deferred"; reason: "throttled" | "transient"; retryAtMs: number };

/** Signs in as the app, reads the billing account, runs the month-to-date cost query. */
async function verifyAsApp(i: Facts & { secret: string }): Promise<Verified> {
  const endpoints = azureEndpoints();
  const arm = new ArmClient(
    appCredential(i.tenantId, i.clientId, i.secret, endpoints.arm.resource),
    endpoints,
    { deadline: Date.now() + checkBudgetMs },
  );
  try {
    await arm.getBillingAccount(i.billingAccountName);
    const cost = await arm.monthToDateCost(i.billingAccountName);
    return { outcome: "active", amount: cost.amount, currency: cost.currency, from: cost.from, to: cost.to };
  } catch (error) {
    const e = withoutSecret(toAzureError(error), i.secret);
    const reason = refusalReason(e);
    if (reason === "throttled" || reason === "transient") {
      // Never a storm: honour the wait Azure asked for (its throttle headers), at least the spacing
      // Cost Management asks of an app; an outage is retried well before the next interval.
      const wait =
        reason === "throttled" ? Math.max(e.retryAfterMs ?? 0, costQuerySpacingMs * 4) : transientRetryMs;
      return { outcome: "deferred", reason, retryAtMs: Date.now() + wait };
    }
    const described = describeFailure(e, i);
    return { outcome: "failing", ...described, code: e.code };
  }
}

/**
 * One round of the health job: schedules integrations that have no next check yet, then checks the due
 * ones one at a time, at most a few per round; the others wait for the next round (or instance).
 */
export async function runHealthChecks(
  now = new Date(),
  {
    intervalMs = getEnv().healthCheckIntervalMs,
    max = checksPerRound,
  }: { intervalMs?: number; max?: number } = {},
): Promise<{ checked: number }> {
  await scheduleUnscheduled(now, intervalMs);
  let checked = 0;
  for (const id of await listDueIntegrationIds(now, max)) {
    try {
      const result = await checkIntegration(id, { intervalMs });
      if (result.outcome !== "busy") checked++;
    } catch (error) {
      log.error(
        { integrationId: id, err: error instanceof Error ? error.name : String(error) },
        "integration check failed",
      );
    }
  }
  return { checked };
}
