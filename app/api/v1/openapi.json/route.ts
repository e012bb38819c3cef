import { openApiDocument } from "@/lib/api/openapi";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** The API's description, public like any API reference: it holds no data. */
export function GET() {
  return Response.json(openApiDocument(getEnv().publicBaseUrl), {
    headers: { "Cache-Control": "public, max-age=300" },
  });
}
