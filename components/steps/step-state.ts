/** How a step's stored state reads to a person: "waiting" splits into queued and waiting for Azure. */
export type StepDisplayState =
  | "not_started"
  | "queued"
  | "running"
  | "waiting"
  | "done"
  | "needs_attention"
  | "awaiting_owner"
  | "cancelled"
  | "removed"
  | "disconnected";

export function displayState(status: string, error: unknown): StepDisplayState {
  if (status === "waiting") return (error as { waiting?: boolean } | null)?.waiting ? "waiting" : "queued";
  // Stopped because the share link it was started through ended: the owner (or a live link) runs it.
  if (status === "needs_attention" && (error as { awaitingOwner?: boolean } | null)?.awaitingOwner)
    return "awaiting_owner";
  if (
    status === "running" ||
    status === "done" ||
    status === "needs_attention" ||
    status === "not_started" ||
    status === "cancelled"
  )
    return status;
  return "not_started";
}

/**
 * After a disconnect, what each step made is gone from Azure, whatever the step's record says: the card
 * says so instead of showing ids of objects that no longer exist. Step 3 only chose the billing account,
 * which the disconnect leaves as it was.
 */
export const afterDisconnect: Partial<Record<string, { state: StepDisplayState; text: string }>> = {
  "app-registration": {
    state: "removed",
    text: "The app registration and its service principal were deleted from Azure by the disconnect.",
  },
  "client-secret": {
    state: "removed",
    text: "The client secret was removed from the app by the disconnect; the cost platform's API no longer hands it out.",
  },
  "role-assignment": {
    state: "removed",
    text: "The app's Billing account reader role assignment was removed by the disconnect.",
  },
  verify: {
    state: "disconnected",
    text: "Disconnected: the cost platform no longer receives this billing account's costs through this app.",
  },
};
