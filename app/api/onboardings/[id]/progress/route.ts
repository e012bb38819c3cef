import { getCurrentUser } from "@/lib/auth";
import { progressAfter, progressSnapshot } from "@/lib/onboardings/progress";
import { resolveShareAccess } from "@/lib/share-links/access";
import { isId } from "@/lib/validations/ids";

export const dynamic = "force-dynamic";

const headers = { "cache-control": "no-store" };

/**
 * With `?after=<fingerprint>&due=<0|1>` (what the poller saw last), the answer waits until that changes,
 * a step becomes due, or a few seconds pass (lib/onboardings/progress.ts `progressAfter`). The time spent
 * waiting is in Server-Timing, so a client can tell it from the server's work.
 */
async function read(
  actor: Parameters<typeof progressSnapshot>[0],
  id: string,
  request: Request,
): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const after = params.get("after");
  if (!after || after.length > 2_000) {
    const snapshot = await progressSnapshot(actor, id);
    if (!snapshot) return Response.json({ message: "Not found" }, { status: 404, headers });
    return Response.json(snapshot, { headers });
  }
  const seen = { fingerprint: after, due: params.get("due") === "1" };
  const { snapshot, waitedMs } = await progressAfter(actor, id, seen, request.signal);
  if (!snapshot) return Response.json({ message: "Not found" }, { status: 404, headers });
  return Response.json(snapshot, { headers: { ...headers, "server-timing": `wait;dur=${waitedMs}` } });
}

/**
 * Read-only progress for the checklist's poller: the owner's, or a share page's (`?link=`, proven by
 * the link's cookie; view links may read). No side effects: advancing is a POST.
 */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  const linkId = new URL(request.url).searchParams.get("link");
  if (linkId) {
    const access = await resolveShareAccess(linkId);
    if (!access.ok || access.link.onboardingId !== id)
      return Response.json(
        { message: "This link no longer opens this onboarding." },
        { status: 403, headers },
      );
    return read({ shareLinkId: linkId }, id, request);
  }
  const user = await getCurrentUser();
  if (!user) return Response.json({ message: "Sign in again." }, { status: 401, headers });
  // An id that cannot be one of ours is unknown: no query with it (PostgreSQL refuses a NUL byte).
  if (!isId(id)) return Response.json({ message: "Not found" }, { status: 404, headers });
  return read(user, id, request);
}
