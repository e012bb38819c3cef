/**
 * Runs integration operations (lib/integrations/rotation.ts, disconnect.ts) as the onboarding engine runs
 * steps: a run takes the operation's lease (a conditional update on its version), renews it while it
 * lives, saves only while it holds it, and goes phase by phase until the operation is done, has to wait
 * (for Azure, for the grace period, for a sign-in) or needs a person. Nothing lives in memory: a
 * request, the background job on any instance, or a page visit continues where the last run stopped.
 */
import "server-only";

import { delegatedClients } from "@/lib/azure/delegated-clients";
import { scrub } from "@/lib/azure/errors";
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
import { LeaseLostError } from "@/lib/data/lease";
import { getUserById } from "@/lib/data/users";
import { disconnectPhases } from "@/lib/integrations/disconnect";
import type { OperationContext, PhaseHandler, PhaseResult } from "@/lib/integrations/operation-types";
import { rotationPhases } from "@/lib/integrations/rotation";
import { classifyFailure } from "@/lib/jobs/failure-outcome";
import { runUnderLease } from "@/lib/jobs/leased-run";
import { log } from "@/lib/log";

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
  return runUnderLease({
    deadline,
    take: (token, expiresAt) => takeOperationLease(operationId, token, expiresAt),
    renew: (token, expiresAt) => renewOperationLease(operationId, token, expiresAt),
    run: (held, token) => runLeased(held, token, deadline),
    onLost: () =>
      log.warn({ operationId }, "operation lease was taken over; this run's results were dropped"),
  });
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
  const azure = delegatedClients(actor, integration.tenantId, deadline);
  const ctx: OperationContext = {
    operation: start,
    integration,
    actor,
    deadline,
    leaseToken,
    graph: azure.graph,
    arm: azure.arm,
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

/** A failed phase's result: an operation waits for a lapsed sign-in for as long as it takes. */
function resultFromError(
  error: unknown,
  attempts: number,
  actor: { name: string | null; email: string | null },
): PhaseResult {
  const outcome = classifyFailure(error, {
    attempts,
    signInWait: `Waiting for ${actor.name ?? actor.email ?? "the person who started this"} to sign in again: their Microsoft sign-in has expired. Nothing is lost; it continues after they sign in.`,
    actionFor: () => "Try again; if it keeps failing, check the audit log for Azure's request id.",
    unexpectedLog: "integration operation failed unexpectedly",
  });
  if (outcome.status === "waiting")
    return {
      wait: outcome.message,
      retryInMs: outcome.retryInMs,
      ...(outcome.awaitingSignIn ? { awaitingSignIn: true } : {}),
    };
  const { message, code, action } = outcome.error;
  return { attention: { message, code, action } };
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
