/** How long a new integration stays in each status before the next step (pending, then importing). */
export interface Delays {
  pendingMs: number;
  importingMs: number;
}

export type DelayProfile = "test" | "demo" | "real";

export const DELAY_PROFILES: Record<DelayProfile, Delays> = {
  // Short enough for tests, long enough that a client polling every 100 ms sees each status.
  test: { pendingMs: 300, importingMs: 300 },
  // A person watching the demo sees pending and importing for a few seconds each.
  demo: { pendingMs: 3000, importingMs: 4000 },
  // Vantage does not document it; its guides speak of imports within a day. A minute and ten.
  real: { pendingMs: 60_000, importingMs: 600_000 },
};

export function resolveDelays(delays: DelayProfile | Delays | undefined): Delays {
  if (delays === undefined) return DELAY_PROFILES.demo;
  if (typeof delays === "string") {
    const profile = DELAY_PROFILES[delays];
    if (!profile) throw new Error(`Unknown delay profile "${delays}" (test, demo or real)`);
    return profile;
  }
  for (const key of ["pendingMs", "importingMs"] as const) {
    const v = delays[key];
    if (!Number.isFinite(v) || v < 0) throw new Error(`delays.${key} must be a number of milliseconds >= 0`);
  }
  return { pendingMs: delays.pendingMs, importingMs: delays.importingMs };
}
