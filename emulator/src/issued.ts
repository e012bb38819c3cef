/**
 * What the emulator handed out that must stay secret: every access, refresh and id token it issued and
 * every client secret value (addPassword). Tests read it through the control API to search the portal's
 * database, logs and pages for any of them. In memory only (not persisted) and bounded, so a long demo
 * does not grow without end; the oldest entries go first.
 */
import type { World } from "./world";

export type IssuedKind = "accessToken" | "refreshToken" | "idToken" | "clientSecret";

export interface IssuedCredential {
  kind: IssuedKind;
  /** The tenant it was issued in (the token's tid, or the app's tenant for a secret). */
  tenantId: string;
  value: string;
  issuedAt: string;
}

const MAX_ENTRIES = 20_000;
const logs = new WeakMap<World, IssuedCredential[]>();

export function recordIssued(world: World, kind: IssuedKind, tenantId: string, value: string): void {
  let log = logs.get(world);
  if (!log) logs.set(world, (log = []));
  log.push({ kind, tenantId, value, issuedAt: new Date().toISOString() });
  if (log.length > MAX_ENTRIES) log.splice(0, log.length - MAX_ENTRIES);
}

/** Everything issued, or only what was issued in one tenant. */
export function listIssued(world: World, tenantId?: string): IssuedCredential[] {
  const log = logs.get(world) ?? [];
  return tenantId ? log.filter((entry) => entry.tenantId === tenantId) : [...log];
}
