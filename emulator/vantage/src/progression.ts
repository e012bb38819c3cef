/**
 * The background life of a new Azure integration: pending for pendingMs, then the emulator signs in as
 * the app and reads the billing accounts; success moves it to importing and, importingMs later, to
 * imported; refused credentials move it to error, where it stays (with the reason in the control
 * state). Azure being unreachable or answering 5xx/429 is retried a few times before error.
 */
import { checkAzureCredentials, type AzureEndpoints } from "./azure-check";
import type { Delays } from "./delays";
import type { IntegrationRecord, Store } from "./store";

const TRANSIENT_ATTEMPTS = 3;

export class Progression {
  private timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly azure: AzureEndpoints,
    private readonly delays: () => Delays,
    private readonly changed: () => void,
  ) {}

  /** Starts (or, after a restart, resumes) an integration's progression from its current status. */
  follow(record: IntegrationRecord): void {
    if (record.deletedAt !== null) return;
    if (record.status === "pending")
      this.schedule(record, this.delays().pendingMs, () => this.check(record, 1));
    else if (record.status === "importing")
      this.schedule(record, this.delays().importingMs, () => this.finishImport(record));
  }

  cancel(token: string): void {
    const timer = this.timers.get(token);
    if (timer) clearTimeout(timer);
    this.timers.delete(token);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(record: IntegrationRecord, ms: number, step: () => Promise<void> | void): void {
    this.cancel(record.token);
    const timer = setTimeout(() => {
      this.timers.delete(record.token);
      if (this.closed || record.deletedAt !== null) return;
      void Promise.resolve(step()).catch((error: unknown) => {
        process.stderr.write(`vantage emulator: progression of ${record.token} failed: ${String(error)}\n`);
      });
    }, ms);
    this.timers.set(record.token, timer);
  }

  private async check(record: IntegrationRecord, attempt: number): Promise<void> {
    const result = await checkAzureCredentials(this.azure, {
      tenant: record.tenant,
      appId: record.appId,
      password: record.password,
    });
    if (this.closed || record.deletedAt !== null || record.status !== "pending") return;
    if (result.ok) {
      this.store.setStatus(record, "importing");
      this.changed();
      this.schedule(record, this.delays().importingMs, () => this.finishImport(record));
      return;
    }
    if (result.transient && attempt < TRANSIENT_ATTEMPTS) {
      this.schedule(record, Math.max(this.delays().pendingMs, 100), () => this.check(record, attempt + 1));
      return;
    }
    this.store.setStatus(record, "error", result.reason);
    this.changed();
  }

  private finishImport(record: IntegrationRecord): void {
    if (record.status !== "importing") return;
    this.store.setStatus(record, "imported");
    this.changed();
  }
}
