import { listIntegrations } from "@/lib/api/v1";

export const dynamic = "force-dynamic";

/** The cost platform lists its tenant's integrations (API key; see /api/v1/openapi.json). */
export function GET(request: Request) {
  return listIntegrations(request);
}
