/**
 * Delivery of a connection to Vantage (the seed's step 5 done through Vantage's API), a background job
 * under the engine's rules: a run takes the delivery's lease (a conditional update on its version),
 * renews it while it lives, saves only while it holds it, and does one thing at a time until Vantage
 * holds exactly one Azure integration with the connection's current secret, importing:
 *
 *   create   look first (a create whose answer was lost is adopted, lib/vantage/adoption.ts), record
 *            that a create is under way, POST /integrations/azure, save its token the moment it answers;
 *   follow   GET /integrations/{token} with a backoff that grows with the wait, until `imported` (or
 *            `error`, with Vantage's words and what to do); then looked at again every hour;
 *   replace  a new secret (rotation, or step 2 redone): Vantage cannot change a password, so a second
 *            integration is made with it, and once Vantage no longer reports it pending or in error
 *            (importing or imported) it becomes the delivery's and the old one is deleted (it kept
 *            importing until then);
 *   remove   after a disconnect, every integration the delivery holds is deleted (404: already gone).
 *
 * Nothing lives in memory: the background job on any instance, a "Try again", or the next round
 * continues where the last run stopped. Never logged: the API token, the password.
 */
import "server-only";

import { integrationSecretContext } from "@/lib/crypto/contexts";
import { decryptSecret } from "@/lib/crypto/vault";
import { recordAudit } from "@/lib/data/audit";
import {
  finishDeliveryRun,
  listDueDeliveries,
  loadDeliveryWork,
  renewDeliveryLease,
  saveDeliveryFenced,
  secretTag,
  takeDeliveryLease,
  tokensKnownToDeliveries,
  wakeDeliveries,
  type DeliveryFields,
  type DeliveryRow,
  type DeliveryRunEnd,
} from "@/lib/data/deliveries";
import { LeaseLostError } from "@/lib/data/lease";
import { getUserById } from "@/lib/data/users";
import { vantageTokenOfUser } from "@/lib/data/vantage-tokens";
import { getEnv } from "@/lib/env";
import { utcTime } from "@/lib/format";
import { defaultLeaseSlackMs, runUnderLease } from "@/lib/jobs/leased-run";
import { log } from "@/lib/log";
import { decideAdoption } from "@/lib/vantage/adoption";
import { VantageClient, type VantageIntegration } from "@/lib/vantage/client";
import { VantageError } from "@/lib/vantage/errors";
import type { AuditInput } from "@/lib/view-types";

/** An imported integration is looked at again this often (its status beside Azure's). */
export const recheckEveryMs = 60 * 60_000;
const maxPollMs = 5 * 60_000;
const maxRetryMs = 10 * 60_000;

type Work = Awaited<ReturnType<typeof loadDeliveryWork>>;
type Integration = NonNullable<Work["integration"]>;

/** What one step of a run ends with. */
type StepResult =
  | { again: true }
  /**
   * Look again in `inMs`. `wait`: why, when it is not Vantage's status (kept in vantageMessage);
   * `retry`: after a failure worth retrying.
   */
  | { wait: string | null; inMs: number; status?: "running" | "delivered"; retry?: true }
  | { idle: "waiting" | "removed" }
  | { attention: { message: string; action?: string; kind?: string } };

type Ctx = {
  row: DeliveryRow;
  readonly leaseToken: string;
  readonly timeoutMs: number;
  save(fields: DeliveryFields): Promise<void>;
  mark(event: string): Record<string, string>;
  audit(event: AuditInput): Promise<void>;
};

/** Vantage's words on a state that is not a success, in ours. */
function statusMessage(i: VantageIntegration | null, fresh: "current" | "next"): string | null {
  if (!i) return null;
  if (i.status === "pending") return "Vantage has the credentials and will start importing shortly.";
  if (i.status === "connected") return "Vantage has connected and will start importing shortly.";
  if (i.status === "importing") return "Vantage is importing your Azure costs.";
  if (i.status === "imported") return "Vantage imports your Azure costs.";
  if (i.status === "error")
    return fresh === "next"
      ? "Vantage could not import with the new secret. The previous integration keeps importing."
      : "Vantage could not import with these credentials.";
  if (i.status === "disconnected") return "Vantage says the integration is disconnected.";
  return null;
}

