/**
 * Who is on the other end of a request, for rate limits and the API's use log.
 *
 * Next's server copies a client's own X-Forwarded-For header through untouched (it adds the socket's
 * address only when the header is missing), so no header a handler sees can be trusted on its own. The
 * portal's server (scripts/serve.ts) therefore works the address out from the socket, and from
 * X-Forwarded-For only as far as the operator trusts proxies (TRUSTED_PROXY_HOPS), and hands it to the
 * handlers in CLIENT_ADDRESS_HEADER, replacing whatever a client sent under that name.
 *
 * No "server-only" here: scripts/serve.ts, outside the bundle, imports it too.
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";

/** Set by scripts/serve.ts on every request, from the socket; a client's copy is overwritten. */
export const CLIENT_ADDRESS_HEADER = "x-mca-client-address";

const SERVER_MARK = Symbol.for("mca-connect.client-address-server");

/** Called by scripts/serve.ts before Next starts: its requests carry CLIENT_ADDRESS_HEADER. */
export function markClientAddressServer(): void {
  (globalThis as Record<symbol, unknown>)[SERVER_MARK] = true;
}

/**
 * Whether this process serves through scripts/serve.ts. Under a bare `next start` a client could set
 * CLIENT_ADDRESS_HEADER itself, so production refuses to start that way (instrumentation.ts).
 */
export function servedWithClientAddress(): boolean {
  return (globalThis as Record<symbol, unknown>)[SERVER_MARK] === true;
}

/** One spelling per address: "::ffff:1.2.3.4" (a dual-stack socket) is 1.2.3.4, ports and brackets go. */
export function normalizeAddress(raw: string): string | null {
  let value = raw.trim();
  // "[2001:db8::1]:443" and "203.0.113.7:51234", as some proxies write them.
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  const version = isIP(value);
  if (!version) return null;
  if (version === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
    if (mapped) return mapped[1]!;
    return value.toLowerCase();
  }
  return value;
}

/**
 * The client's address: the socket's, or with `trustedHops` proxies in front (each appending the address
 * it received the request from to X-Forwarded-For), the `trustedHops`-th address from the right of
 * X-Forwarded-For. Whatever a client wrote further left is its own claim and is never used. A chain
 * shorter than that (a request that bypassed the outer proxies) gives its leftmost address, which the
 * innermost trusted proxy wrote; an entry that is not an address gives the socket's.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedHops: number,
): string {
  const socket = (socketAddress && normalizeAddress(socketAddress)) || "unknown";
  if (trustedHops <= 0 || forwardedFor === undefined) return socket;
  const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (chain.length === 0) return socket;
  const picked = chain[Math.max(0, chain.length - trustedHops)]!;
  return normalizeAddress(picked) ?? socket;
}

/**
 * What scripts/serve.ts does to each request before Next sees it: CLIENT_ADDRESS_HEADER is the address
 * worked out here, whatever the client sent under that name.
 */
export function stampClientAddress(request: IncomingMessage, trustedHops: number): void {
  request.headers[CLIENT_ADDRESS_HEADER] = clientAddress(
    request.socket.remoteAddress,
    request.headers["x-forwarded-for"],
    trustedHops,
  );
}

/** The address scripts/serve.ts worked out for this request ("unknown" outside it, e.g. `next dev`). */
export function clientAddressOf(headers: Headers): string {
  return headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}
