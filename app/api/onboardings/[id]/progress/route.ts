import { getCurrentUser } from "@/lib/auth";
import { progressSnapshot } from "@/lib/onboarding/progress";

export const dynamic = "force-dynamic";

/** Read-only progress for the checklist's poller. No side effects: advancing is a POST. */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const user = await getCurrentUser();
  if (!user) return Response.json({ message: "Sign in again." }, { status: 401 });
  const { id } = await context.params;
  const snapshot = await progressSnapshot(user, id);
  if (!snapshot) return Response.json({ message: "Not found" }, { status: 404 });
  return Response.json(snapshot, { headers: { "cache-control": "no-store" } });
}