/** The poll's wait grows with how long the integration has been watched: 1 s at first, at most 5 min. */
function pollWaitMs(followSince: Date | null) {
  const watched = followSince ? Date.now() - followSince.getTime() : 0;
  return Math.round(Math.min(maxPollMs, Math.max(1_000, watched / 5)));
}

function timelineOf(row: DeliveryRow) {
  return (row.timeline ?? {}) as Record<string, string>;
}

/** A person chose "Try again" after Vantage reported this integration in error. */
function retriedSinceError(row: DeliveryRow) {
  const t = timelineOf(row);
  return Boolean(t.retryRequested && t.error && t.retryRequested > t.error);
}

/**
 * Looks for a create whose answer was lost, then creates if none was made; saves the token into the
 * `slot` ("current": the delivery's integration; "next": a rotation's new one) the moment it is answered.
 */
async function create(
  ctx: Ctx,
  client: VantageClient,
  integration: Integration,
  slot: "current" | "next",
): Promise<StepResult> {
  const tag = secretTag(integration);
  const listed = await client.listAzureIntegrations(integration.tenantId);
  const decision = decideAdoption({
    listed,
    known: await tokensKnownToDeliveries(listed.map((i) => i.token)),
    createStartedAt: ctx.row.createStartedAt,
    requestTimeoutMs: ctx.timeoutMs,
    now: new Date(),
  });
  // What Vantage made (or what we adopt as ours): this slot's token and status, followed from now on.
  const saveMade = (made: VantageIntegration) =>
    ctx.save({
      ...(slot === "current"
        ? {
            vantageIntegrationToken: made.token,
            vantageStatus: made.status,
            vantageMessage: statusMessage(made, "current"),
            vantageSecretTag: tag,
          }
        : { nextIntegrationToken: made.token, nextStatus: made.status, nextSecretTag: tag }),
      knownIntegrationToken: made.token,
      createStartedAt: null,
      followSince: new Date(),
      timeline: ctx.mark(slot === "current" ? "created" : "replacementCreated"),
    });
  if ("adopt" in decision) {
    const made = decision.adopt;
    await saveMade(made);
    await ctx.audit({
      action: "Adopt Vantage integration (its creation's answer was lost)",
      target: made.token,
      outcome: "success",
    });
    return { again: true };
  }
  if ("ambiguous" in decision)
    return {
      attention: {
        kind: "ambiguous",
        message: `Vantage shows ${decision.ambiguous.length} Azure integrations for this tenant made while our request was under way (${decision.ambiguous.map((i) => i.token).join(", ")}), and its API does not say which app each holds, so we cannot tell which one is ours.`,
        action:
          "In Vantage's console (Settings > Integrations), delete the ones you did not make here, then choose Try again.",
      },
    };
  if ("waitUntil" in decision)
    return {
      wait: `Our last request to Vantage got no answer; looking again at ${utcTime(decision.waitUntil)} for what it made before making one.`,
      inMs: decision.waitUntil.getTime() - Date.now(),
    };

  const password = decryptSecret(
    { ciphertext: integration.secretCiphertext, keyId: integration.secretEncryptionKeyId },
    integrationSecretContext(integration.id),
  );
  // From here until the token is saved, an answer can be lost: the next run looks for it first.
  await ctx.save({ createStartedAt: new Date() });
  let made: VantageIntegration;
  try {
    made = await client.createAzureIntegration({
      tenantId: integration.tenantId,
      clientId: integration.clientId,
      password,
    });
  } catch (error) {
    // Refused answers made nothing; a lost or failed one may have.
    if (
      error instanceof VantageError &&
      ["bad-token", "read-only", "forbidden", "refused", "rate-limited"].includes(error.kind)
    )
      await ctx.save({ createStartedAt: null });
    if (error instanceof VantageError && error.kind !== "rate-limited" && error.kind !== "unavailable")
      await ctx.audit({
        action: "Create Vantage integration",
        target: integration.tenantId,
        outcome: "failure",
        detail: { status: error.status, kind: error.kind },
      });
    throw error;
  }
  await saveMade(made);
  await ctx.audit({
    action:
      slot === "current" ? "Create Vantage integration" : "Create Vantage integration with the new secret",
    target: made.token,
    outcome: "success",
    detail: { tenant: integration.tenantId, appId: integration.clientId },
  });
  return { again: true };
}

async function applyWorkspaces(ctx: Ctx, client: VantageClient, token: string, workspaceTokens: string[]) {
  if (workspaceTokens.length === 0 || ctx.row.workspacesSetOn === token) return;
  await client.setWorkspaces(token, workspaceTokens);
  await ctx.save({ workspacesSetOn: token });
}

