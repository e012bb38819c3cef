import { getCurrentUser } from "@/lib/auth";
import { progressSnapshot } from "@/lib/onboarding/progress";
import { resolveShareAccess } from "@/lib/share-access";
import { isId } from "@/lib/validations/ids";

export const dynamic = "force-dynamic";

const headers = { "cache-control": "no-store" };

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
    const snapshot = await progressSnapshot({ shareLinkId: linkId }, id);
    if (!snapshot) return Response.json({ message: "Not found" }, { status: 404, headers });
    return Response.json(snapshot, { headers });
  }
  const user = await getCurrentUser();
  if (!user) return Response.json({ message: "Sign in again." }, { status: 401, headers });
  // An id that cannot be one of ours is unknown: no query with it (PostgreSQL refuses a NUL byte).
  const snapshot = isId(id) ? await progressSnapshot(user, id) : null;
  if (!snapshot) return Response.json({ message: "Not found" }, { status: 404, headers });
  return Response.json(snapshot, { headers });
}
