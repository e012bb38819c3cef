import { getCurrentUser } from "@/lib/auth";
import { failure } from "@/lib/actions/safe-action";
import { getEnv } from "@/lib/env";
import { advance } from "@/lib/onboarding/engine";
import { progressSnapshot } from "@/lib/onboarding/progress";

export const dynamic = "force-dynamic";

/**
 * Runs whatever steps are due, for a bounded time, then answers with the progress. The checklist's
 * poller calls it when a waiting step's next attempt comes round. Same-origin only.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(getEnv().publicBaseUrl).origin) {
    return Response.json({ message: "Cross-site request refused." }, { status: 403 });
  }
  const user = await getCurrentUser();
  if (!user) return Response.json({ message: "Sign in again." }, { status: 401 });
  const { id } = await context.params;
  try {
    await advance(user, id, { budgetMs: 8_000 });
  } catch (error) {
    const result = failure(error);
    return Response.json({ message: result.message }, { status: 409 });
  }
  return Response.json(await progressSnapshot(user, id), { headers: { "cache-control": "no-store" } });
}
