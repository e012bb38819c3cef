/**
 * Runs once when the portal's server starts: a missing or half-set configuration stops it here, with
 * the variable's name, rather than failing at the first request. (Next would log the error and go on
 * serving 500s, so the process exits itself.) So does a production server other than scripts/serve.ts.
 * Then it starts the background runner that advances due steps.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigError, getEnv } = await import("@/lib/env");
  const { servedWithClientAddress } = await import("@/lib/http/client-address");
  try {
    getEnv();
    // Under a bare `next start` any client could name its own address, and dodge the rate limits or
    // spend someone else's: production is served by scripts/serve.ts, which sets it from the socket.
    const serving = process.env.NEXT_PHASE !== "phase-production-build";
    if (serving && process.env.NODE_ENV === "production" && !servedWithClientAddress())
      throw new ConfigError(
        "the portal must be served by scripts/serve.ts (npm start or npm run serve), not `next start`: only it knows each client's address for the rate limits.",
      );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`MCA Connect cannot start: ${error.message}`);
    process.exit(1);
  }
  // Steps keep advancing with nobody on the page (lib/jobs/runner.ts).
  if (process.env.NEXT_PHASE !== "phase-production-build") {
    const { startBackgroundRunner } = await import("@/lib/jobs/runner");
    startBackgroundRunner();
  }
}
