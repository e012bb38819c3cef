/** Everything a request handler may touch: the store, keys, base URL and Entra's short-lived flow state. */
import type { SigningKeys } from "./keys";
import type { DelayProfile } from "./settings";
import type { Store } from "./store";

/** An /authorize (or /adminconsent) request in progress between the account picker and the consent page. */
export interface AuthFlow {
  id: string;
  kind: "authorize" | "adminconsent";
  /** Tenant segment of the URL as sent: a GUID, a domain, "organizations" or "common". */
  tenantSegment: string;
  /** Resolved tenant for tenant-specific authorities. */
  tenantId?: string;
  clientId: string;
  clientName: string;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  responseMode: "query" | "form_post" | "fragment";
  codeChallenge?: string;
  codeChallengeMethod?: string;
  prompt?: string;
  /** OIDC max_age in seconds: a session authenticated longer ago than this must authenticate again. */
  maxAge?: number;
  loginHint?: string;
  clientInfo: boolean;
  userId?: string;
  /** When the picked user last authenticated (Unix seconds): now, or their session's time when reused. */
  authTime?: number;
  expiresAt: number;
}

/**
 * A browser's sign-in session (the SSO cookie names it): who authenticated, and when. Picking that
 * account again reuses it, as Entra's single sign-on does, so auth_time stays the time of that sign-in.
 */
export interface SsoSession {
  id: string;
  userId: string;
  /** Unix seconds. */
  authTime: number;
}

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  tenantId: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
  redeemed: boolean;
  authTime: number;
}

export interface RefreshTokenPayload {
  kind: "rt";
  clientId: string;
  userId: string;
  tenantId: string;
  iat: number;
  exp: number;
  jti: string;
  /** When the user authenticated for the sign-in that issued the first token of this chain (Unix s). */
  authTime?: number;
}

export interface World {
  store: Store;
  keys: SigningKeys;
  baseUrl: string;
  host: string;
  /**
   * With the browserPort option: http://localhost:N, where the sign-in pages are also served over plain
   * HTTP (no certificate warning in a person's browser). Discovery advertises authorize and logout there.
   */
  browserUrl?: string;
  defaultProfile: DelayProfile;
  flows: Map<string, AuthFlow>;
  codes: Map<string, AuthCode>;
  /** Browser sign-in sessions by id (in memory: a restart signs every browser out, as nothing is kept). */
  sessions: Map<string, SsoSession>;
  revokedRefreshTokens: Set<string>;
  /** Overrides Date.now() in tests that need to move time; undefined uses the real clock. */
  clockOffsetMs: number;
}

export function now(world: World): number {
  return Date.now() + world.clockOffsetMs;
}

/** Drops expired flows and codes so a long demo does not accumulate them. */
export function sweep(world: World): void {
  const t = now(world);
  for (const [id, f] of world.flows) if (f.expiresAt < t) world.flows.delete(id);
  for (const [id, c] of world.codes) if (c.expiresAt < t - 3600_000) world.codes.delete(id);
}
