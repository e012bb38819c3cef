import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { ConfigError, parseEnv } from "@/lib/env";
import { hostileText } from "@/test/support/hostile-input";

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

  it("refuses plain http:// for PUBLIC_BASE_URL in production, unless it is this machine", () => {
    expect(() => parseEnv({ ...production, PUBLIC_BASE_URL: "http://connect.example.com" })).toThrow(
      /PUBLIC_BASE_URL must use https:\/\/ in production.*PUBLIC_BASE_URL=https:\/\/connect\.example\.com/,
    );
    expect(() => parseEnv({ ...production, PUBLIC_BASE_URL: "http://10.0.0.5:3000" })).toThrow(/https:\/\//);
    for (const local of ["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:3000"])
      expect(parseEnv({ ...production, PUBLIC_BASE_URL: local }).publicBaseUrl).toBe(local);
    expect(() => parseEnv({ ...production, PUBLIC_BASE_URL: "ftp://connect.example.com" })).toThrow(
      /PUBLIC_BASE_URL: must start with https:\/\//,
    );
    expect(() => parseEnv({ ...production, PUBLIC_BASE_URL: "https://connect.example.com/portal" })).toThrow(
      /PUBLIC_BASE_URL: must be an origin only/,
    );
  });

  it("refuses the common and consumers tenants: personal accounts would all share one tenant", () => {
    for (const tenant of ["common", "consumers", " Common "])
      expect(() => parseEnv({ ...production, AZURE_AD_TENANT: tenant }), tenant).toThrow(
        /AZURE_AD_TENANT: common and consumers admit personal Microsoft accounts/,
      );
    expect(parseEnv(production).azureAd.tenant).toBe("organizations");
    for (const tenant of ["organizations", "0b9c6b2a-47a8-4a36-8d7b-6a2d0cbb8f29", "contoso.onmicrosoft.com"])
      expect(parseEnv({ ...production, AZURE_AD_TENANT: tenant }).azureAd.tenant).toBe(tenant);
    expect(() => parseEnv({ ...production, AZURE_AD_TENANT: "contoso" })).toThrow(
      /AZURE_AD_TENANT: must be organizations, a tenant id/,
    );
  });

  it("keeps a rotated secret's predecessor a day by default; ROTATION_GRACE_SECONDS, else the older minutes, says otherwise", () => {
    expect(parseEnv(production).rotationGraceSeconds).toBe(86_400);
    expect(parseEnv({ ...production, ROTATION_GRACE_SECONDS: "15" }).rotationGraceSeconds).toBe(15);
    expect(parseEnv({ ...production, ROTATION_GRACE_MINUTES: "90" }).rotationGraceSeconds).toBe(5400);
    expect(
      parseEnv({ ...production, ROTATION_GRACE_SECONDS: "15", ROTATION_GRACE_MINUTES: "90" })
        .rotationGraceSeconds,
    ).toBe(15);
    expect(() => parseEnv({ ...production, ROTATION_GRACE_SECONDS: "1.5" })).toThrow(
      /ROTATION_GRACE_SECONDS/,
    );
  });

  it("trusts no proxy unless TRUSTED_PROXY_HOPS says how many", () => {
    expect(parseEnv(production).trustedProxyHops).toBe(0);
    expect(parseEnv({ ...production, TRUSTED_PROXY_HOPS: "2" }).trustedProxyHops).toBe(2);
    for (const hops of ["-1", "1.5", "11", "one", "0x1", "1e1"])
      expect(() => parseEnv({ ...production, TRUSTED_PROXY_HOPS: hops }), hops).toThrow(
        /TRUSTED_PROXY_HOPS: must be a whole number from 0 to 10/,
      );
  });

  it("answers any value of the hardened settings with a usable configuration or a ConfigError naming it", () => {
    const names = ["PUBLIC_BASE_URL", "AZURE_AD_TENANT", "TRUSTED_PROXY_HOPS"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...names), hostileText, (name, value) => {
        let env: ReturnType<typeof parseEnv>;
        try {
          env = parseEnv({ ...production, [name]: value });
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          expect((error as Error).message).toContain(name);
          return;
        }
        const url = new URL(env.publicBaseUrl);
        expect(url.origin).toBe(env.publicBaseUrl);
        expect(
          url.protocol === "https:" ||
            ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) ||
            /^127\.|\.localhost$/.test(url.hostname),
        ).toBe(true);
        expect(env.azureAd.tenant).not.toMatch(/^\s*(common|consumers)\s*$/i);
        expect(Number.isInteger(env.trustedProxyHops)).toBe(true);
        expect(env.trustedProxyHops).toBeGreaterThanOrEqual(0);
        expect(env.trustedProxyHops).toBeLessThanOrEqual(10);
      }),
      { numRuns: 300 },
    );
  });
});

describe("OPERATORS", () => {
  const tid = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";
  const oid = "0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10";

  it("names operators by tenant id and object id, case and spaces aside; none by default", () => {
    expect(parseEnv(production).operators).toEqual([]);
    expect(parseEnv({ ...production, OPERATORS: ` ${tid}/${oid} , ${oid}/${tid},` }).operators).toEqual([
      { tenantId: tid.toLowerCase(), objectId: oid },
      { tenantId: oid, objectId: tid.toLowerCase() },
    ]);
  });

  it("refuses an entry that is not two GUIDs, saying which entry and where to find the ids", () => {
    for (const bad of [
      "nestor@contoso.com",
      `${tid}`,
      `${tid}/${oid}/${oid}`,
      `contoso.onmicrosoft.com/${oid}`,
      `${tid}/${oid},${tid}:${oid}`,
    ])
      expect(() => parseEnv({ ...production, OPERATORS: bad }), bad).toThrow(
        /^OPERATORS: entry \d must be <tenant id>\/<object id>, two GUIDs \(Entra admin center, Users, the person's Object ID/,
      );
  });

  it("answers any text either with operators made of GUIDs or with the OPERATORS message", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .array(fc.oneof(fc.uuid(), fc.string({ maxLength: 4 }), fc.constantFrom("/", ",", " ")), {
              maxLength: 8,
            })
            .map((parts) => parts.join("")),
        ),
        (raw) => {
          try {
            for (const o of parseEnv({ ...production, OPERATORS: raw }).operators) {
              expect(o.tenantId).toMatch(/^[0-9a-f-]{36}$/);
              expect(o.objectId).toMatch(/^[0-9a-f-]{36}$/);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as Error).message).toMatch(/^OPERATORS: /);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
