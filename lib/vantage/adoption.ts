/**
 * Which Vantage integration a create whose answer was lost made. Vantage has no idempotency key, and
 * its list shows an Azure integration's tenant and creation time but not its app id, so an integration
 * cannot be recognised by what it holds. The rule:
 *
 *   Before each create, the delivery saves the time it starts (createStartedAt, fenced by its lease);
 *   the moment Vantage answers, it saves the token. If a run finds createStartedAt still set, the
 *   answer may be lost. It lists the tenant's Azure integrations and adopts one only if it is the only
 *   integration that (a) no delivery of this portal has made or adopted (its token is in no delivery's
 *   knownIntegrationTokens), and (b) Vantage says was created between createStartedAt minus the clock
 *   allowance and createStartedAt plus the request timeout and the allowance: the only window in which
 *   our request can have made one. Two such integrations (someone else made one for the same tenant in
 *   those minutes) adopt neither: the person is told to remove the extra one in Vantage.
 *
 *   When there is none, a request still under way at Vantage could yet make one, so no new create is
 *   sent before our own request would have timed out plus a settling time. Then a create is sent again.
 */
import type { VantageIntegration } from "@/lib/vantage/client";

/** How far Vantage's clock (created_at) may be from ours. */
export const clockAllowanceMs = 2 * 60_000;
/** After our request's timeout, how long Vantage may still take to show what it made. */
export const settleMs = 10_000;

export type AdoptionDecision =
  | { adopt: VantageIntegration }
  | { ambiguous: VantageIntegration[] }
  | { waitUntil: Date }
  | { create: true };

export function decideAdoption(input: {
  listed: VantageIntegration[];
  known: Set<string>;
  createStartedAt: Date | null;
  requestTimeoutMs: number;
  now: Date;
}): AdoptionDecision {
  const { createStartedAt } = input;
  if (!createStartedAt) return { create: true };
  const from = createStartedAt.getTime() - clockAllowanceMs;
  const to = createStartedAt.getTime() + input.requestTimeoutMs + clockAllowanceMs;
  const candidates = input.listed.filter((i) => {
    if (input.known.has(i.token)) return false;
    const at = i.createdAt ? Date.parse(i.createdAt) : Number.NaN;
    return !Number.isNaN(at) && at >= from && at <= to;
  });
  if (candidates.length === 1) return { adopt: candidates[0]! };
  if (candidates.length > 1) return { ambiguous: candidates };
  const settled = createStartedAt.getTime() + input.requestTimeoutMs + settleMs;
  if (input.now.getTime() < settled) return { waitUntil: new Date(settled) };
  return { create: true };
}
