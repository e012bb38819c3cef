/**
 * Operators: the people the deployment names in OPERATORS, by the (tenant id, object id) that the
 * verified id token carried when they signed in (User.tenantId, User.entraObjectId). They alone make API
 * keys and webhook endpoints and see every tenant's integrations. Nothing done inside the portal (an
 * integration, a pasted secret, a directory role) makes anyone an operator.
 */
import "server-only";

import { db } from "@/lib/db";
import { getEnv, type Operator } from "@/lib/env";
import { UserFacingError } from "@/lib/errors";

export class OperatorOnlyError extends UserFacingError {
  constructor(what = "do this") {
    super(
      `Only the portal's operators may ${what}. Operators are named by whoever runs this portal, in its configuration (OPERATORS); ask them.`,
    );
    this.name = "OperatorOnlyError";
  }
}

/** Whether a person with this tenant id and object id is named in the configuration. */
export function isNamedOperator(
  person: { tenantId: string; entraObjectId: string },
  operators: Operator[] = getEnv().operators,
): boolean {
  const tenantId = person.tenantId.toLowerCase();
  const objectId = person.entraObjectId.toLowerCase();
  return operators.some((o) => o.tenantId === tenantId && o.objectId === objectId);
}

/**
 * Whether the signed-in person is an operator, by the sign-in claims stored on their user row (read
 * again unless the caller already holds that row).
 */
export async function isOperator(
  actor: { id: string; tenantId?: string; entraObjectId?: string } | null | undefined,
): Promise<boolean> {
  if (!actor?.id) return false;
  if (getEnv().operators.length === 0) return false;
  if (actor.tenantId && actor.entraObjectId)
    return isNamedOperator({ tenantId: actor.tenantId, entraObjectId: actor.entraObjectId });
  const user = await db.user.findUnique({
    where: { id: actor.id },
    select: { tenantId: true, entraObjectId: true },
  });
  return user ? isNamedOperator(user) : false;
}

/** Throws OperatorOnlyError unless the actor is an operator. */
export async function requireOperator(actor: { id: string }, what?: string): Promise<void> {
  if (!(await isOperator(actor))) throw new OperatorOnlyError(what);
}
