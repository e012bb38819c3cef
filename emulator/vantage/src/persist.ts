/**
 * Optional persistence (the demo uses it): accounts, tokens and integrations in
 * <dataDir>/vantage-state.json (mode 0600, it holds passwords), written atomically shortly after a
 * change and on close, so a restart keeps the integrations the portal remembers.
 */
import fs from "node:fs";
import path from "node:path";

import type { AccountRecord, IntegrationRecord, Store, TokenRecord } from "./store";

const VERSION = 1;

interface Saved {
  version: number;
  accounts: AccountRecord[];
  tokens: TokenRecord[];
  integrations: IntegrationRecord[];
}

export function stateFile(dataDir: string): string {
  return path.join(dataDir, "vantage-state.json");
}

/** Fills the store from the file; false when there is none (or it is of another version). */
export function restore(store: Store, dataDir: string): boolean {
  let saved: Saved;
  try {
    saved = JSON.parse(fs.readFileSync(stateFile(dataDir), "utf8")) as Saved;
  } catch {
    return false;
  }
  if (saved.version !== VERSION) return false;
  for (const a of saved.accounts) store.accounts.set(a.id, a);
  for (const t of saved.tokens) store.tokens.set(t.token, t);
  store.integrations = saved.integrations;
  return true;
}

export class Saver {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly dataDir: string,
  ) {}

  schedule(): void {
    this.timer ??= setTimeout(() => this.save(), 300);
  }

  save(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const saved: Saved = {
      version: VERSION,
      accounts: [...this.store.accounts.values()],
      tokens: [...this.store.tokens.values()],
      integrations: this.store.integrations,
    };
    fs.mkdirSync(this.dataDir, { recursive: true });
    const file = stateFile(this.dataDir);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(saved), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
}
