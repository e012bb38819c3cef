/**
 * Runs integration operations (lib/integrations/rotation.ts, disconnect.ts) as the onboarding engine runs
 * steps: a run takes the operation's lease (a conditional update on its version), renews it while it
 * lives, saves only while it holds it, and goes phase by phase until the operation is done, has to wait
 * (for Azure, for the grace period, for a sign-in) or needs a person. Nothing lives in memory: a
 * request, the background job on any instance, or a page visit continues where the last run stopped.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import { AzureCallError, scrub, toSafeError } from "@/lib/azure/errors";
import { GraphClient } from "@/lib/azure/graph";
import { delegatedCredential } from "@/lib/azure/token-broker";
import { recordAudit } from "@/lib/data/audit";
import {
  enterOperationPhase,
  finishOperationRun,
  listDueOperations,
  loadManagedIntegration,
  renewOperationLease,
  saveOperationFenced,
  takeOperationLease,
  type OperationRow,
  type OperationRunEnd,
} from "@/lib/data/integration-operations";
import { LeaseLostError } from "@/lib/data/steps";
import { getUserById } from "@/lib/data/users";
import { disconnectPhases } from "@/lib/integrations/disconnect";
import { rotationPhases } from "@/lib/integrations/rotation";
import type { OperationContext, PhaseHandler, PhaseResult } from "@/lib/integrations/operation-types";
import { log } from "@/lib/log";
import { StillWaiting } from "@/lib/onboardings/retry";

const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
const leaseSlackMs = 30_000;
const leaseRenewEveryMs = 10_000;
const signInRetryMs = 60_000;
const maxTransientAttempts = 8;

const phases: Record<OperationRow["kind"], Record<string, PhaseHandler>> = {
  rotate_secret: rotationPhases,
  disconnect: disconnectPhases,
};

/**
 * Continues one operation within `budgetMs`, if it is due and nobody else runs it. Returns whether
 * this call ran it.
 */
export async function runOperation(operationId: string, options: { budgetMs?: number } = {}) {
  const deadline = Date.now() + (options.budgetMs ?? 8_000);
  const leaseToken = `${instanceId}:${randomUUID()}`;
  const held = await takeOperationLease(operationId, leaseToken, new Date(deadline + leaseSlackMs));
  if (!held) return false;
  let leaseLost = false;
  const renewal = setInterval(() => {
    renewOperationLease(operationId, leaseToken, new Date(Date.now() + leaseSlackMs))
      .then((ok) => {
        if (!ok) leaseLost = true;
      })
      .catch(() => {});
  }, leaseRenewEveryMs);
  renewal.unref();
  try {
    await runLeased(held, leaseToken, deadline);
  } catch (error) {
    if (!(error instanceof LeaseLostError)) throw error;
    leaseLost = true;
  } finally {
    clearInterval(renewal);
  }
  if (leaseLost) log.warn({ operationId }, "operation lease was taken over; this run's results were dropped");
  return true;
}

async function runLeased(start: OperationRow, leaseToken: string, deadline: number) {
  const actor = start.actorId ? await getUserById(start.actorId) : null;
  if (!actor) {
    await finishOperationRun(start.id, leaseToken, {
      status: "no_runner",
      problem: { message: "The person who started this is no longer known. Start it again." },
    });
    return;
  }
  const integration = await loadManagedIntegration(start.integrationId);
  const endpoints = azureEndpoints();
  let graph: GraphClient | undefined;
  let arm: ArmClient | undefined;
  const ctx: OperationContext = {
    operation: start,
    integration,
    actor,
    deadline,
    leaseToken,
    graph: () =>
      (graph ??= new GraphClient(
        delegatedCredential(actor.homeAccountId, integration.tenantId, "graph"),
        endpoints,
        { deadline },
      )),
    arm: () =>
      (arm ??= new ArmClient(
        delegatedCredential(actor.homeAccountId, integration.tenantId, "arm"),
        endpoints,
        { deadline },
      )),
    save: async (fields) => {
      ctx.operation = await saveOperationFenced(start.id, leaseToken, fields);
    },
    mark: async (event, at = new Date()) => {
      const timeline = { ...((ctx.operation.timeline ?? {}) as Record<string, string>) };
      timeline[event] ??= at.toISOString();
      await ctx.save({ timeline });
    },
    audit: async (event) => {
      if (start.onboardingId) await recordAudit(start.onboardingId, actor, event);
    },
  };

  for (let round = 0; round < 12; round++) {
    const phase = ctx.operation.phase;
    const handler = phases[ctx.operation.kind][phase];
    if (phase === "done" || !handler) {
      if (!(await finishOperationRun(start.id, leaseToken, { status: "done" }))) throw new LeaseLostError();
      return;
    }
    let result: PhaseResult;
    try {
      result = await handler(ctx);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      result = resultFromError(error, ctx.operation.attempts, actor);
    }
    if ("next" in result) {
      ctx.operation = await enterOperationPhase(start.id, leaseToken, result.next);
      continue;
    }
    const end: OperationRunEnd =
      "wait" in result
        ? {
            status: "waiting",
            message: scrub(result.wait),
            retryInMs: result.retryInMs,
            awaitingSignIn: result.awaitingSignIn,
          }
        : {
            status: "needs_attention",
            problem: { ...result.attention, message: scrub(result.attention.message) },
          };
    if (!(await finishOperationRun(start.id, leaseToken, end))) throw new LeaseLostError();
    return;
  }
  await finishOperationRun(start.id, leaseToken, { status: "continue" });
}

function resultFromError(
  error: unknown,
  attempts: number,
  actor: { name: string | null; email: string | null },
): PhaseResult {
  if (error instanceof StillWaiting) return { wait: error.reason, retryInMs: error.retryInMs };
  const safe = error instanceof AzureCallError ? error.toJSON() : toSafeError(error);
  if (!(error instanceof AzureCallError))
    log.error({ err: safe }, "integration operation failed unexpectedly");
  if (safe.kind === "sign-in")
    return {
      wait: `Waiting for ${actor.name ?? actor.email ?? "the person who started this"} to sign in again: their Microsoft sign-in has expired. Nothing is lost; it continues after they sign in.`,
      retryInMs: signInRetryMs,
      awaitingSignIn: true,
    };
  if (safe.kind === "transient" && attempts < maxTransientAttempts)
    return {
      wait:
        safe.status === 429
          ? "Azure asked us to slow down; trying again when it said to."
          : "Azure had a temporary problem; trying again shortly.",
      retryInMs: Math.max(Math.min(2000 * 2 ** attempts, 30_000), safe.retryAfterMs ?? 0),
    };
  return {
    attention: {
      message: safe.message,
      code: safe.code,
      action: "Try again; if it keeps failing, check the audit log for Azure's request id.",
    },
  };
}

/** The background job's round: every due operation, each under its own lease. */
export async function runDueOperations(now = new Date(), options: { budgetMs?: number } = {}) {
  const ids = await listDueOperations(now);
  const ran = await Promise.all(
    ids.map((id) =>
      runOperation(id, options).catch((error: unknown) => {
        log.error(
          { operationId: id, err: error instanceof Error ? error.name : String(error) },
          "integration operation run failed",
        );
        return false;
      }),
    ),
  );
  return ran.filter(Boolean).length;
}
