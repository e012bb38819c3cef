/**
 * A stand-in for Next's request scope, for tests that call server actions and route handlers directly:
 * the browser's cookie jar, the request headers, the signed-in user `getCurrentUser` answers with, and
 * what `revalidatePath` and `redirect` were asked to do. test/support/setup.ts points `vi.mock` at the
 * exports here for the test files of the "request-scope" project (vitest.config.ts); another test file
 * may point its own `vi.mock("next/headers", ...)` at them too.
 *
 * next-auth loads `next/headers` with a CommonJS require, which `vi.mock` does not reach:
 * `installCommonJsNextHeaders()` puts the same stand-in into Node's require cache.
 */
import Module, { createRequire } from "node:module";
import path from "node:path";

export const scope = {
  /** What getCurrentUser() returns: the signed-in user, or null. */
  user: null as unknown,
  jar: new Map<string, string>(),
  headers: new Headers(),
  revalidated: [] as string[],
  redirects: [] as string[],
};

/** Forgets the previous caller: no user, no cookies, no headers, nothing revalidated. */
export function resetScope(): void {
  scope.user = null;
  scope.jar = new Map();
  scope.headers = new Headers();
  scope.revalidated = [];
  scope.redirects = [];
}

/** What `redirect()` throws, as Next's does, so the code after it never runs. */
export class RedirectSignal extends Error {
  constructor(readonly url: string) {
    super(`NEXT_REDIRECT ${url}`);
    this.name = "RedirectSignal";
  }
}

const cookieStore = {
  get: (name: string) => (scope.jar.has(name) ? { name, value: scope.jar.get(name)! } : undefined),
  getAll: () => [...scope.jar].map(([name, value]) => ({ name, value })),
  has: (name: string) => scope.jar.has(name),
  set: (name: string | { name: string; value: string }, value?: string) => {
    if (typeof name === "object") scope.jar.set(name.name, name.value);
    else scope.jar.set(name, value ?? "");
  },
  delete: (name: string) => scope.jar.delete(name),
};

export const nextHeaders = {
  cookies: async () => cookieStore,
  headers: async () => scope.headers,
};

export const nextCache = {
  revalidatePath: (path: string) => {
    scope.revalidated.push(path);
  },
  revalidateTag: () => {},
};

/** What `notFound()` throws. */
export class NotFoundSignal extends Error {
  constructor() {
    super("NEXT_NOT_FOUND");
    this.name = "NotFoundSignal";
  }
}

export const nextNavigation = {
  redirect: (url: string): never => {
    scope.redirects.push(url);
    throw new RedirectSignal(url);
  },
  notFound: (): never => {
    throw new NotFoundSignal();
  },
};

export function installCommonJsNextHeaders(): void {
  const fromNextAuth = createRequire(path.resolve("node_modules/next-auth/next/index.js"));
  const id = fromNextAuth.resolve("next/headers");
  const stub = new Module(id);
  stub.filename = id;
  stub.loaded = true;
  stub.exports = nextHeaders;
  (Module as unknown as { _cache: Record<string, Module> })._cache[id] = stub;
}
