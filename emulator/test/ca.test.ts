import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { ensureCa } from "../src/ca";

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-ca-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("CA and server certificate", () => {
  it("creates a CA and a server certificate for 127.0.0.1 and localhost, keys 0600", () => {
    const files = ensureCa(tempDir());
    const ca = new X509Certificate(fs.readFileSync(files.caCertPath));
    const server = new X509Certificate(fs.readFileSync(files.serverCertPath));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(server.subjectAltName).toContain("DNS:localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(fs.statSync(files.caKeyPath).mode & 0o777).toBe(0o600);
    expect(fs.statSync(files.serverKeyPath).mode & 0o777).toBe(0o600);
  });

  it("reuses existing files and regenerates a missing server certificate under the same CA", () => {
    const dir = tempDir();
    const first = ensureCa(dir);
    const caBefore = fs.readFileSync(first.caCertPath, "utf8");
    const serverBefore = fs.readFileSync(first.serverCertPath, "utf8");
    ensureCa(dir);
    expect(fs.readFileSync(first.serverCertPath, "utf8")).toBe(serverBefore);
    fs.rmSync(first.serverCertPath);
    ensureCa(dir);
    expect(fs.readFileSync(first.caCertPath, "utf8")).toBe(caBefore);
    expect(fs.readFileSync(first.serverCertPath, "utf8")).not.toBe(serverBefore);
  });

  it("replaces an expired CA (and the server certificate it signed)", () => {
    const dir = tempDir();
    const files = ensureCa(dir);
    // A CA that expired yesterday: openssl's -not_after is not in 3.0, so backdate with -days 1 and a past start.
    execFileSync(
      "/usr/bin/openssl",
      [
        "req",
        "-x509",
        "-key",
        files.caKeyPath,
        "-out",
        files.caCertPath,
        "-days",
        "1",
        "-subj",
        "/CN=old",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
      ],
      { stdio: "ignore" },
    );
    const before = new X509Certificate(fs.readFileSync(files.caCertPath));
    expect(Date.parse(before.validTo) - Date.now()).toBeLessThan(2 * 86_400_000);
    ensureCa(dir);
    const after = new X509Certificate(fs.readFileSync(files.caCertPath));
    expect(Date.parse(after.validTo) - Date.now()).toBeGreaterThan(300 * 86_400_000);
    expect(new X509Certificate(fs.readFileSync(files.serverCertPath)).verify(after.publicKey)).toBe(true);
  });

  it("ca-cli prints only the absolute CA path", () => {
    const dir = tempDir();
    const out = execFileSync("npx", ["tsx", "emulator/src/ca-cli.ts", "--data-dir", dir], {
      encoding: "utf8",
    });
    expect(out).toBe(`${path.join(dir, "ca.crt")}\n`);
  });
});
