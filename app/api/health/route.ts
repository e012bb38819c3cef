import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Liveness for launchers and load balancers: answers once configuration is valid. */
export function GET() {
  const env = getEnv();
  return Response.json({ ok: true, mode: env.mode });
}
