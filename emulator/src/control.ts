/**
 * The control API under /_emulator: seed scenarios, register the portal's client app, grant consent,
 * inject faults, read a tenant's state (to assert exactly-once), change settings, expire tokens. The
 * tenant routes are in control/tenants.ts, the state in control/state.ts, minted tokens in
 * control/tokens.ts.
 */
import { ClientError, grantConsent, registerClient } from "./clients";
import { bad, body, tenantOr404, type ControlContext } from "./control/common";
import { tenantState } from "./control/state";
import { handleTenantRoute } from "./control/tenants";
import { mintToken } from "./control/tokens";
import { FaultError } from "./faults";
import { send, type Ctx } from "./http";
import { listIssued } from "./issued";
import { seedTenantBatch } from "./load-tenants";
import { ScenarioError, seedScenario, type ScenarioSpec } from "./scenario";
import { now } from "./world";

export type { ControlContext };
export { tenantState };

function describeEmulator(c: ControlContext, ctx: Ctx): void {
  const world = c.world;
  send(ctx, 200, {
    baseUrl: world.baseUrl,
    browserUrl: world.browserUrl ?? null,
    caPath: c.caPath,
    spkiSha256: c.spkiSha256,
    seeded: c.seeded ?? null,
    endpoints: {
      authority: `${world.baseUrl}/{tenant}`,
      knownAuthorities: [world.host],
      graph: `${world.baseUrl}/graph`,
      arm: `${world.baseUrl}/arm`,
      graphAudience: "https://graph.microsoft.com",
      armScope: "https://management.azure.com/.default",
    },
  });
}

function addClient(c: ControlContext, ctx: Ctx): void {
  const b = body(ctx);
  if (!b) return;
  const client = registerClient(c.world, b);
  send(ctx, 200, {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    displayName: client.displayName,
    redirectUris: client.redirectUris,
    permissions: client.permissions,
  });
}

function changeConsent(c: ControlContext, ctx: Ctx): void {
  const b = body(ctx);
  if (!b) return;
  if (typeof b.tenantId !== "string" || typeof b.clientId !== "string")
    return bad(ctx, 400, "tenantId and clientId are required");
  if (ctx.method === "DELETE") {
    const tenant = tenantOr404(c, ctx, b.tenantId);
    if (!tenant) return;
    c.world.store.consents.delete(`${tenant.id}|${b.clientId.toLowerCase()}`);
    return send(ctx, 204, "");
  }
  grantConsent(
    c.world,
    b.tenantId,
    b.clientId,
    Array.isArray(b.scopes) ? (b.scopes as string[]) : undefined,
    typeof b.user === "string" ? b.user : undefined,
  );
  send(ctx, 204, "");
}

function addFaults(c: ControlContext, ctx: Ctx): void {
  const b = body(ctx);
  if (!b) return;
  const specs = Array.isArray(b.faults) ? (b.faults as unknown[]) : [b];
  const added = specs.map((s) => c.faults.add(s as never));
  const view = added.map(({ regex: _r, ...f }) => f);
  send(ctx, 201, Array.isArray(b.faults) ? { value: view } : view[0]);
}

function moveClock(c: ControlContext, ctx: Ctx): void {
  const world = c.world;
  const b = body(ctx);
  if (!b) return;
  if (typeof b.advanceMs === "number") world.clockOffsetMs += b.advanceMs;
  if (b.reset === true) world.clockOffsetMs = 0;
  send(ctx, 200, { offsetMs: world.clockOffsetMs, now: new Date(now(world)).toISOString() });
}

/** A control route that takes a JSON body and answers from it. */
function withBody(ctx: Ctx, run: (b: Record<string, unknown>) => void): void {
  const b = body(ctx);
  if (b) run(b);
}

function route(c: ControlContext, ctx: Ctx): void {
  const world = c.world;
  const [, ...rest] = ctx.segments;
  const m = ctx.method;
  const path = rest.join("/");
  if (path === "" && m === "GET") return describeEmulator(c, ctx);
  if (path === "health" && m === "GET") return send(ctx, 200, { ok: true });
  if (path === "scenarios" && m === "POST")
    return withBody(ctx, (b) => send(ctx, 201, seedScenario(world, b as ScenarioSpec)));
  if (path === "scenarios/batch" && m === "POST")
    return withBody(ctx, (b) => send(ctx, 201, { value: seedTenantBatch(world, b) }));
  if (path === "issued-credentials" && m === "GET") {
    const tenant = ctx.url.searchParams.get("tenant") ?? undefined;
    return send(ctx, 200, { value: listIssued(world, tenant) });
  }
  if (path === "tenants" && m === "GET") {
    return send(ctx, 200, {
      value: world.store
        .tenantsInOrder()
        .map((t) => ({ id: t.id, displayName: t.displayName, domain: t.domain })),
    });
  }
  if (rest[0] === "tenants" && rest[1] && handleTenantRoute(c, ctx, rest)) return;
  if (path === "clients" && m === "POST") return addClient(c, ctx);
  if (path === "consents" && (m === "POST" || m === "DELETE")) return changeConsent(c, ctx);
  if (path === "faults") {
    if (m === "GET") return send(ctx, 200, { value: c.faults.all() });
    if (m === "DELETE") return send(ctx, 200, { removed: c.faults.clear() });
    if (m === "POST") return addFaults(c, ctx);
  }
  if (rest[0] === "faults" && rest[1] && m === "DELETE") {
    return c.faults.remove(rest[1]) ? send(ctx, 204, "") : bad(ctx, 404, `Unknown fault '${rest[1]}'`);
  }
  if (path === "tokens" && m === "POST") return withBody(ctx, (b) => mintToken(c, ctx, b));
  if (path === "clock" && m === "POST") return moveClock(c, ctx);
  bad(ctx, 404, `No control route ${m} /_emulator/${path}`);
}

export function handleControl(c: ControlContext, ctx: Ctx): void {
  try {
    route(c, ctx);
  } catch (err) {
    if (
      err instanceof ScenarioError ||
      err instanceof ClientError ||
      err instanceof FaultError ||
      (err instanceof Error && /setting|profile|must be/i.test(err.message))
    ) {
      return bad(ctx, 400, err.message);
    }
    throw err;
  }
}
