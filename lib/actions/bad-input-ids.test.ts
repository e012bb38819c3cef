/**
 * Bad input: ids from the client that cannot be ours, on PGlite.
 * The cases are in test/support/malformed-ids.ts.
 */
import { vi } from "vitest";

import { describeMalformedIds } from "@/test/support/malformed-ids";

vi.mock("@/lib/auth", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth")>()),
  getCurrentUser: async () => (await import("@/test/support/request-scope")).scope.user,
}));

describeMalformedIds("pglite");
