/** Bearer tokens with read and write scopes, as the document's oauth2 security definition names them. */
import { bearer, sendErrors, type Ctx } from "./http";
import type { Scope, Store, TokenRecord } from "./store";

/**
 * The caller's token when it may do what the route needs; otherwise answers 401 (no, unknown or
 * revoked token) or 403 (a read-only token on a write) and returns undefined.
 */
export function authorize(store: Store, ctx: Ctx, needs: Scope): TokenRecord | undefined {
  const presented = bearer(ctx);
  const www = { "WWW-Authenticate": 'Bearer realm="Vantage API"' };
  if (presented === undefined) {
    sendErrors(ctx, 401, ["Missing Authorization header: send Authorization: Bearer <API token>."], www);
    return undefined;
  }
  const record = presented ? store.tokens.get(presented) : undefined;
  if (!record || record.revokedAt !== null) {
    sendErrors(ctx, 401, ["Invalid or revoked API token."], {
      "WWW-Authenticate": 'Bearer realm="Vantage API", error="invalid_token"',
    });
    return undefined;
  }
  if (!record.scopes.includes(needs)) {
    sendErrors(ctx, 403, [`This API token lacks the ${needs} scope needed for this request.`], {
      "WWW-Authenticate": `Bearer realm="Vantage API", error="insufficient_scope", scope="${needs}"`,
    });
    return undefined;
  }
  return record;
}
