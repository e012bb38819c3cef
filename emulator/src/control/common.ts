/** What the control API's handlers share: their context, error answers, body parsing, tenant lookup. */
import type { Faults } from "../faults";
import { isObject, readJson, send, type Ctx } from "../http";
import type { Tenant } from "../store";
import type { World } from "../world";

export interface ControlContext {
  world: World;
  faults: Faults;
  caPath: string;
  spkiSha256: string;
  seeded?: unknown;
}

export function bad(ctx: Ctx, status: number, message: string): void {
  send(ctx, status, { error: { message } });
}

export function tenantOr404(c: ControlContext, ctx: Ctx, id: string): Tenant | undefined {
  const tenant = c.world.store.tenantByIdOrDomain(id);
  if (!tenant) bad(ctx, 404, `Unknown tenant '${id}'`);
  return tenant;
}

/** The JSON object body (an empty body is {}), or undefined once a 400 is sent. */
export function body(ctx: Ctx): Record<string, unknown> | undefined {
  const parsed = readJson(ctx);
  if (!parsed.ok || (parsed.value !== undefined && !isObject(parsed.value))) {
    bad(ctx, 400, "Body must be a JSON object");
    return undefined;
  }
  return (parsed.value as Record<string, unknown> | undefined) ?? {};
}
