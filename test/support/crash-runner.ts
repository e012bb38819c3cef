/**
 * Child process for lib/onboardings/crash.test.ts: the portal's engine in a process of its own (a portal
 * instance), on the database named by DATABASE_URL (a PGlite folder that outlives it, or PostgreSQL),
 * against the test's emulator. The test kills it with SIGKILL in the middle of a step and starts it
 * again. Run with `node --conditions=react-server --import tsx` (as Next loads these modules).
 *
 * argv[2] is a JSON command; answers are JSON lines on stdout:
 * - {"command":"start","upn"}: signs in, creates an onboarding, prints {"event":"started",onboardingId,
 *   actorId}, queues every step and advances until nothing is due, then prints {"event":"rest",...}.
 * - {"command":"resume","actorId","onboardingId"}: advances until nothing is due, prints "rest".
 * - {"command":"setup","owner","colleague"}: signs both in, creates an onboarding and an act link for the
 *   colleague, queues every step as the owner, prints {"event":"setup",onboardingId,ownerId,
 *   colleagueId,shareLinkId}.
 * - {"command":"advance","actorId","onboardingId","shareLinkId"?,"queue"?}: waits for a line "go" on
 *   stdin, then (queues `queue` and) advances until nothing is due, prints "rest".
 * Environment: EMULATOR_BASE_URL, PORTAL_CLIENT_ID, PORTAL_CLIENT_SECRET, DATABASE_URL.
 */
import { createHash, randomBytes } from "node:crypto";
import { createInterface } from "node:readline";

import type { StepId } from "@/lib/onboardings/catalog";
import { driveToRest } from "@/test/support/drive";
import { connectPortal } from "@/test/support/portal-harness";

type Command =
  | { command: "start"; upn: string }
  | { command: "resume"; actorId: string; onboardingId: string }
  | { command: "setup"; owner: string; colleague: string }
  | { command: "advance"; actorId: string; onboardingId: string; shareLinkId?: string; queue?: StepId };

const startedAt = Date.now();

function say(event: string, data: Record<string, unknown> = {}) {
  process.stdout.write(`${JSON.stringify({ event, ms: Date.now() - startedAt, ...data })}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main() {
  const command = JSON.parse(process.argv[2] ?? "{}") as Command;
  const portal = await connectPortal(
    required("EMULATOR_BASE_URL"),
    { clientId: required("PORTAL_CLIENT_ID"), clientSecret: required("PORTAL_CLIENT_SECRET") },
    { DATABASE_URL: required("DATABASE_URL"), AZURE_REQUEST_TIMEOUT_MS: "10000" },
  );
  const engine = await import("@/lib/onboardings/engine");
  const onboardings = await import("@/lib/data/onboardings");
  const users = await import("@/lib/data/users");
  const { db, closeDb } = await import("@/lib/db");

  const actorById = async (id: string) => {
    const user = await users.getUserById(id);
    if (!user) throw new Error(`no user ${id}`);
    return user;
  };

  /** Advances as the page's poller does (it looks every 1.5 s at most), until no step is due. */
  async function settle(actor: Awaited<ReturnType<typeof actorById>>, id: string, shareLinkId?: string) {
    await driveToRest(actor, id, { budgetMs: 3_000, limitMs: Infinity, pollMs: 1_500, shareLinkId });
    // Another process may have finished the last step and not yet set the status from it.
    await engine.refreshStatus(id);
    const row = await db.onboarding.findUniqueOrThrow({
      where: { id },
      include: { steps: { select: { stepId: true, status: true, error: true } } },
    });
    say("rest", {
      status: row.status,
      steps: Object.fromEntries(row.steps.map((s) => [s.stepId, s.status])),
      errors: row.steps.filter((s) => s.error).map((s) => ({ stepId: s.stepId, error: s.error })),
      applicationObjectId: row.applicationObjectId,
      servicePrincipalId: row.servicePrincipalId,
      secretKeyId: row.secretKeyId,
      roleAssignmentId: row.roleAssignmentId,
    });
  }

  switch (command.command) {
    case "start": {
      const actor = await portal.signIn(command.upn);
      const { id } = await onboardings.createOnboarding(actor, {
        appDisplayName: "vantage",
        secretExpiryMonths: 12,
      });
      say("started", { onboardingId: id, actorId: actor.id });
      await engine.queueSteps(actor, id, "remaining");
      await settle(actor, id);
      break;
    }
    case "resume":
      await settle(await actorById(command.actorId), command.onboardingId);
      break;
    case "setup": {
      const owner = await portal.signIn(command.owner);
      const colleague = await portal.signIn(command.colleague);
      const { id } = await onboardings.createOnboarding(owner, {
        appDisplayName: "vantage",
        secretExpiryMonths: 12,
      });
      // Only the hash is stored; nobody opens this link (lib/share-links/access pulls in Next's navigation).
      const { createShareLink } = await import("@/lib/data/share-links");
      const link = await createShareLink(owner, {
        onboardingId: id,
        tokenHash: createHash("sha256").update(randomBytes(32)).digest("hex"),
        scope: "act",
        expiresAt: new Date(Date.now() + 3_600_000),
      });
      await engine.queueSteps(owner, id, "remaining");
      say("setup", { onboardingId: id, ownerId: owner.id, colleagueId: colleague.id, shareLinkId: link.id });
      break;
    }
    case "advance": {
      const actor = await actorById(command.actorId);
      say("ready");
      const lines = createInterface({ input: process.stdin });
      for await (const line of lines) if (line.trim() === "go") break;
      lines.close();
      if (command.queue)
        await engine.queueSteps(actor, command.onboardingId, command.queue, {
          shareLinkId: command.shareLinkId,
        });
      await settle(actor, command.onboardingId, command.shareLinkId);
      break;
    }
  }
  await closeDb();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
