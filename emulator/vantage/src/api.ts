/** The public API under /v2: /ping, /me and the Integrations routes, each with its scope. */
import { authorize } from "./auth";
import { send, sendErrors, type Ctx } from "./http";
import { isoSeconds } from "./ids";
import * as integrations from "./integrations";
import type { ApiDeps } from "./integrations";
import type { Scope, TokenRecord } from "./store";

type Handler = (deps: ApiDeps, ctx: Ctx, caller: TokenRecord, param: string) => void;

interface Route {
  pattern: RegExp;
  methods: Record<string, { scope: Scope; handler: Handler }>;
}

function me(deps: ApiDeps, ctx: Ctx, caller: TokenRecord): void {
  const account = deps.store.accounts.get(caller.accountId)!;
  send(ctx, 200, {
    default_workspace_token: account.workspaces[0]!.token,
    workspaces: account.workspaces.map((w) => ({
      token: w.token,
      name: w.name,
      created_at: isoSeconds(w.createdAt),
      enable_currency_conversion: true,
      currency: "USD",
      exchange_rate_date: "daily_rate",
    })),
    bearer_token: {
      description: caller.description,
      created_at: isoSeconds(caller.createdAt),
      scope: [...caller.scopes],
    },
  });
}

const ROUTES: Route[] = [
  {
    pattern: /^\/ping$/,
    methods: { GET: { scope: "read", handler: (_d, ctx) => send(ctx, 200, { ping: "pong" }) } },
  },
  { pattern: /^\/me$/, methods: { GET: { scope: "read", handler: me } } },
  { pattern: /^\/integrations$/, methods: { GET: { scope: "read", handler: integrations.list } } },
  {
    pattern: /^\/integrations\/azure$/,
    methods: { POST: { scope: "write", handler: integrations.createAzure } },
  },
  {
    pattern: /^\/integrations\/([^/]+)$/,
    methods: {
      GET: { scope: "read", handler: integrations.get },
      PUT: { scope: "write", handler: integrations.update },
      DELETE: { scope: "write", handler: integrations.remove },
    },
  },
];

export function handleApi(deps: ApiDeps, ctx: Ctx): void {
  for (const route of ROUTES) {
    const m = route.pattern.exec(ctx.path);
    if (!m) continue;
    const entry = route.methods[ctx.method];
    if (!entry) {
      // /integrations/azure also matches the token pattern; only POST is defined there.
      if (route.pattern.source.includes("azure")) continue;
      return sendErrors(ctx, 405, [`${ctx.method} is not allowed on ${ctx.path}.`], {
        Allow: Object.keys(route.methods).join(", "),
      });
    }
    const caller = authorize(deps.store, ctx, entry.scope);
    if (!caller) return;
    let param = m[1] ?? "";
    try {
      param = decodeURIComponent(param);
    } catch {
      // Left as sent: it matches no token and answers 404.
    }
    return entry.handler(deps, ctx, caller, param);
  }
  sendErrors(ctx, 404, [`No such API route: ${ctx.method} /v2${ctx.path}.`]);
}
