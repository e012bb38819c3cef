/**
 * The portal's configuration: the only module that reads process.env.
 *
 * Two modes, never mixed:
 * - production: the operator registered the portal's Entra app and set AZURE_AD_CLIENT_ID and
 *   AZURE_AD_CLIENT_SECRET; every secret must then be set explicitly.
 * - demo: AZURE_EMULATOR_URL points at the Azure emulator (the start launcher sets it when no Entra app
 *   is configured); missing session and encryption secrets are generated once into the data folder.
 * A half-set configuration throws a ConfigError naming the variable; it never falls back to the demo.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { z } from "zod";

import { isCidr, isLoopbackHost } from "@/lib/webhooks/address-policy";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const httpsUrl = z
  .string()
  .trim()
  .url({ message: "must be an absolute URL, for example https://login.microsoftonline.com" })
  .refine((value) => value.startsWith("https://"), { message: "must use https://" })
  .transform((value) => value.replace(/\/+$/, ""));

const baseUrl = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const refuse = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return refuse("must be an absolute URL, for example https://connect.example.com");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      return refuse(
        "must start with https:// (or http:// for this machine), e.g. https://connect.example.com",
      );
    // The portal is served at the root of one origin: its links, redirects and cookies assume it.
    if (url.username || url.password || url.search || url.hash || url.pathname !== "/")
      return refuse("must be an origin only (scheme, host and port), e.g. https://connect.example.com");
    return url.origin;
  });

// Entra's "common" and "consumers" let personal Microsoft accounts in, and every personal account
// carries the same tenant id (9188040d-6c67-4c5b-b112-36a304b66dad): to the portal, whose rules are
// "same tenant", they would all be one organization.
const entraTenant = z
  .string()
  .trim()
  .refine((value) => !/^(common|consumers)$/i.test(value), {
    message:
      "common and consumers admit personal Microsoft accounts, which all share one tenant id, so one person could act on another's connections: set organizations (any work or school account) or one tenant id",
  })
  .refine(
    (value) =>
      /^organizations$/i.test(value) ||
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ||
      /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(value),
    {
      message: "must be organizations, a tenant id (a GUID) or its domain (e.g. contoso.onmicrosoft.com)",
    },
  )
  .transform((value) => (/^organizations$/i.test(value) ? "organizations" : value));

/** https://, or plain http:// on this machine only (the demo's Vantage emulator listens on loopback). */
const apiUrl = z
  .string()
  .trim()
  .url({ message: "must be an absolute URL, for example https://api.vantage.sh/v2" })
  .refine(
    (value) => {
      if (!URL.canParse(value)) return true; // .url() already said what is wrong
      const url = new URL(value);
      return (
        url.protocol === "https:" ||
        (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
      );
    },
    { message: "must use https:// (http:// only for 127.0.0.1 or localhost)" },
  )
  .transform((value) => value.replace(/\/+$/, ""));

const base64Key = z
  .string()
  .trim()
  .refine((value) => Buffer.from(value, "base64").length === 32, {
    message: "must be 32 random bytes in base64 (generate one with: openssl rand -base64 32)",
  });

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const schema = z.object({
  AZURE_AD_CLIENT_ID: optional(
    z
      .string()
      .trim()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
        message: "must be the Application (client) ID, a GUID",
      }),
  ),
  AZURE_AD_CLIENT_SECRET: optional(z.string().min(1)),
  AZURE_AD_TENANT: optional(entraTenant),
  AZURE_AUTHORITY_HOST: optional(httpsUrl),
  GRAPH_BASE_URL: optional(httpsUrl),
  GRAPH_RESOURCE: optional(httpsUrl),
  ARM_BASE_URL: optional(httpsUrl),
  ARM_RESOURCE: optional(httpsUrl),
  PUBLIC_BASE_URL: optional(baseUrl),
  SESSION_SECRET: optional(z.string().min(32, { message: "must be at least 32 characters" })),
  DATABASE_URL: optional(
    z
      .string()
      .trim()
      .refine((value) => /^(pglite:|postgres(ql)?:\/\/)/.test(value), {
        message: "must start with pglite: (embedded) or postgresql:// (PostgreSQL)",
      }),
  ),
  ENCRYPTION_KEY: optional(base64Key),
  ENCRYPTION_KEYS_OLD: optional(z.string()),
  AZURE_EMULATOR_URL: optional(httpsUrl),
  VANTAGE_API_URL: optional(apiUrl),
  MCA_DATA_DIR: optional(z.string().min(1)),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])),
  PORT: optional(z.coerce.number().int().min(1).max(65535)),
  AZURE_REQUEST_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(600_000)),
  WEBHOOK_ALLOW_INSECURE_LOCALHOST: optional(
    z.enum(["true", "false", "1", "0"], { message: "must be true or false" }),
  ),
  WEBHOOK_ALLOWED_NETWORKS: optional(
    z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((cidr) => cidr.trim())
          .filter(Boolean),
      )
      .refine((list) => list.every(isCidr), {
        message: "must be comma-separated addresses or CIDR blocks, e.g. 10.20.0.0/16,fd00:1::/64",
      }),
  ),
  HEALTH_CHECK_INTERVAL_MINUTES: optional(
    z.coerce
      .number({ message: "must be a number of minutes" })
      .int({ message: "must be a whole number of minutes" })
      .min(5, { message: "must be at least 5 (minutes): Azure throttles frequent cost queries" })
      .max(7 * 24 * 60, { message: "must be at most 10080 (a week)" }),
  ),
  SMTP_URL: optional(
    z
      .string()
      .trim()
      .refine((value) => /^smtps?:\/\/[^/]/.test(value), {
        message:
          "must be smtp://[user:pass@]host[:port] or smtps://… (for example smtp://mail.example.com:587)",
      }),
  ),
  MAIL_FROM: optional(z.string().trim().min(3).regex(/@/, { message: "must hold an email address" })),
  ROTATION_GRACE_SECONDS: optional(z.coerce.number().int().min(0).max(2_592_000)),
  // The older setting, in minutes: read when ROTATION_GRACE_SECONDS is not set.
  ROTATION_GRACE_MINUTES: optional(z.coerce.number().int().min(0).max(43_200)),
  OPERATORS: optional(z.string()),
  TRUSTED_PROXY_HOPS: optional(
    z
      .string()
      .trim()
      .refine((value) => /^\d{1,2}$/.test(value) && Number(value) <= 10, {
        message:
          "must be a whole number from 0 to 10: how many reverse proxies in front of the portal append to X-Forwarded-For (0, the default, when clients connect to the portal directly)",
      })
      .transform(Number),
  ),
  VANTAGE_REQUEST_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(120_000)),
});

