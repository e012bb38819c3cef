import type { ArmClient } from "@/lib/azure/arm";
import type { SafeError } from "@/lib/azure/errors";
import type { GraphClient } from "@/lib/azure/graph";
import type { OnboardingFields, OnboardingRecord } from "@/lib/data/steps";
import type { StepId } from "@/lib/onboardings/catalog";
import type { Actor, AuditInput } from "@/lib/view-types";

export type { Actor, AuditInput } from "@/lib/view-types";
export type { OnboardingFields } from "@/lib/data/steps";

export type StepContext = {
  readonly stepId: StepId;
  /** The onboarding as it is now; save() keeps it current. */
  onboarding: OnboardingRecord;
  readonly actor: Actor;
  /** Set when a person asked to redo a step that was done. */
  readonly redo: boolean;
  /**
   * Set when a person did the step by hand ("I have done it: check again"): the step looks for the
   * result in Azure and adopts it, and creates nothing.
   */
  readonly checkOnly: boolean;
  /** Epoch ms after which the step must stop waiting in this request and record "waiting". */
  readonly deadline: number;
  /** When this run of the step began waiting for Azure, for the overall give-up time. */
  readonly firstAttemptAt: Date;
  /** This run's lease token: writes fenced by the step's lease (beyond save()) name it. */
  readonly leaseToken: string;
  graph(): GraphClient;
  arm(): ArmClient;
  /** What an earlier step recorded when it finished (its outputs), read fresh. */
  outputsOf(stepId: StepId): Promise<Record<string, unknown>>;
  /** Persists Azure ids the moment they exist. */
  save(fields: OnboardingFields): Promise<void>;
  audit(event: AuditInput): Promise<void>;
};

/** What a step reports; outputs are shown on the checklist (never secrets). */
export type StepOutcome =
  | { status: "done"; outputs: Record<string, unknown> }
  | {
      status: "waiting";
      message: string;
      retryInMs: number;
      outputs?: Record<string, unknown>;
      /** Waiting for the person to sign in again: their next sign-in brings the step forward. */
      awaitingSignIn?: boolean;
    }
  | { status: "needs_attention"; error: StepError; outputs?: Record<string, unknown> }
  /** Stopped for good: the onboarding was disconnected (set by the engine, not by a step). */
  | { status: "cancelled"; message: string };

export type StepError = SafeError & {
  /** What the person can do about it, in a sentence. */
  action?: string;
  /** Machine-readable hint for the page, e.g. "choose-billing-account" or "shorter-expiry". */
  resolution?: string;
  /**
   * The person the step ran as may no longer act (their share link was revoked or expired): it waits
   * for the owner, or a colleague with a live link, to run it.
   */
  awaitingOwner?: boolean;
};

export type StepModule = {
  id: StepId;
  run(ctx: StepContext): Promise<StepOutcome>;
};