async function remove(ctx: Ctx, client: VantageClient, token: string, why: string) {
  const { gone } = await client.deleteIntegration(token);
  await ctx.audit({
    action: why,
    target: token,
    outcome: "success",
    detail: gone ? { alreadyGone: true } : undefined,
  });
}

async function removeAll(ctx: Ctx, work: Work): Promise<StepResult> {
  const row = ctx.row;
  const held = [row.nextIntegrationToken, row.retiringIntegrationToken, row.vantageIntegrationToken].filter(
    (t): t is string => Boolean(t),
  );
  if (held.length === 0 && !row.createStartedAt) {
    await ctx.save({ vantageStatus: null, vantageMessage: null, timeline: ctx.mark("removed") });
    return { idle: "removed" };
  }
  const vt = await vantageTokenOfUser(work.ownerId);
  if (!vt)
    return {
      attention: {
        kind: "no-token",
        message:
          "Vantage still holds this connection's integration, and there is no Vantage API token to delete it with.",
        action:
          "Add your Vantage API token under Settings > Vantage, then choose Try again; or delete the Azure integration in Vantage's console.",
      },
    };
  const client = new VantageClient(vt.token);
  if (row.createStartedAt && work.integration) {
    // A create whose answer was lost may have made one: find it, then delete it with the others.
    const listed = await client.listAzureIntegrations(work.integration.tenantId);
    const decision = decideAdoption({
      listed,
      known: await tokensKnownToDeliveries(listed.map((i) => i.token)),
      createStartedAt: row.createStartedAt,
      requestTimeoutMs: ctx.timeoutMs,
      now: new Date(),
    });
    if ("waitUntil" in decision)
      return {
        wait: "Looking for what our last request to Vantage made before removing it.",
        inMs: decision.waitUntil.getTime() - Date.now(),
      };
    await ctx.save({
      createStartedAt: null,
      ...("adopt" in decision
        ? {
            retiringIntegrationToken: decision.adopt.token,
            knownIntegrationToken: decision.adopt.token,
          }
        : {}),
    });
    return { again: true };
  }
  const token = held[0]!;
  await remove(ctx, client, token, "Delete Vantage integration (disconnect)");
  await ctx.save({
    ...(row.nextIntegrationToken === token
      ? { nextIntegrationToken: null, nextStatus: null, nextSecretTag: null }
      : {}),
    ...(row.retiringIntegrationToken === token ? { retiringIntegrationToken: null } : {}),
    ...(row.vantageIntegrationToken === token
      ? {
          vantageIntegrationToken: null,
          vantageSecretTag: null,
          vantageStatus: "deleted",
          vantageMessage: "Deleted from Vantage.",
        }
      : {}),
  });
  return { again: true };
}

