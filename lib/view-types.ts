/**
 * Types shared by the engine, the data layer and the components. Kept apart from lib/onboarding so
 * that lib/data and components import nothing of the engine's internals.
 */

/** Whoever acts: the owner of an onboarding, or a colleague who opened an act share link. */
export type Actor = {
  id: string;
  name: string | null;
  email: string | null;
  tenantId: string;
  homeAccountId: string;
};

export type AuditInput = {
  action: string;
  target?: string;
  requestId?: string;
  outcome: "success" | "failure";
  detail?: Record<string, unknown>;
};

/** What the checklist's live progress poller reads. */
export type ProgressSnapshot = {
  status: string;
  /** Changes whenever anything on the page would: the poller refreshes the page when it does. */
  fingerprint: string;
  /** Something is queued, waiting or running: keep polling. */
  active: boolean;
  /** A step may run now: the poller asks the server to advance. */
  due: boolean;
  nextDueAt: string | null;
  steps: { id: string; status: string }[];
};

/** How the person looking at an onboarding reached it, and so what they may do. */
export type AccessRole = "owner" | "act" | "view";
