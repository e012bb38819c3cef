/** The Integrations routes of the document: create (Azure), list, get, update workspaces, delete. */
import { isObject, readJson, send, sendErrors, type Ctx } from "./http";
import { isoSeconds } from "./ids";
import { paginate, pageParams } from "./paging";
import type { Progression } from "./progression";
import type { IntegrationRecord, Store, TokenRecord } from "./store";

export interface ApiDeps {
  store: Store;
  progression: Progression;
  /** The public base URL (…/v2), for links. */
  baseUrl: string;
  changed: () => void;
}

// The provider enum of GET /integrations in the document.
const PROVIDERS = new Set(
  "aws azure gcp snowflake databricks mongo datadog fastly new_relic opencost open_ai oracle confluent planetscale coralogix kubernetes custom_provider github linode grafana clickhouse temporal twilio azure_csp kubernetes_agent anthropic anyscale cursor elastic".split(
    " ",
  ),
);

const NOT_FOUND = ["Record not found."];

/** An Integration as the document defines it. */
export function integrationView(i: IntegrationRecord) {
  return {
    token: i.token,
    provider: i.provider,
    // For Azure the account identifier is the tenant id given at creation.
    account_identifier: i.tenant,
    status: i.status,
    last_updated: i.lastUpdated === null ? null : isoSeconds(i.lastUpdated),
    workspace_tokens: [...i.workspaceTokens],
    created_at: isoSeconds(i.createdAt),
  };
}

function stringField(body: Record<string, unknown>, name: string, errors: string[]): string {
  const v = body[name];
  if (v === undefined || v === null) errors.push(`${name} is missing`);
  else if (typeof v !== "string") errors.push(`${name} is invalid: it must be a string`);
  else if (v.trim() === "") errors.push(`${name} is empty`);
  else return v.trim();
  return "";
}

export function createAzure(deps: ApiDeps, ctx: Ctx, caller: TokenRecord): void {
  const parsed = readJson(ctx);
  if (!parsed.ok) return sendErrors(ctx, 400, ["The request body is not valid JSON."]);
  if (!isObject(parsed.value))
    return sendErrors(ctx, 400, ["tenant is missing", "app_id is missing", "password is missing"]);
  const errors: string[] = [];
  const tenant = stringField(parsed.value, "tenant", errors);
  const appId = stringField(parsed.value, "app_id", errors);
  const password = stringField(parsed.value, "password", errors);
  if (errors.length) return sendErrors(ctx, 400, errors);
  // No idempotency key in the API: every POST makes a new integration, as the facts say.
  const record = deps.store.createIntegration(caller.accountId, tenant, appId, password);
  deps.progression.follow(record);
  deps.changed();
  send(ctx, 201, integrationView(record));
}

export function list(deps: ApiDeps, ctx: Ctx, caller: TokenRecord): void {
  const q = ctx.url.searchParams;
  const provider = q.get("provider");
  const accountIdentifier = q.get("account_identifier");
  const errors: string[] = [];
  if (provider !== null && !PROVIDERS.has(provider)) errors.push("provider does not have a valid value");
  if (accountIdentifier !== null && provider === null)
    errors.push("provider is missing: account_identifier must be given with provider");
  const paging = pageParams(q);
  if (!paging.ok) errors.push(...paging.errors);
  if (errors.length || !paging.ok) return sendErrors(ctx, 400, errors);
  const matching = deps.store.integrations.filter(
    (i) =>
      i.accountId === caller.accountId &&
      i.deletedAt === null &&
      (provider === null || i.provider === provider) &&
      (accountIdentifier === null || i.tenant.toLowerCase() === accountIdentifier.toLowerCase()),
  );
  const page = paginate(matching, `${deps.baseUrl}/integrations`, q, paging.page, paging.limit);
  send(ctx, 200, { links: page.links, integrations: page.items.map(integrationView) });
}

export function get(deps: ApiDeps, ctx: Ctx, caller: TokenRecord, token: string): void {
  const record = deps.store.integration(caller.accountId, token);
  if (!record) return sendErrors(ctx, 404, NOT_FOUND);
  send(ctx, 200, integrationView(record));
}

/** The body is {"workspace_tokens": [...]}; an older version of the document sent the bare array. */
function workspaceTokensOf(value: unknown): string[] | undefined | null {
  const raw = Array.isArray(value) ? value : isObject(value) ? value.workspace_tokens : undefined;
  if (raw === undefined) return undefined;
  return Array.isArray(raw) && raw.every((t) => typeof t === "string") ? raw : null;
}

export function update(deps: ApiDeps, ctx: Ctx, caller: TokenRecord, token: string): void {
  const record = deps.store.integration(caller.accountId, token);
  if (!record) return sendErrors(ctx, 404, NOT_FOUND);
  const parsed = readJson(ctx);
  if (!parsed.ok) return sendErrors(ctx, 400, ["The request body is not valid JSON."]);
  const tokens = workspaceTokensOf(parsed.value);
  if (tokens === null)
    return sendErrors(ctx, 400, ["workspace_tokens is invalid: give a list of workspace tokens"]);
  if (tokens !== undefined) {
    const known = new Set(deps.store.accounts.get(caller.accountId)!.workspaces.map((w) => w.token));
    const unknown = tokens.filter((t) => !known.has(t));
    if (unknown.length)
      return sendErrors(ctx, 400, [`workspace_tokens names unknown workspaces: ${unknown.join(", ")}`]);
    record.workspaceTokens = [...new Set(tokens)];
    record.lastUpdated = Date.now();
    deps.changed();
  }
  send(ctx, 200, integrationView(record));
}

export function remove(deps: ApiDeps, ctx: Ctx, caller: TokenRecord, token: string): void {
  const record = deps.store.integration(caller.accountId, token);
  if (!record) return sendErrors(ctx, 404, NOT_FOUND);
  record.deletedAt = Date.now();
  deps.progression.cancel(record.token);
  deps.changed();
  send(ctx, 204);
}