/** One step towards what the delivery should be; the run loops while a step says `again`. */
async function step(ctx: Ctx, work: Work): Promise<StepResult> {
  const integration = work.integration;
  if (integration?.status === "disconnected") return removeAll(ctx, work);
  if (!integration || !["active", "failing"].includes(integration.status)) {
    await ctx.save({ vantageMessage: "Starts when step 5 has proved the credentials." });
    return { idle: "waiting" };
  }
  const vt = await vantageTokenOfUser(work.ownerId);
  if (!vt && ctx.row.status === "delivered" && ctx.row.vantageSecretTag === secretTag(integration)) {
    // Delivered already: Vantage keeps importing; only its status goes unread.
    await ctx.save({ vantageMessage: "Not looked at since the Vantage API token was removed." });
    return { wait: null, inMs: recheckEveryMs, status: "delivered" };
  }
  if (!vt)
    return {
      attention: {
        kind: "no-token",
        message: "There is no Vantage API token to deliver with.",
        action:
          "Add your Vantage API token (with the Write scope) under Settings > Vantage, then choose Try again.",
      },
    };
  const client = new VantageClient(vt.token);
  const row = ctx.row;
  const tag = secretTag(integration);

  // The old integration of a finished replacement.
  if (row.retiringIntegrationToken) {
    await remove(ctx, client, row.retiringIntegrationToken, "Delete Vantage integration with the old secret");
    await ctx.save({ retiringIntegrationToken: null, timeline: ctx.mark("oldRemoved") });
    return { again: true };
  }

  if (!row.vantageIntegrationToken) return create(ctx, client, integration, "current");

  if (row.vantageSecretTag !== tag) {
    // A new secret: a new integration holds it before the old one goes.
    if (row.nextIntegrationToken && row.nextSecretTag !== tag) {
      // Replaced again before the first replacement imported: that one holds a secret already gone.
      await remove(
        ctx,
        client,
        row.nextIntegrationToken,
        "Delete Vantage integration with a superseded secret",
      );
      await ctx.save({ nextIntegrationToken: null, nextStatus: null, nextSecretTag: null });
      return { again: true };
    }
    if (!row.nextIntegrationToken) return create(ctx, client, integration, "next");
    await applyWorkspaces(ctx, client, row.nextIntegrationToken, vt.workspaceTokens);
    const next = await client.getIntegration(row.nextIntegrationToken);
    if (!next) {
      await ctx.save({ nextIntegrationToken: null, nextStatus: null, nextSecretTag: null });
      return { again: true };
    }
    if (next.status === "importing" || next.status === "imported") {
      await ctx.save({
        retiringIntegrationToken: row.vantageIntegrationToken,
        vantageIntegrationToken: next.token,
        vantageSecretTag: row.nextSecretTag,
        vantageStatus: next.status,
        vantageMessage: statusMessage(next, "current"),
        nextIntegrationToken: null,
        nextStatus: null,
        nextSecretTag: null,
        followSince: new Date(),
        timeline: ctx.mark("replaced"),
      });
      return { again: true };
    }
    if (next.status === "error") {
      if (retriedSinceError(row)) {
        await remove(ctx, client, next.token, "Delete Vantage integration Vantage reported in error");
        await ctx.save({ nextIntegrationToken: null, nextStatus: null, nextSecretTag: null });
        return { again: true };
      }
      await ctx.save({ nextStatus: "error", timeline: ctx.mark("error") });
      return {
        attention: {
          kind: "vantage-error",
          message: "Vantage could not import with the new secret. The previous integration keeps importing.",
          action:
            "Check the connection (Check now on its page); then choose Try again to give Vantage the new secret once more.",
        },
      };
    }
    await ctx.save({ nextStatus: next.status });
    return { wait: null, inMs: pollWaitMs(row.followSince) };
  }

  await applyWorkspaces(ctx, client, row.vantageIntegrationToken, vt.workspaceTokens);
  const current = await client.getIntegration(row.vantageIntegrationToken);
  if (!current) {
    if (timelineOf(row).retryRequested && timelineOf(row).retryRequested! > (timelineOf(row).deleted ?? "")) {
      await ctx.save({ vantageIntegrationToken: null, vantageSecretTag: null, vantageStatus: null });
      return { again: true };
    }
    await ctx.save({
      vantageStatus: "deleted",
      vantageMessage: "The integration was deleted in Vantage.",
      timeline: ctx.mark("deleted"),
    });
    return {
      attention: {
        kind: "deleted",
        message: "The Vantage integration was deleted in Vantage.",
        action: "Choose Try again to give Vantage the credentials again.",
      },
    };
  }
  if (current.status === "error") {
    if (retriedSinceError(row)) {
      await remove(ctx, client, current.token, "Delete Vantage integration Vantage reported in error");
      await ctx.save({ vantageIntegrationToken: null, vantageSecretTag: null, vantageStatus: null });
      return { again: true };
    }
    await ctx.save({
      vantageStatus: "error",
      vantageMessage: statusMessage(current, "current"),
      timeline: ctx.mark("error"),
    });
    return {
      attention: {
        kind: "vantage-error",
        message: "Vantage could not import with these credentials.",
        action:
          "Check the connection works (Check now on its page: the app needs its secret and the Billing account reader role), then choose Try again to give Vantage the credentials once more.",
      },
    };
  }
  await ctx.save({
    vantageStatus: current.status,
    vantageMessage: statusMessage(current, "current"),
    ...(current.status === "importing" || current.status === "imported"
      ? { timeline: ctx.mark(current.status) }
      : {}),
  });
  if (current.status === "imported") return { wait: null, inMs: recheckEveryMs, status: "delivered" };
  if (current.status === "disconnected")
    return {
      attention: {
        kind: "vantage-disconnected",
        message: "Vantage says the integration is disconnected.",
        action:
          "Reconnect it in Vantage's console, or choose Try again after deleting it there to deliver it anew.",
      },
    };
  return { wait: null, inMs: pollWaitMs(row.followSince) };
}

