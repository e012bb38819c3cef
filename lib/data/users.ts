import "server-only";

import { resumeOperationsAwaitingSignIn } from "@/lib/data/integration-operations";
import { resumeStepsAwaitingSignIn } from "@/lib/data/steps";
import { db } from "@/lib/db";

export type SignedInUser = {
  id: string;
  /** The verified id token's oid in tenantId (with tenantId, what OPERATORS names). */
  entraObjectId: string;
  name: string | null;
  email: string | null;
  tenantId: string;
  homeAccountId: string;
};

/** Records who signed in (one row per person per tenant; a guest is a different person in each tenant). */
export async function upsertUserFromSignIn(input: {
  entraObjectId: string;
  tenantId: string;
  homeAccountId: string;
  name?: string | null;
  email?: string | null;
}): Promise<SignedInUser> {
  const user = await db.user.upsert({
    where: { tenantId_entraObjectId: { tenantId: input.tenantId, entraObjectId: input.entraObjectId } },
    create: { ...input },
    update: { name: input.name, email: input.email, homeAccountId: input.homeAccountId },
    select: { id: true, entraObjectId: true, name: true, email: true, tenantId: true, homeAccountId: true },
  });
  await resumeStepsAwaitingSignIn(user.id);
  await resumeOperationsAwaitingSignIn(user.id);
  return user;
}

export async function getUserById(id: string): Promise<SignedInUser | null> {
  return db.user.findUnique({
    where: { id },
    select: { id: true, entraObjectId: true, name: true, email: true, tenantId: true, homeAccountId: true },
  });
}
