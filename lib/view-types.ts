/**
 * Types shared by the engine, the data layer and the components. Kept apart from lib/onboardings so
 * that lib/data and components import nothing of the engine's internals.
 */

/** Whoever acts: the owner of an onboarding, or a colleague who opened an act share link. */
export type Actor = {
  id: string;
  name: string | null;
  email: string | null;
  tenantId: string;
  homeAccountId: string;
  /**
   * When Entra last authenticated the person (the id token's auth_time), for what asks for a recent
   * sign-in; absent or null when unknown, which counts as not recent.
   */
  signedInAt?: Date | null;
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

/** One rotation or disconnect of an integration, as the owner's page shows it (never a secret). */
export type OperationView = {
  id: string;
  phase: string;
  status: "running" | "awaiting_sign_in" | "needs_attention" | "done";
  actorName: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** Rotation: when the old secret may be removed. */
  removeAfter: string | null;
  newSecretHint: string | null;
  /** When each phase finished (ISO), e.g. added, verified, delivered, oldRemoved. */
  timeline: Record<string, string>;
  message: string | null;
  action: string | null;
  resolution: string | null;
};

/** An integration with its latest rotation and disconnect, for the rotate and disconnect panels. */
export type IntegrationOperationView = {
  integrationId: string;
  status: "pending" | "active" | "failing" | "disabled" | "disconnected";
  clientId: string;
  secretHint: string;
  secretExpiresAt: string | null;
  billingAccountDisplayName: string;
  appDisplayName: string | null;
  rotation: OperationView | null;
  disconnect: OperationView | null;
};
