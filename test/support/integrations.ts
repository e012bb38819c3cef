/**
 * Shared by the lifecycle tests (rotation, disconnect, and the onboarding pages after them): a fresh
 * tenant's onboarding connected through the portal's real engine against the emulator, and what Azure
 * holds of it afterwards. Import only from a test file that called portalHarnessForFile(); the portal's
 * modules are imported lazily, after the harness has set the environment.
 */
import { clientCredentials } from "@/emulator/test/helpers";
import type { Harness } from "@/test/support/portal-harness";
import { seedConnectedOwner } from "@/test/support/world";

export type Portal = { readonly current: Harness };

/** The integration's secret value, decrypted as /api/v1 would. */
export { secretOf } from "@/test/support/world";

/**
 * A connected onboarding of a fresh tenant: its admin signed in (`actor`), the five steps run to the end
 * through the engine, its Integration active. `secret` is the Integration's secret value.
 */
export async function connectedOnboarding(portal: Portal) {
  const world = await seedConnectedOwner(portal.current);
  return { ...world, actor: world.owner };
}

export type Connected = Awaited<ReturnType<typeof connectedOnboarding>>;

type AzureState = {
  applications: { id: string; passwordCredentials: { keyId: string }[] }[];
  servicePrincipals: { id: string }[];
  billingAccounts: { roleAssignments: { principalId: string }[] }[];
  created: { passwordCredentials: number };
};

/** What of the onboarding's objects Azure holds, read from the emulator's state. */
export async function inAzure(w: Connected) {
  const state = (await w.emu.state(w.tenant.tenantId)) as AzureState;
  const app = state.applications.find((a) => a.id === w.onboarding.applicationObjectId);
  return {
    application: Boolean(app),
    /** The app's secrets' keyIds, sorted. */
    keyIds: (app?.passwordCredentials ?? []).map((c) => c.keyId).sort(),
    /** How many secrets the tenant's apps were ever given. */
    made: state.created.passwordCredentials,
    servicePrincipal: state.servicePrincipals.some((s) => s.id === w.onboarding.servicePrincipalId),
    roleAssignments: state.billingAccounts
      .flatMap((a) => a.roleAssignments)
      .filter((r) => r.principalId === w.onboarding.servicePrincipalId).length,
  };
}

/** "ok" when `secret` signs in as the onboarding's app, else Entra's error code (e.g. "7000215"). */
export async function signsIn(portal: Portal, w: Connected, secret: string) {
  const reply = await clientCredentials(
    portal.current.emu,
    w.tenant.tenantId,
    w.integration.clientId,
    secret,
  );
  return reply.status === 200 ? "ok" : String((reply.body as { error_codes?: number[] }).error_codes?.[0]);
}

/** An operation's runner died: its lease ran out with nobody to renew it. */
export async function runnerDied(operationId: string) {
  const { db } = await import("@/lib/db");
  await db.integrationOperation.update({
    where: { id: operationId },
    data: { leaseOwner: "dead-instance:run", leaseExpiresAt: new Date(Date.now() - 1000) },
  });
}
