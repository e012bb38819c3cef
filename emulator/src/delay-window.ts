/**
 * Azure's eventual-consistency windows (settings.delays), started where the tenant's `delaysFrom` says.
 * "creation" (the default, as Azure replicates): at the write that opens the window, so a slow client may
 * find it over before it asks. "first-request": at the first request whose answer depends on it, so a
 * test meets every delay it sets however busy the machine is.
 */
import type { TenantSettings } from "./settings";

/** An entity's field holding the end (epoch ms) of one of its windows. */
export type WindowField =
  "replicatedAt" | "billingVisibleAt" | "activeAt" | "effectiveAt" | "costEffectiveAt";

export interface DelayedEntity {
  /** Windows no request has met yet ("first-request"): their lengths in ms, by the field that ends them. */
  pendingDelays?: Partial<Record<WindowField, number>>;
}

type Windowed = DelayedEntity & Partial<Record<WindowField, number>>;

/** The end of a window of delayMs opened at t; under "first-request" it is also kept pending. */
export function openWindow(
  entity: DelayedEntity,
  field: WindowField,
  settings: TenantSettings,
  t: number,
  delayMs: number,
): number {
  if (settings.delaysFrom === "first-request" && delayMs > 0)
    entity.pendingDelays = { ...entity.pendingDelays, [field]: delayMs };
  return t + delayMs;
}

/**
 * Whether the window is over for a request at t. A pending window starts now; `follow` names later
 * windows counted from this one's end (Cost Management honouring a role after Billing), moved with it.
 */
export function windowOver(
  entity: Windowed,
  field: WindowField,
  t: number,
  follow: readonly WindowField[] = [],
): boolean {
  const pending = entity.pendingDelays?.[field];
  if (pending !== undefined) {
    const shift = t + pending - (entity[field] ?? 0);
    entity[field] = t + pending;
    for (const f of follow) {
      const end = entity[f];
      if (end !== undefined) entity[f] = end + shift;
    }
    const rest = { ...entity.pendingDelays };
    delete rest[field];
    entity.pendingDelays = Object.keys(rest).length ? rest : undefined;
  }
  return t >= (entity[field] ?? 0);
}
