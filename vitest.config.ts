import path from "node:path";

import { configDefaults, defineConfig } from "vitest/config";

const allTests = ["lib/**/*.test.ts", "test/**/*.test.ts", "emulator/**/*.test.ts", "scripts/**/*.test.ts"];

/**
 * The test files that call server actions, route handlers and pages directly, in Next's request scope
 * as test/support/request-scope.ts stands it in: test/support/setup.ts mocks next/headers, next/cache and
 * next/navigation for them. A test file that stubs Next differently stays out of this list.
 */
const requestScopeTests = [
  "lib/actions/**/*.test.ts",
  "test/security/**/*.test.ts",
  "lib/vantage/delivery.test.ts",
  "lib/integrations/pages*.test.ts",
];

// Unit and integration tests live next to the code. The Azure emulator's CA must be trusted through
// NODE_EXTRA_CA_CERTS before Node starts, so scripts/test.sh creates it and exports the variable.
export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      "server-only": path.resolve(__dirname, "test/support/server-only.ts"),
    },
  },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The dialect matrix runs its dialects side by side: they mostly wait on simulated Azure delays.
    maxConcurrency: 12,
    projects: [
      {
        extends: true,
        test: { name: "request-scope", include: requestScopeTests, setupFiles: ["test/support/setup.ts"] },
      },
      {
        extends: true,
        test: {
          name: "default",
          include: allTests,
          exclude: [...configDefaults.exclude, ...requestScopeTests],
        },
      },
    ],
  },
});
