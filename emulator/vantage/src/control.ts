/** The control API under /_vantage (JSON): seed accounts and tokens, revoke tokens, faults, state. */
import { resolveDelays, type Delays, type DelayProfile } from "./delays";
import { FaultError, type FaultSpec, type Faults } from "./faults";
import { isObject, readJson, send, type Ctx } from "./http";
import { SeedError, type SeedAccount, type Store } from "./store";

export interface ControlDeps {
  store: Store;
  faults: Faults;
  info: () => Record<string, unknown>;
  delays: { get: () => Delays; set: (d: Delays) => void };
  changed: () => void;
}

function fail(ctx: Ctx, status: number, message: string): void {
  send(ctx, status, { error: message });
}

function body(ctx: Ctx): Record<string, unknown> | undefined {
  const parsed = readJson(ctx);
  if (!parsed.ok) {
    fail(ctx, 400, "The body is not valid JSON.");
    return undefined;
  }
  if (parsed.value === undefined) return {};
  if (!isObject(parsed.value)) {
    fail(ctx, 400, "The body must be a JSON object.");
    return undefined;
  }
  return parsed.value;
}

function seedAccount(deps: ControlDeps, ctx: Ctx): void {
  const spec = body(ctx);
  if (!spec) return;
  try {
    const { account, tokens } = deps.store.addAccount(spec as SeedAccount);
    deps.changed();
    send(ctx, 201, {
      accountId: account.id,
      name: account.name,
      tokens: tokens.map((t) => ({ token: t.token, scope: t.scopes.join(" ") })),
      workspaces: account.workspaces.map((w) => ({ token: w.token, name: w.name })),
    });
  } catch (error) {
    if (error instanceof SeedError) return fail(ctx, 400, error.message);
    throw error;
  }
}

function addToken(deps: ControlDeps, ctx: Ctx, accountId: string): void {
  const account = deps.store.accounts.get(accountId);
  if (!account) return fail(ctx, 404, `No account ${accountId}.`);
  const spec = body(ctx);
  if (!spec) return;
  try {
    const t = deps.store.addToken(account, spec as { token?: string; scope?: string });
    deps.changed();
    send(ctx, 201, { token: t.token, scope: t.scopes.join(" ") });
  } catch (error) {
    if (error instanceof SeedError) return fail(ctx, 400, error.message);
    throw error;
  }
}

function revoke(deps: ControlDeps, ctx: Ctx, token: string): void {
  const record = deps.store.tokens.get(token);
  if (!record) return fail(ctx, 404, "No such token.");
  record.revokedAt ??= Date.now();
  deps.changed();
  send(ctx, 204);
}

function addFault(deps: ControlDeps, ctx: Ctx): void {
  const spec = body(ctx);
  if (!spec) return;
  try {
    const fault = deps.faults.add(spec as unknown as FaultSpec);
    send(ctx, 201, { id: fault.id });
  } catch (error) {
    if (error instanceof FaultError) return fail(ctx, 400, error.message);
    throw error;
  }
}

function settings(deps: ControlDeps, ctx: Ctx): void {
  const spec = body(ctx);
  if (!spec) return;
  if (spec.delays !== undefined) {
    try {
      deps.delays.set(resolveDelays(spec.delays as DelayProfile | Delays));
    } catch (error) {
      return fail(ctx, 400, (error as Error).message);
    }
  }
  send(ctx, 200, { delays: deps.delays.get() });
}

export function handleControl(deps: ControlDeps, ctx: Ctx): void {
  const p = ctx.path;
  const m = ctx.method;
  let match: RegExpExecArray | null;
  if (m === "GET" && (p === "" || p === "/")) return send(ctx, 200, deps.info());
  if (m === "GET" && p === "/health") return send(ctx, 200, { ok: true });
  if (m === "GET" && p === "/state")
    return send(ctx, 200, { ...deps.store.snapshot(), faults: deps.faults.all() });
  if (m === "POST" && p === "/accounts") return seedAccount(deps, ctx);
  if (m === "POST" && (match = /^\/accounts\/([^/]+)\/tokens$/.exec(p)))
    return addToken(deps, ctx, match[1]!);
  if (m === "POST" && (match = /^\/tokens\/([^/]+)\/revoke$/.exec(p)))
    return revoke(deps, ctx, decodeURIComponent(match[1]!));
  if (m === "POST" && p === "/faults") return addFault(deps, ctx);
  if (m === "GET" && p === "/faults") return send(ctx, 200, { faults: deps.faults.all() });
  if (m === "DELETE" && p === "/faults") {
    deps.faults.clear();
    return send(ctx, 204);
  }
  if (m === "DELETE" && (match = /^\/faults\/([^/]+)$/.exec(p)))
    return deps.faults.remove(match[1]!) ? send(ctx, 204) : fail(ctx, 404, "No such fault.");
  if (m === "POST" && p === "/settings") return settings(deps, ctx);
  fail(ctx, 404, `No control route ${m} /_vantage${p}.`);
}
