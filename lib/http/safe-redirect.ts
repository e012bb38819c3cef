/**
 * Where the portal may send a person after sign-in: a path on its own origin, nothing else. The value
 * is parsed as a URL against the origin (as a browser would read it), so `/\evil.example`,
 * `/%09/evil.example` and `//evil.example`, which browsers resolve to another host, are refused.
 */
export function safeCallbackPath(value: unknown, origin: string, fallback = "/onboardings"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 2000) return fallback;
  if (!value.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(origin).origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // A path that still begins with two slashes (or a backslash) reads as another host to a browser.
  return /^\/[\\/]/.test(path) ? fallback : path;
}
