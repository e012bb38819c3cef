/**
 * The CLI the demo launcher runs: the seeded demo account answers with its documented tokens, and with
 * --persist a restart keeps the integrations (the portal remembers their tokens).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { call } from "../../test/helpers";
import { DEMO_READ_TOKEN, DEMO_WRITE_TOKEN } from "../src/seed";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "vantage-cli-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the CLI on a free port and resolves with its API URL once it printed its line. */
function startCli(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    path.resolve("node_modules/.bin/tsx"),
    [
      "emulator/vantage/src/main.ts",
      "--port",
      "0",
      "--azure",
      "https://127.0.0.1:9",
      "--seed-demo",
      "--delays",
      "test",
      "--data-dir",
      dataDir,
      "--persist",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/v2)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("exit", (code) => reject(new Error(`CLI exited (${code}): ${out}`)));
  });
}

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });

describe("main.ts --seed-demo --persist", () => {
  it("serves the demo tokens and keeps integrations across a restart", async () => {
    const first = await startCli();
    const me = await call(`${first.url}/me`, { headers: { authorization: `Bearer ${DEMO_WRITE_TOKEN}` } });
    expect(me.status).toBe(200);
    expect(me.body.workspaces.map((w: { name: string }) => w.name)).toEqual([
      "Contoso Production",
      "Contoso Sandbox",
    ]);
    const readOnly = await call(`${first.url}/integrations/azure`, {
      method: "POST",
      json: { tenant: "t", app_id: "a", password: "p" },
      headers: { authorization: `Bearer ${DEMO_READ_TOKEN}` },
    });
    expect(readOnly.status).toBe(403);
    const created = await call(`${first.url}/integrations/azure`, {
      method: "POST",
      json: { tenant: "t", app_id: "a", password: "p" },
      headers: { authorization: `Bearer ${DEMO_WRITE_TOKEN}` },
    });
    expect(created.status).toBe(201);
    await stop(first.child);
    expect(fs.statSync(path.join(dataDir, "vantage-state.json")).mode & 0o777).toBe(0o600);

    const second = await startCli();
    const again = await call(`${second.url}/integrations/${created.body.token}`, {
      headers: { authorization: `Bearer ${DEMO_READ_TOKEN}` },
    });
    expect(again.status).toBe(200);
    const state = await call(`${second.url.replace(/\/v2$/, "")}/_vantage/state`);
    expect(state.body.accounts).toHaveLength(1);
    await stop(second.child);
  }, 60_000);
});
