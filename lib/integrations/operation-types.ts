import type { ArmClient } from "@/lib/azure/arm";
import type { GraphClient } from "@/lib/azure/graph";
import type { ManagedIntegration, OperationFields, OperationRow } from "@/lib/data/integration-operations";
import type { Actor, AuditInput } from "@/lib/view-types";

export type OperationContext = {
  /** The operation as it is now; save() keeps it current. */
  operation: OperationRow;
  readonly integration: ManagedIntegration;
  readonly actor: Actor;
  /** Epoch ms after which this run stops waiting and records "waiting". */
  readonly deadline: number;
  /** This run's lease token: fenced writes name it. */
  readonly leaseToken: string;
  graph(): GraphClient;
  arm(): ArmClient;
  /** Saves while this run holds the lease (LeaseLostError otherwise). */
  save(fields: OperationFields): Promise<void>;
  /** Records a phase's finishing time in the timeline. */
  mark(event: string, at?: Date): Promise<void>;
  audit(event: AuditInput): Promise<void>;
};

/** What one phase ends with: the next phase, a wait, or a refusal a person must resolve. */
export type PhaseResult =
  | { next: string }
  | { wait: string; retryInMs: number; awaitingSignIn?: boolean }
  | { attention: { message: string; action?: string; resolution?: string; code?: string } };

export type PhaseHandler = (ctx: OperationContext) => Promise<PhaseResult>;
