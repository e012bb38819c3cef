/** The emulator's state: Vantage accounts with their API tokens and workspaces, and their integrations. */
import { accountId, apiToken, integrationToken, isoSeconds, workspaceToken } from "./ids";

export type Scope = "read" | "write";
export type Status = "connected" | "error" | "pending" | "importing" | "imported" | "disconnected";

export interface TokenRecord {
  token: string;
  accountId: string;
  scopes: Scope[];
  description: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface WorkspaceRecord {
  token: string;
  name: string;
  createdAt: number;
}

export interface AccountRecord {
  id: string;
  name: string;
  workspaces: WorkspaceRecord[];
  createdAt: number;
}

export interface IntegrationRecord {
  token: string;
  accountId: string;
  provider: "azure";
  tenant: string;
  appId: string;
  password: string;
  status: Status;
  /** Why the status is error: what Azure answered when the emulator signed in as the app. */
  error: string | null;
  workspaceTokens: string[];
  createdAt: number;
  lastUpdated: number | null;
  deletedAt: number | null;
  history: { status: Status; at: number }[];
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  at: number;
  requestId: string;
}

export interface SeedAccount {
  name?: string;
  id?: string;
  tokens?: { token?: string; scope?: string; description?: string }[];
  workspaces?: { name: string; token?: string }[];
}

export class SeedError extends Error {}

/**
 * "read", "write" or "read write" (space or comma separated). A write token also reads: a client that
 * may create integrations may look at them (the document's scopes say nothing either way).
 */
export function parseScope(raw: string | undefined): Scope[] {
  const words = (raw ?? "read write").split(/[\s,]+/).filter(Boolean);
  if (words.length === 0 || words.some((w) => w !== "read" && w !== "write"))
    throw new SeedError(`scope must be "read", "write" or "read write", not "${raw}"`);
  return words.includes("write") ? ["read", "write"] : ["read"];
}

const MAX_REQUESTS = 500;

export class Store {
  accounts = new Map<string, AccountRecord>();
  tokens = new Map<string, TokenRecord>();
  integrations: IntegrationRecord[] = [];
  requests: RequestRecord[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  addAccount(spec: SeedAccount): { account: AccountRecord; tokens: TokenRecord[] } {
    const id = spec.id ?? accountId();
    if (this.accounts.has(id)) throw new SeedError(`account ${id} exists already`);
    const at = this.now();
    const workspaces = (spec.workspaces?.length ? spec.workspaces : [{ name: "Default Workspace" }]).map(
      (w) => {
        if (typeof w?.name !== "string" || w.name.trim() === "")
          throw new SeedError("a workspace needs a name");
        return { token: w.token ?? workspaceToken(), name: w.name, createdAt: at };
      },
    );
    const account: AccountRecord = { id, name: spec.name ?? "Vantage account", workspaces, createdAt: at };
    const tokens = (spec.tokens?.length ? spec.tokens : [{}]).map((t) => this.makeToken(account, t));
    this.accounts.set(id, account);
    for (const t of tokens) this.tokens.set(t.token, t);
    return { account, tokens };
  }

  addToken(
    account: AccountRecord,
    spec: { token?: string; scope?: string; description?: string },
  ): TokenRecord {
    const record = this.makeToken(account, spec);
    this.tokens.set(record.token, record);
    return record;
  }

  private makeToken(
    account: AccountRecord,
    spec: { token?: string; scope?: string; description?: string },
  ): TokenRecord {
    const token = spec.token ?? apiToken();
    if (!/^[A-Za-z0-9_\-.]{8,200}$/.test(token))
      throw new SeedError("a token is 8 to 200 letters, digits, '_', '-' or '.'");
    if (this.tokens.has(token)) throw new SeedError(`token ${token} exists already`);
    return {
      token,
      accountId: account.id,
      scopes: parseScope(spec.scope),
      description: spec.description ?? "API token",
      createdAt: this.now(),
      revokedAt: null,
    };
  }

  createIntegration(accountId: string, tenant: string, appId: string, password: string): IntegrationRecord {
    const at = this.now();
    const record: IntegrationRecord = {
      token: integrationToken(),
      accountId,
      provider: "azure",
      tenant,
      appId,
      password,
      status: "pending",
      error: null,
      workspaceTokens: [],
      createdAt: at,
      lastUpdated: null,
      deletedAt: null,
      history: [{ status: "pending", at }],
    };
    this.integrations.push(record);
    return record;
  }

  /** A live integration of the account, or undefined (another account's is as unknown as a deleted one). */
  integration(accountId: string, token: string): IntegrationRecord | undefined {
    return this.integrations.find(
      (i) => i.token === token && i.accountId === accountId && i.deletedAt === null,
    );
  }

  setStatus(record: IntegrationRecord, status: Status, error: string | null = null): void {
    const at = this.now();
    record.status = status;
    record.error = error;
    record.lastUpdated = at;
    record.history.push({ status, at });
  }

  logRequest(entry: RequestRecord): void {
    this.requests.push(entry);
    if (this.requests.length > MAX_REQUESTS) this.requests.splice(0, this.requests.length - MAX_REQUESTS);
  }

  /** What GET /_vantage/state answers. Passwords are in it on purpose: tests sign in with them. */
  snapshot() {
    const scope = (t: TokenRecord) => t.scopes.join(" ");
    return {
      accounts: [...this.accounts.values()].map((a) => ({
        id: a.id,
        name: a.name,
        default_workspace_token: a.workspaces[0]!.token,
        workspaces: a.workspaces.map((w) => ({ token: w.token, name: w.name })),
        tokens: [...this.tokens.values()]
          .filter((t) => t.accountId === a.id)
          .map((t) => ({ token: t.token, scope: scope(t), revoked: t.revokedAt !== null })),
      })),
      integrations: this.integrations.map((i) => ({
        token: i.token,
        accountId: i.accountId,
        provider: i.provider,
        tenant: i.tenant,
        app_id: i.appId,
        password: i.password,
        status: i.status,
        error: i.error,
        workspace_tokens: i.workspaceTokens,
        created_at: isoSeconds(i.createdAt),
        last_updated: i.lastUpdated === null ? null : isoSeconds(i.lastUpdated),
        deleted_at: i.deletedAt === null ? null : isoSeconds(i.deletedAt),
        history: i.history.map((h) => ({ status: h.status, at: new Date(h.at).toISOString() })),
      })),
      requests: this.requests.map((r) => ({
        method: r.method,
        path: r.path,
        status: r.status,
        at: new Date(r.at).toISOString(),
        requestId: r.requestId,
      })),
    };
  }
}