/**
 * Continues one delivery within `budgetMs`, if it is due and nobody else runs it. Returns whether this
 * call ran it.
 */
export async function runDelivery(deliveryId: string, options: { budgetMs?: number } = {}) {
  const budgetMs = options.budgetMs ?? 8_000;
  const timeoutMs = getEnv().vantageRequestTimeoutMs;
  const deadline = Date.now() + budgetMs;
  return runUnderLease({
    deadline,
    // A Vantage call may take its timeout twice over (a retry) past the deadline.
    slackMs: 2 * timeoutMs + defaultLeaseSlackMs,
    take: (token, expiresAt) => takeDeliveryLease(deliveryId, token, expiresAt),
    renew: (token, expiresAt) => renewDeliveryLease(deliveryId, token, expiresAt),
    run: (held, token) => runLeased(held, token, deadline, timeoutMs),
    onLost: () => log.warn({ deliveryId }, "delivery lease was taken over; this run's results were dropped"),
  });
}

async function runLeased(start: DeliveryRow, leaseToken: string, deadline: number, timeoutMs: number) {
  const owner = await loadDeliveryWork(start.onboardingId);
  const actor = await getUserById(owner.ownerId);
  const ctx: Ctx = {
    row: start,
    leaseToken,
    timeoutMs,
    save: async (fields) => {
      ctx.row = await saveDeliveryFenced(start.id, leaseToken, fields);
    },
    mark: (event) => {
      const timeline = { ...timelineOf(ctx.row) };
      // "error" and "deleted" are when it last happened (a retry compares with it); the others, the first time.
      if (event === "error" || event === "deleted" || !timeline[event])
        timeline[event] = new Date().toISOString();
      return timeline;
    },
    audit: async (event) => {
      if (actor) await recordAudit(start.onboardingId, actor, event);
    },
  };

  for (let round = 0; round < 12 && Date.now() < deadline; round++) {
    let result: StepResult;
    try {
      result = await step(ctx, await loadDeliveryWork(start.onboardingId));
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      result = resultFromError(error, ctx.row.attempts);
    }
    if ("again" in result) continue;
    const end: DeliveryRunEnd =
      "idle" in result
        ? { kind: "idle", status: result.idle }
        : "wait" in result
          ? {
              kind: "wait",
              status: result.status ?? "running",
              message: result.wait,
              retryInMs: result.inMs,
              countsAttempt: Boolean(result.retry),
            }
          : { kind: "attention", problem: result.attention };
    if (!(await finishDeliveryRun(start.id, leaseToken, end))) throw new LeaseLostError();
    return;
  }
  // Out of budget with more to do: due again at once.
  if (!(await finishDeliveryRun(start.id, leaseToken, { kind: "continue" }))) throw new LeaseLostError();
}

/** A transient failure waits (Retry-After, else a growing backoff); anything else needs a person. */
function resultFromError(error: unknown, attempts: number): StepResult {
  if (error instanceof VantageError) {
    if (error.transient) {
      const backoff = Math.min(maxRetryMs, 2_000 * 2 ** attempts);
      return { wait: error.message, inMs: Math.max(backoff, error.retryAfterMs ?? 0), retry: true };
    }
    return {
      attention: {
        kind: error.kind,
        message: error.message,
        action:
          error.kind === "refused" || error.kind === "unexpected" ? "Then choose Try again." : undefined,
      },
    };
  }
  log.error(
    {
      err:
        error instanceof Error ? { name: error.name, message: error.message.slice(0, 200) } : String(error),
    },
    "vantage delivery failed unexpectedly",
  );
  return {
    attention: {
      kind: "internal",
      message: "Something went wrong on our side. Nothing was lost; choose Try again.",
    },
  };
}

/** The background job's round: wake the deliveries whose connection changed, then run the due ones. */
export async function runDueDeliveries(now = new Date(), options: { budgetMs?: number } = {}) {
  await wakeDeliveries(now);
  const ids = await listDueDeliveries(now);
  const ran = await Promise.all(
    ids.map((id) =>
      runDelivery(id, options).catch((error: unknown) => {
        log.error(
          { deliveryId: id, err: error instanceof Error ? error.name : String(error) },
          "vantage delivery run failed",
        );
        return false;
      }),
    ),
  );
  return ran.filter(Boolean).length;
}
