import path from "node:path";
import { defineConfig } from "vitest/config";

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
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "emulator/**/*.test.ts", "scripts/**/*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The dialect matrix runs its dialects side by side: they mostly wait on simulated Azure delays.
    maxConcurrency: 12,
  },
});
