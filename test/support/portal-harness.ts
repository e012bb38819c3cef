/**
 * The portal's own code against an in-process Azure emulator, for integration tests and benchmarks:
 * configures the environment the way the demo launcher does (then the portal's modules may be
 * imported), and signs users in through the emulator's real pages, the code redeemed by the portal's
 * MSAL broker into its encrypted cache.
 */
import { randomUUID } from "node:crypto";

import type { RunningEmulator } from "@/emulator/src/server";
import {
  control,
  PORTAL_SCOPES,
  REDIRECT_URI,
  registerPortal,
  signIn,
  startTestEmulator,
} from "@/emulator/test/helpers";

type SignedIn = {
  id: string;
  entraObjectId: string;
  name: string | null;
  email: string | null;
  tenantId: string;
  homeAccountId: string;
};

export type Harness = {
  emu: RunningEmulator;
  clientId: string;
  /** The one person OPERATORS names in this harness (tenant id, object id), in a tenant of their own. */
  operator: { tenantId: string; objectId: string };
  /** Seeds the operator's tenant (once) and signs the operator in. */
  signInOperator(): Promise<SignedIn>;
  /** Signs `upn` in (consenting for the organization when asked) and returns the portal's actor. */
  signIn(upn: string): Promise<{
    id: string;
    entraObjectId: string;
    name: string | null;
    email: string | null;
    tenantId: string;
    homeAccountId: string;
  }>;
};

/** `env` overrides the harness's settings (a PostgreSQL DATABASE_URL, a LOG_LEVEL to capture logs). */
export async function startPortalHarness(options: { env?: Record<string, string> } = {}): Promise<Harness> {
  const emu = await startTestEmulator();
  const portal = await registerPortal(emu);
  return { emu, ...(await connectPortal(emu.baseUrl, portal, options.env)) };
}

/** A tenant holding just the operator (a Global Administrator there, which by itself makes no one an operator). */
async function seedOperatorTenant(emu: RunningEmulator, operator: { tenantId: string; objectId: string }) {
  const seeded = await control(emu).seed({
    name: "Portal Operators",
    tenantId: operator.tenantId,
    users: [
      {
        key: "operator",
        id: operator.objectId,
        displayName: "Nestor Wilke",
        roles: ["Global Administrator"],
      },
    ],
  });
  return seeded.users.operator!.userPrincipalName;
}

/**
 * The portal's environment pointed at an emulator that may run in another process (a child process
 * running the engine, as in lib/onboardings/crash.test.ts), with the portal's app registered in it.
 * `env` overrides the defaults, for example DATABASE_URL for a file-backed database.
 */
export async function connectPortal(
  baseUrl: string,
  portal: { clientId: string; clientSecret: string },
  env: Record<string, string> = {},
): Promise<Omit<Harness, "emu">> {
  const operator = { tenantId: randomUUID(), objectId: randomUUID() };
  Object.assign(process.env, {
    OPERATORS: `${operator.tenantId}/${operator.objectId}`,
    AZURE_AD_CLIENT_ID: portal.clientId,
    AZURE_AD_CLIENT_SECRET: portal.clientSecret,
    AZURE_AUTHORITY_HOST: baseUrl,
    GRAPH_BASE_URL: `${baseUrl}/graph`,
    GRAPH_RESOURCE: "https://graph.microsoft.com",
    ARM_BASE_URL: `${baseUrl}/arm`,
    ARM_RESOURCE: "https://management.azure.com",
    PUBLIC_BASE_URL: "http://localhost:3000",
    SESSION_SECRET: "portal-harness-session-secret-0123456789",
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
    DATABASE_URL: "pglite:memory:",
    LOG_LEVEL: "silent",
    ...env,
  });
  const broker = await import("@/lib/azure/token-broker");
  const users = await import("@/lib/data/users");
  // The sign-in helpers only need the emulator's address.
  const emu = { baseUrl } as RunningEmulator;
  let operatorUpn: Promise<string> | undefined;
  const harness: Omit<Harness, "emu"> = {
    clientId: portal.clientId,
    operator,
    async signInOperator() {
      operatorUpn ??= seedOperatorTenant(emu, operator);
      return harness.signIn(await operatorUpn);
    },
    async signIn(upn) {
      const login = await signIn(emu, {
        tenant: "organizations",
        clientId: portal.clientId,
        scope: PORTAL_SCOPES,
        upn,
        consent: "org",
      });
      if (!login.params.code) throw new Error(`sign-in of ${upn} stopped at ${JSON.stringify(login.pages)}`);
      const auth = await broker.redeemAuthorizationCode({
        code: login.params.code,
        codeVerifier: login.verifier!,
        redirectUri: REDIRECT_URI,
      });
      const claims = auth.idTokenClaims as { oid: string; tid: string; name?: string };
      return users.upsertUserFromSignIn({
        entraObjectId: claims.oid,
        tenantId: claims.tid,
        homeAccountId: auth.account!.homeAccountId,
        name: claims.name,
      });
    },
  };
  return harness;
}
