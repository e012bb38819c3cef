/**
 * Periodic work the background runner (lib/onboarding/runner.ts) does besides advancing steps: each
 * job runs in every portal instance, so a job keeps its own work exactly-once (leases, unique keys).
 * Add a job here; the runner calls it when `everyMs` has passed since its last round ended.
 */
import "server-only";

import { integrationOperationsJob } from "@/lib/lifecycle";

export interface BackgroundJob {
  name: string;
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

export const backgroundJobs: BackgroundJob[] = [integrationOperationsJob];
