import { getIntegration } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

/** The cost platform reads one integration, its secret with `?include=secret` (see /api/v1/openapi.json). */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params;
  return getIntegration(request, id);
}