export type Env = {
  mode: "production" | "demo";
  azureAd: { clientId: string; clientSecret: string; tenant: string };
  authorityHost: string;
  graph: { baseUrl: string; resource: string };
  arm: { baseUrl: string; resource: string };
  publicBaseUrl: string;
  sessionSecret: string;
  databaseUrl: string;
  encryptionKey: Buffer;
  oldEncryptionKeys: Buffer[];
  /** Vantage's public API (default https://api.vantage.sh/v2; the Vantage emulator in the demo). */
  vantageApiUrl: string;
  /** Set in demo mode: the simulated Azure the portal talks to, shown in the banner. */
  emulatorUrl: string | null;
  dataDir: string;
  logLevel: string;
  /** How long one request to Entra, Graph or ARM may take before it counts as lost (default 30 s). */
  azureRequestTimeoutMs: number;
  /** Where webhooks may go besides public https addresses (lib/webhooks/address-policy.ts). */
  webhooks: { allowInsecureLocalhost: boolean; allowedNetworks: string[] };
  /** How often the health job re-verifies each integration (default 6 h). */
  healthCheckIntervalMs: number;
  /** Where reminder mails go out; null when mail is not configured (reminders are then shown only). */
  mail: { smtpUrl: string; from: string } | null;
  /**
   * After a secret rotation, how long the old secret keeps working beside the new one before it is
   * removed, in seconds (default 24 h), so the cost platform's imports never stop.
   */
  rotationGraceSeconds: number;
  /**
   * The deployment's operators, who alone wire the portal to the cost platform (API keys, webhooks, the
   * list of every tenant's integrations): (tenant id, object id) pairs, compared with the verified
   * id token's tid and oid. Never earned inside the portal, never an Entra app role.
   */
  operators: Operator[];
  /**
   * How many reverse proxies in front of the portal to believe (default 0): the client's address is
   * the socket's, or the N-th from the right of X-Forwarded-For (lib/client-address.ts).
   */
  trustedProxyHops: number;
  /** How long one request to Vantage may take before it counts as unanswered (default 15 s). */
  vantageRequestTimeoutMs: number;
};

