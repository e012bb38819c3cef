/** How a step's stored state reads to a person: "waiting" splits into queued and waiting for Azure. */
export type StepDisplayState = "not_started" | "queued" | "running" | "waiting" | "done" | "needs_attention";

export function displayState(status: string, error: unknown): StepDisplayState {
  if (status === "waiting") return (error as { waiting?: boolean } | null)?.waiting ? "waiting" : "queued";
  if (status === "running" || status === "done" || status === "needs_attention" || status === "not_started")
    return status;
  return "not_started";
}
