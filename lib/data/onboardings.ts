/**
 * Onboardings as people see them. Every function takes the acting user and filters by ownership in the
 * query itself; shapes are narrow and never include the secret's ciphertext.
 */
import "server-only";

import { db } from "@/lib/db";
import { NotFoundError as UnknownIdError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { stepIds, type StepId } from "@/lib/onboardings/catalog";
import type { Actor } from "@/lib/view-types";

/**
 * No onboarding (or share link of one) the actor may reach. People get the unknown onboarding's answer
 * for both; the message, for logs and tests, names what was missing.
 */
export class NotFoundError extends UnknownIdError {
  constructor(what = "Onboarding") {
    super("onboarding");
    this.message = `${what} not found`;
  }
}

const onboardingView = {
  id: true,
  tenantId: true,
  mode: true,
  status: true,
  appDisplayName: true,
  secretExpiryMonths: true,
  billingAccountName: true,
  billingAccountDisplayName: true,
  applicationObjectId: true,
  clientId: true,
  servicePrincipalId: true,
  secretHint: true,
  secretExpiresAt: true,
  roleAssignmentId: true,
  createdAt: true,
  updatedAt: true,
  owner: { select: { id: true, name: true, email: true } },
  integration: { select: { status: true } },
} as const;

/**
 * The onboarding's connection as a whole: "disconnected" once its Integration was disconnected (the
 * app, its secret, its service principal and its role are gone from Azure, whatever its steps say).
 */
function withConnection<T extends { integration: { status: string } | null }>(row: T) {
  const { integration, ...rest } = row;
  return { ...rest, disconnected: integration?.status === "disconnected" };
}

const stepView = {
  stepId: true,
  status: true,
  outputs: true,
  error: true,
  attempts: true,
  nextAttemptAt: true,
  leaseExpiresAt: true,
  startedAt: true,
  finishedAt: true,
  updatedAt: true,
  version: true,
} as const;

export async function createOnboarding(
  actor: Actor,
  input: { appDisplayName: string; secretExpiryMonths: number; mode?: "automated" | "manual" },
) {
  return db.onboarding.create({
    data: {
      ownerId: actor.id,
      tenantId: actor.tenantId,
      appDisplayName: input.appDisplayName,
      secretExpiryMonths: input.secretExpiryMonths,
      mode: input.mode ?? "automated",
      steps: { create: stepIds.map((stepId) => ({ stepId })) },
    },
    select: { id: true },
  });
}

export async function listOnboardings(actor: Actor) {
  const rows = await db.onboarding.findMany({
    where: { ownerId: actor.id },
    orderBy: { createdAt: "desc" },
    select: { ...onboardingView, steps: { select: { stepId: true, status: true } } },
  });
  return rows.map(withConnection);
}

export async function getOnboarding(actor: Actor, id: string) {
  return loadView({ id, ownerId: actor.id });
}

/**
 * The onboarding a share link opens, only while the link is live. The access check (the link's cookie)
 * is the caller's; this makes sure a dead link shows nothing even if a check were missed.
 */
export async function getSharedOnboarding(linkId: string) {
  return loadView({
    shareLinks: { some: { id: linkId, revokedAt: null, expiresAt: { gt: new Date() } } },
  });
}

async function loadView(where: Prisma.OnboardingWhereInput) {
  const onboarding = await db.onboarding.findFirst({
    where,
    select: { ...onboardingView, steps: { select: stepView } },
  });
  if (!onboarding) return null;
  const byId = new Map(onboarding.steps.map((step) => [step.stepId, step]));
  return withConnection({
    ...onboarding,
    steps: stepIds.map((stepId) => byId.get(stepId)!).filter(Boolean),
  });
}

export async function getOnboardingOrThrow(actor: Actor, id: string) {
  const onboarding = await getOnboarding(actor, id);
  if (!onboarding) throw new NotFoundError();
  return onboarding;
}

/**
 * The onboarding as whoever acts on it sees it: its owner, or a colleague through a live share link
 * (whose act scope and tenant the caller has checked with requireShareActor); a dead link finds nothing.
 */
export async function getOnboardingForStepActor(actor: Actor, id: string, via: { shareLinkId?: string }) {
  const onboarding = via.shareLinkId
    ? await loadView({
        id,
        tenantId: actor.tenantId,
        shareLinks: {
          some: { id: via.shareLinkId, scope: "act", revokedAt: null, expiresAt: { gt: new Date() } },
        },
      })
    : await getOnboarding(actor, id);
  if (!onboarding) throw new NotFoundError();
  return onboarding;
}

export type OnboardingView = NonNullable<Awaited<ReturnType<typeof getOnboarding>>>;
export type StepView = OnboardingView["steps"][number];

/** The few fields the live progress poller needs: cheap, and nothing secret. */
export async function getProgress(actor: Actor | { shareLinkId: string }, id: string) {
  const onboarding = await db.onboarding.findFirst({
    where:
      "shareLinkId" in actor
        ? {
            id,
            shareLinks: {
              some: { id: actor.shareLinkId, revokedAt: null, expiresAt: { gt: new Date() } },
            },
          }
        : { id, ownerId: actor.id },
    select: {
      id: true,
      status: true,
      updatedAt: true,
      // Not shown: whether step 2 may start before step 1 is done (the engine's early results).
      applicationObjectId: true,
      steps: {
        select: {
          stepId: true,
          status: true,
          nextAttemptAt: true,
          leaseExpiresAt: true,
          version: true,
          error: true,
        },
      },
    },
  });
  return onboarding;
}

/**
 * Step 3's choice among the billing accounts it listed, by the owner or a colleague acting through a
 * live act link (the same rule as getOnboardingForStepActor).
 */
export async function chooseBillingAccountFor(
  actor: Actor,
  id: string,
  via: { shareLinkId?: string },
  billingAccountName: string,
) {
  const result = await db.onboarding.updateMany({
    where: via.shareLinkId
      ? {
          id,
          tenantId: actor.tenantId,
          shareLinks: {
            some: { id: via.shareLinkId, scope: "act", revokedAt: null, expiresAt: { gt: new Date() } },
          },
        }
      : { id, ownerId: actor.id },
    data: { billingAccountName, billingAccountDisplayName: null },
  });
  if (result.count === 0) throw new NotFoundError();
}

export async function updateOnboardingSettings(
  actor: Actor,
  id: string,
  data: {
    appDisplayName?: string;
    secretExpiryMonths?: number;
    billingAccountName?: string;
    billingAccountDisplayName?: string | null;
  },
) {
  const result = await db.onboarding.updateMany({ where: { id, ownerId: actor.id }, data });
  if (result.count === 0) throw new NotFoundError();
}

export function isStepId(value: string): value is StepId {
  return (stepIds as readonly string[]).includes(value);
}