export type Operator = { tenantId: string; objectId: string };

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `OPERATORS=<tenant id>/<object id>,...`: each half a GUID, as Entra shows them. */
export function parseOperators(raw: string | undefined): Operator[] {
  const entries = (raw ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry, index) => {
    const [tenantId, objectId, extra] = entry.split("/").map((part) => part.trim());
    if (extra !== undefined || !tenantId || !objectId || !guid.test(tenantId) || !guid.test(objectId))
      throw new ConfigError(
        `OPERATORS: entry ${index + 1} must be <tenant id>/<object id>, two GUIDs (Entra admin center, ` +
          "Users, the person's Object ID, and the tenant's Tenant ID), for example " +
          "OPERATORS=72f988bf-86f1-41af-91ab-2d7cd011db47/0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10",
      );
    return { tenantId: tenantId.toLowerCase(), objectId: objectId.toLowerCase() };
  });
}

type DemoSecrets = { sessionSecret: string; encryptionKey: string };

/** Generates the demo's secrets once, into the data folder, readable by the owner only. */
function loadOrCreateDemoSecrets(dataDir: string): DemoSecrets {
  const file = path.join(dataDir, "demo-secrets.json");
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<DemoSecrets>;
    if (parsed.sessionSecret && parsed.encryptionKey) return parsed as DemoSecrets;
  } catch {
    // Missing or unreadable: make new ones below.
  }
  const secrets: DemoSecrets = {
    sessionSecret: randomBytes(32).toString("base64url"),
    encryptionKey: randomBytes(32).toString("base64"),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** Validates a raw environment. Exported for tests; the app uses getEnv(). */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `- ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const v = result.data;
  const demo = Boolean(v.AZURE_EMULATOR_URL);
  const missing = (name: string) =>
    new ConfigError(
      `${name} is not set. ${
        demo
          ? "The demo launcher (npm start) sets it; start the portal with npm start."
          : 'Set it (see README, "Configuration"), or unset AZURE_AD_CLIENT_ID to run the demo.'
      }`,
    );

  if (!v.AZURE_AD_CLIENT_ID && !v.AZURE_AD_CLIENT_SECRET && !demo) {
    throw new ConfigError(
      "No Entra app is configured. Set AZURE_AD_CLIENT_ID and AZURE_AD_CLIENT_SECRET for a real tenant " +
        '(README, "Register the portal in Entra ID"), or run `npm start` without them for the demo.',
    );
  }
  if (!v.AZURE_AD_CLIENT_ID) throw missing("AZURE_AD_CLIENT_ID");
  if (!v.AZURE_AD_CLIENT_SECRET) throw missing("AZURE_AD_CLIENT_SECRET");

  const dataDir = path.resolve(/*turbopackIgnore: true*/ v.MCA_DATA_DIR ?? ".data");
  let sessionSecret = v.SESSION_SECRET;
  let encryptionKey = v.ENCRYPTION_KEY;
  if (demo && (!sessionSecret || !encryptionKey)) {
    const generated = loadOrCreateDemoSecrets(dataDir);
    sessionSecret ??= generated.sessionSecret;
    encryptionKey ??= generated.encryptionKey;
  }
  if (!sessionSecret) throw missing("SESSION_SECRET");
  if (!encryptionKey) throw missing("ENCRYPTION_KEY");
  if (!v.PUBLIC_BASE_URL && !demo) throw missing("PUBLIC_BASE_URL");
  // Sign-in cookies, share links and the API's secrets travel over it.
  if (!demo && v.PUBLIC_BASE_URL?.startsWith("http:") && !isLoopbackHost(new URL(v.PUBLIC_BASE_URL).hostname))
    throw new ConfigError(
      `PUBLIC_BASE_URL must use https:// in production (plain http:// only for this machine): set PUBLIC_BASE_URL=${v.PUBLIC_BASE_URL.replace(/^http:/, "https:")} and serve it over TLS, for example at a reverse proxy (README, "Running behind a proxy").`,
    );
  if (v.SMTP_URL && !v.MAIL_FROM)
    throw new ConfigError(
      "MAIL_FROM is not set: with SMTP_URL, set the sender, e.g. MAIL_FROM=connect@example.com.",
    );
  if (v.MAIL_FROM && !v.SMTP_URL)
    throw new ConfigError(
      "SMTP_URL is not set: with MAIL_FROM, set the SMTP server, e.g. SMTP_URL=smtp://mail.example.com:587.",
    );

  const oldKeys = (v.ENCRYPTION_KEYS_OLD ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean)
    .map((key, index) => {
      const buffer = Buffer.from(key, "base64");
      if (buffer.length !== 32) {
        throw new ConfigError(`ENCRYPTION_KEYS_OLD: key ${index + 1} must be 32 bytes in base64`);
      }
      return buffer;
    });

  const graphBaseUrl = v.GRAPH_BASE_URL ?? "https://graph.microsoft.com";
  const armBaseUrl = v.ARM_BASE_URL ?? "https://management.azure.com";
  return {
    mode: demo ? "demo" : "production",
    azureAd: {
      clientId: v.AZURE_AD_CLIENT_ID,
      clientSecret: v.AZURE_AD_CLIENT_SECRET,
      tenant: v.AZURE_AD_TENANT ?? "organizations",
    },
    authorityHost: v.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com",
    // The resource identifiers name the service in scopes and token audiences; they equal the base URL
    // in every real cloud, but differ when the base URL points at the emulator.
    graph: { baseUrl: graphBaseUrl, resource: v.GRAPH_RESOURCE ?? graphBaseUrl },
    arm: { baseUrl: armBaseUrl, resource: v.ARM_RESOURCE ?? armBaseUrl },
    publicBaseUrl: v.PUBLIC_BASE_URL ?? `http://localhost:${v.PORT ?? 3000}`,
    sessionSecret,
    databaseUrl: v.DATABASE_URL ?? `pglite:${path.join(dataDir, "db")}`,
    encryptionKey: Buffer.from(encryptionKey, "base64"),
    oldEncryptionKeys: oldKeys,
    vantageApiUrl: v.VANTAGE_API_URL ?? "https://api.vantage.sh/v2",
    emulatorUrl: v.AZURE_EMULATOR_URL ?? null,
    dataDir,
    logLevel: v.LOG_LEVEL ?? "info",
    azureRequestTimeoutMs: v.AZURE_REQUEST_TIMEOUT_MS ?? 30_000,
    webhooks: {
      allowInsecureLocalhost: ["true", "1"].includes(v.WEBHOOK_ALLOW_INSECURE_LOCALHOST ?? "false"),
      allowedNetworks: v.WEBHOOK_ALLOWED_NETWORKS ?? [],
    },
    healthCheckIntervalMs: (v.HEALTH_CHECK_INTERVAL_MINUTES ?? 360) * 60_000,
    mail: v.SMTP_URL && v.MAIL_FROM ? { smtpUrl: v.SMTP_URL, from: v.MAIL_FROM } : null,
    rotationGraceSeconds:
      v.ROTATION_GRACE_SECONDS ??
      (v.ROTATION_GRACE_MINUTES === undefined ? 24 * 3600 : v.ROTATION_GRACE_MINUTES * 60),
    operators: parseOperators(v.OPERATORS),
    trustedProxyHops: v.TRUSTED_PROXY_HOPS ?? 0,
    vantageRequestTimeoutMs: v.VANTAGE_REQUEST_TIMEOUT_MS ?? 15_000,
  };
}

/** The log level alone, usable before the rest of the configuration is known to be valid. */
export function logLevel(): string {
  const parsed = schema.shape.LOG_LEVEL.safeParse(process.env.LOG_LEVEL);
  return (parsed.success && parsed.data) || "info";
}

let cached: Env | undefined;

/** The validated configuration, read once per process. Throws ConfigError when it is not usable. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
