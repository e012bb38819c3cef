import os from "node:os";
import path from "node:path";
import fs from "node:fs";

import { describe, expect, it } from "vitest";

import { ConfigError, parseEnv } from "@/lib/env";

const key = Buffer.alloc(32, 7).toString("base64");
const production = {
  AZURE_AD_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
  AZURE_AD_CLIENT_SECRET: "s3cret",
  PUBLIC_BASE_URL: "https://connect.example.com/",
  SESSION_SECRET: "x".repeat(40),
  ENCRYPTION_KEY: key,
};

describe("parseEnv", () => {
  it("accepts a full production configuration with public-cloud defaults", () => {
    const env = parseEnv(production);
    expect(env.mode).toBe("production");
    expect(env.publicBaseUrl).toBe("https://connect.example.com");
    expect(env.authorityHost).toBe("https://login.microsoftonline.com");
    expect(env.graph).toEqual({
      baseUrl: "https://graph.microsoft.com",
      resource: "https://graph.microsoft.com",
    });
    expect(env.arm.resource).toBe("https://management.azure.com");
    expect(env.databaseUrl).toMatch(/^pglite:/);
  });

  it("points at Vantage's public API unless VANTAGE_API_URL says otherwise (https, or http on loopback only)", () => {
    expect(parseEnv(production).vantageApiUrl).toBe("https://api.vantage.sh/v2");
    expect(parseEnv({ ...production, VANTAGE_API_URL: "http://127.0.0.1:8643/v2/" }).vantageApiUrl).toBe(
      "http://127.0.0.1:8643/v2",
    );
    expect(() => parseEnv({ ...production, VANTAGE_API_URL: "http://vantage.example.com/v2" })).toThrow(
      /VANTAGE_API_URL: must use https/,
    );
  });

  it("names the missing variable of a half-set configuration instead of falling back to the demo", () => {
    const { AZURE_AD_CLIENT_SECRET: _omit, ...half } = production;
    expect(() => parseEnv(half)).toThrow(ConfigError);
    expect(() => parseEnv(half)).toThrow(/AZURE_AD_CLIENT_SECRET/);
    const { ENCRYPTION_KEY: _key, ...noKey } = production;
    expect(() => parseEnv(noKey)).toThrow(/ENCRYPTION_KEY/);
  });

  it("reads the health interval and the mail settings; mail is off without them, never half-set", () => {
    const env = parseEnv(production);
    expect(env.healthCheckIntervalMs).toBe(6 * 3_600_000);
    expect(env.mail).toBeNull();
    const set = parseEnv({
      ...production,
      HEALTH_CHECK_INTERVAL_MINUTES: "90",
      SMTP_URL: "smtp://user:pw@mail.example.com:587",
      MAIL_FROM: "MCA Connect <connect@example.com>",
    });
    expect(set.healthCheckIntervalMs).toBe(90 * 60_000);
    expect(set.mail).toEqual({
      smtpUrl: "smtp://user:pw@mail.example.com:587",
      from: "MCA Connect <connect@example.com>",
    });
    expect(() => parseEnv({ ...production, SMTP_URL: "smtp://mail.example.com" })).toThrow(
      /MAIL_FROM is not set/,
    );
    expect(() => parseEnv({ ...production, MAIL_FROM: "connect@example.com" })).toThrow(
      /SMTP_URL is not set/,
    );
    expect(() => parseEnv({ ...production, SMTP_URL: "mail.example.com", MAIL_FROM: "a@b.c" })).toThrow(
      /SMTP_URL: must be smtp:\/\//,
    );
    expect(() => parseEnv({ ...production, HEALTH_CHECK_INTERVAL_MINUTES: "1" })).toThrow(
      /HEALTH_CHECK_INTERVAL_MINUTES: must be at least 5/,
    );
  });

  it("says what to do when nothing is configured", () => {
    expect(() => parseEnv({})).toThrow(/npm start/);
  });

  it("rejects malformed values with the variable's name and a hint", () => {
    expect(() => parseEnv({ ...production, AZURE_AD_CLIENT_ID: "vantage" })).toThrow(
      /AZURE_AD_CLIENT_ID: must be the Application \(client\) ID/,
    );
    expect(() => parseEnv({ ...production, ENCRYPTION_KEY: "short" })).toThrow(
      /ENCRYPTION_KEY: must be 32 random bytes/,
    );
    expect(() => parseEnv({ ...production, GRAPH_BASE_URL: "http://graph.local" })).toThrow(
      /GRAPH_BASE_URL: must use https/,
    );
    expect(() => parseEnv({ ...production, DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
  });

  it("generates demo secrets once into the data folder, readable by the owner only", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mca-env-"));
    const demo = {
      AZURE_AD_CLIENT_ID: production.AZURE_AD_CLIENT_ID,
      AZURE_AD_CLIENT_SECRET: "x",
      AZURE_EMULATOR_URL: "https://127.0.0.1:8443",
      MCA_DATA_DIR: dir,
    };
    const first = parseEnv(demo);
    const second = parseEnv(demo);
    expect(first.mode).toBe("demo");
    expect(first.sessionSecret).toBe(second.sessionSecret);
    expect(first.encryptionKey.equals(second.encryptionKey)).toBe(true);
    expect(fs.statSync(path.join(dir, "demo-secrets.json")).mode & 0o777).toBe(0o600);
  });
});
