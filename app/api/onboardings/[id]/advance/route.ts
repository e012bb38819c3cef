import { failure, requireActor } from "@/lib/actions/safe-action";
import { NotFoundError } from "@/lib/data/onboardings";
import { getEnv } from "@/lib/env";
import { advance } from "@/lib/onboardings/engine";
import { progressSnapshot } from "@/lib/onboardings/progress";
import { requireShareActor } from "@/lib/share-links/access";
import { isId } from "@/lib/validations/ids";

export const dynamic = "force-dynamic";

const headers = { "cache-control": "no-store" };

/**
 * Runs whatever steps are due, for a bounded time, then answers with the progress. The checklist's
 * poller calls it when a waiting step's next attempt comes round: the owner's, or a colleague's with an
 * act link (`?link=`; a view link is refused here, not only by hiding buttons). Same-origin only.
 */
export async function POST(request: Request, context: { params: Promise<{ id: string }> }) {
  const origin = request.headers.get("origin");
  if (origin && origin !== new URL(getEnv().publicBaseUrl).origin) {
    return Response.json({ message: "Cross-site request refused." }, { status: 403, headers });
  }
  const { id } = await context.params;
  const linkId = new URL(request.url).searchParams.get("link");
  let actor;
  try {
    actor = linkId ? await requireShareActor(linkId, id) : await requireActor();
  } catch (error) {
    return Response.json({ message: failure(error).message }, { status: linkId ? 403 : 401, headers });
  }
  try {
    // An id that cannot be one of ours is unknown: no query with it (PostgreSQL refuses a NUL byte).
    if (!isId(id)) throw new NotFoundError();
    await advance(actor, id, { budgetMs: 8_000, shareLinkId: linkId ?? undefined });
  } catch (error) {
    // Someone else's onboarding answers as a missing one does: 404, and the same words.
    const status = error instanceof NotFoundError ? 404 : 409;
    return Response.json({ message: failure(error).message }, { status, headers });
  }
  return Response.json(await progressSnapshot(linkId ? { shareLinkId: linkId } : actor, id), { headers });
}
