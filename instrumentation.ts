/**
 * Runs once when the portal's server starts: a missing or half-set configuration stops it here, with
 * the variable's name, rather than failing at the first request. (Next would log the error and go on
 * serving 500s, so the process exits itself.) Then it starts the background runner that advances due
 * steps.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigError, getEnv } = await import("@/lib/env");
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`MCA Connect cannot start: ${error.message}`);
    process.exit(1);
  }
  // Steps keep advancing with nobody on the page (lib/onboarding/runner.ts).
  if (process.env.NEXT_PHASE !== "phase-production-build") {
    const { startBackgroundRunner } = await import("@/lib/onboarding/runner");
    startBackgroundRunner();
  }
}
