/**
 * Periodic work the background runner (lib/jobs/runner.ts) does besides advancing steps: each
 * job runs in every portal instance, so a job keeps its own work exactly-once (leases, unique keys).
 * Add a job here; the runner calls it when `everyMs` has passed since its last round ended.
 */
import "server-only";

import { revokeGrantsOfNonOperators } from "@/lib/data/api-keys";
import { runHealthChecks } from "@/lib/integrations/health";
import { integrationOperationsJob } from "@/lib/integrations/manage";
import { runExpiryReminders } from "@/lib/integrations/reminders";
import { runDueDeliveries } from "@/lib/vantage/delivery";
import { webhookJob } from "@/lib/webhooks/jobs";

export interface BackgroundJob {
  name: string;
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

export const backgroundJobs: BackgroundJob[] = [
  // Keys and endpoints made by someone the configuration does not name as an operator stop at once (the
  // API checks each key's maker too); this records why, for the lists.
  { name: "operator-grants", everyMs: 60_000, run: (now) => revokeGrantsOfNonOperators(now) },
  webhookJob,
  integrationOperationsJob,
  // Each round checks the few integrations that are due (their times spread over the interval).
  { name: "integration-health", everyMs: 60_000, run: (now) => runHealthChecks(now) },
  // Reminders are per day; the round is short so a refused mail is retried on time.
  { name: "expiry-reminders", everyMs: 60_000, run: (now) => runExpiryReminders(now) },
  // Wakes the Vantage deliveries whose connection changed (lib/data/deliveries.ts wakeDeliveries: the
  // one hook), then runs the due ones, each under its lease.
  { name: "vantage-deliveries", everyMs: 2_000, run: (now) => runDueDeliveries(now) },
];
