/**
 * Vantage's public API (v2), the calls a destination needs, written from its OpenAPI document
 * (shared/vantage-api.md): the token's user and workspaces, and Azure integrations (create, read, list
 * by tenant, set workspaces, delete). Every call has a timeout and sends the token only as a Bearer
 * header to the configured VANTAGE_API_URL: redirects are refused and a paging link to another origin is
 * not followed, so the token never goes anywhere else. Failures are VantageErrors (lib/vantage/errors).
 */
import "server-only";

import { getEnv } from "@/lib/env";
import { errorForStatus, errorMessages, noAnswer, VantageError } from "@/lib/vantage/errors";

/** What Vantage says of an integration's state. */
export type VantageStatus = "connected" | "error" | "pending" | "importing" | "imported" | "disconnected";

export type VantageIntegration = {
  token: string;
  provider: string;
  /** For Azure: the tenant id. */
  accountIdentifier: string | null;
  status: VantageStatus | string;
  lastUpdated: string | null;
  createdAt: string | null;
  workspaceTokens: string[];
};

export type VantageWorkspace = { token: string; name: string };

export type VantageMe = {
  defaultWorkspaceToken: string | null;
  workspaces: VantageWorkspace[];
  /**
   * The token's scopes when Vantage says them (`bearer_token.scope`; not documented in detail), else
   * null: then write access is known at the first change only.
   */
  scopes: string[] | null;
};

type Options = { baseUrl?: string; timeoutMs?: number };

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

function integrationOf(raw: unknown): VantageIntegration {
  const r = (raw ?? {}) as Record<string, unknown>;
  const token = str(r.token);
  if (!token)
    throw new VantageError({ kind: "unexpected", message: "Vantage answered without an integration token." });
  return {
    token,
    provider: str(r.provider) ?? "",
    accountIdentifier: str(r.account_identifier),
    status: str(r.status) ?? "pending",
    lastUpdated: str(r.last_updated),
    createdAt: str(r.created_at),
    workspaceTokens: Array.isArray(r.workspace_tokens)
      ? r.workspace_tokens.filter((t): t is string => typeof t === "string")
      : [],
  };
}

function scopesOf(bearer: unknown): string[] | null {
  const scope =
    (bearer as { scope?: unknown; scopes?: unknown } | null)?.scope ??
    (bearer as { scopes?: unknown } | null)?.scopes;
  if (typeof scope === "string") return scope.split(/[\s,]+/).filter(Boolean);
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === "string");
  return null;
}

export class VantageClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(
    private readonly apiToken: string,
    options: Options = {},
  ) {
    const env = getEnv();
    this.baseUrl = (options.baseUrl ?? env.vantageApiUrl).replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? env.vantageRequestTimeoutMs;
  }

  /** One request. `secrets` are scrubbed from anything Vantage says back (the password of a create). */
  private async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    options: { body?: unknown; write?: boolean; create?: boolean; secrets?: string[] } = {},
  ): Promise<{ status: number; body: unknown }> {
    const url = `${this.baseUrl}${path}`;
    const secrets = [this.apiToken, ...(options.secrets ?? [])];
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.apiToken}`,
          accept: "application/json",
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        redirect: "error",
        cache: "no-store",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      throw noAnswer(timedOut, this.timeoutMs);
    }
    let body: unknown = null;
    let text = "";
    try {
      text = await response.text();
    } catch {
      // The answer's body was cut off: its status still says what happened.
    }
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (response.status >= 200 && response.status < 300) return { status: response.status, body };
    throw errorForStatus(response.status, {
      write: options.write ?? false,
      create: options.create,
      messages: errorMessages(body, secrets),
      retryAfter: response.headers.get("retry-after"),
    });
  }

  /** The token's user: its workspaces, and its scopes when Vantage says them. */
  async me(): Promise<VantageMe> {
    const { body } = await this.call("GET", "/me");
    const b = (body ?? {}) as Record<string, unknown>;
    const workspaces = Array.isArray(b.workspaces)
      ? b.workspaces.flatMap((w) => {
          const token = str((w as Record<string, unknown>)?.token);
          if (!token) return [];
          return [{ token, name: str((w as Record<string, unknown>).name) ?? token }];
        })
      : [];
    return {
      defaultWorkspaceToken: str(b.default_workspace_token),
      workspaces,
      scopes: scopesOf(b.bearer_token),
    };
  }

  /**
   * The tenant's Azure integrations, every page (Vantage does not say which app each one holds). Pages
   * are asked for by number while `links.next` is set, rather than by following that link: the token
   * goes only to the configured address, whatever host a link names.
   */
  async listAzureIntegrations(tenantId: string): Promise<VantageIntegration[]> {
    const out: VantageIntegration[] = [];
    for (let page = 1; page <= 50; page++) {
      const { body } = await this.call(
        "GET",
        `/integrations?provider=azure&account_identifier=${encodeURIComponent(tenantId)}&page=${page}&limit=100`,
      );
      const b = (body ?? {}) as { integrations?: unknown; links?: { next?: unknown } };
      if (!Array.isArray(b.integrations))
        throw new VantageError({
          kind: "unexpected",
          message: "Vantage's list of integrations was unreadable.",
        });
      out.push(...b.integrations.map(integrationOf));
      if (!str(b.links?.next) || b.integrations.length === 0) break;
    }
    // The filter is Vantage's; keep only what it says is this tenant's Azure integration.
    return out.filter(
      (i) =>
        (i.provider === "" || i.provider === "azure") &&
        (!i.accountIdentifier || i.accountIdentifier === tenantId),
    );
  }

  /** One integration, or null when Vantage has none with this token. */
  async getIntegration(token: string): Promise<VantageIntegration | null> {
    try {
      const { body } = await this.call("GET", `/integrations/${encodeURIComponent(token)}`);
      return integrationOf(body);
    } catch (error) {
      if (error instanceof VantageError && error.kind === "not-found") return null;
      throw error;
    }
  }

  /**
   * Creates an Azure integration. Not idempotent (two calls make two): the caller records that it is
   * about to call, and saves the answer's token at once.
   */
  async createAzureIntegration(input: {
    tenantId: string;
    clientId: string;
    password: string;
  }): Promise<VantageIntegration> {
    const { body } = await this.call("POST", "/integrations/azure", {
      body: { tenant: input.tenantId, app_id: input.clientId, password: input.password },
      write: true,
      create: true,
      secrets: [input.password],
    });
    return integrationOf(body);
  }

  /** Puts the integration in these workspaces (the only change Vantage's API allows). */
  async setWorkspaces(token: string, workspaceTokens: string[]): Promise<VantageIntegration> {
    const { body } = await this.call("PUT", `/integrations/${encodeURIComponent(token)}`, {
      body: { workspace_tokens: workspaceTokens },
      write: true,
    });
    return integrationOf(body);
  }

  /** Deletes an integration; `gone` when Vantage had none with this token already. */
  async deleteIntegration(token: string): Promise<{ gone: boolean }> {
    try {
      await this.call("DELETE", `/integrations/${encodeURIComponent(token)}`, { write: true });
      return { gone: false };
    } catch (error) {
      if (error instanceof VantageError && error.kind === "not-found") return { gone: true };
      throw error;
    }
  }
}
