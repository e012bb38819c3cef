/**
 * Production refuses to start without an encryption key: the launcher stops before building, and the
 * portal's server itself (instrumentation.ts) exits at start-up, each naming ENCRYPTION_KEY. The demo
 * alone may generate a key (lib/env.test.ts). Nor does it start but through scripts/serve.ts.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

import { afterEach, describe, expect, it, vi } from "vitest";

const root = path.resolve(__dirname, "..");
const production = {
  AZURE_AD_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  AZURE_AD_CLIENT_SECRET: "s3cret",
  PUBLIC_BASE_URL: "https://connect.example.com",
  SESSION_SECRET: "x".repeat(40),
  // Empty counts as unset, and keeps a developer's .env file from filling it in.
  ENCRYPTION_KEY: "",
};

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("production without an encryption key", () => {
  it("the launcher stops before building, naming the variable", () => {
    const result = spawnSync(
      path.join(root, "node_modules/.bin/tsx"),
      ["scripts/start.ts", "--port", "3999"],
      {
        cwd: root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "production", ...production },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/ENCRYPTION_KEY is not set/);
    expect(result.stdout).not.toMatch(/Building the portal/);
  });

  it("the portal's server exits at start-up, naming the variable", async () => {
    for (const [key, value] of Object.entries({ ...production, NEXT_RUNTIME: "nodejs" }))
      vi.stubEnv(key, value);
    const exit = vi.spyOn(process, "exit").mockImplementation((() => {
      throw new Error("exited");
    }) as never);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { register } = await import("@/instrumentation");
    await expect(register()).rejects.toThrow("exited");
    expect(exit).toHaveBeenCalledWith(1);
    expect(error.mock.calls.flat().join(" ")).toMatch(/cannot start: ENCRYPTION_KEY is not set/);
  });
});

describe("production served another way than scripts/serve.ts", () => {
  it("a bare `next start` exits at start-up: clients could name their own address", async () => {
    vi.resetModules();
    const key = Buffer.alloc(32, 7).toString("base64");
    for (const [name, value] of Object.entries({
      ...production,
      ENCRYPTION_KEY: key,
      NEXT_RUNTIME: "nodejs",
      NODE_ENV: "production",
    }))
      vi.stubEnv(name, value);
    const exit = vi.spyOn(process, "exit").mockImplementation((() => {
      throw new Error("exited");
    }) as never);
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const { register } = await import("@/instrumentation");
    await expect(register()).rejects.toThrow("exited");
    expect(exit).toHaveBeenCalledWith(1);
    expect(error.mock.calls.flat().join(" ")).toMatch(/cannot start: .*scripts\/serve\.ts/);
  });
});
