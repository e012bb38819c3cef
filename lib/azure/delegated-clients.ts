/**
 * Azure clients for the person a job runs as: their delegated sign-in (the token broker's cache), in
 * the tenant the job works in, each call bounded by the job's deadline. Made at the first use, once.
 */
import "server-only";

import { ArmClient } from "@/lib/azure/arm";
import { azureEndpoints } from "@/lib/azure/endpoints";
import { GraphClient } from "@/lib/azure/graph";
import { delegatedCredential } from "@/lib/azure/token-broker";

export type DelegatedClients = { graph(): GraphClient; arm(): ArmClient };

export function delegatedClients(
  person: { homeAccountId: string },
  tenantId: string,
  deadline: number,
): DelegatedClients {
  const endpoints = azureEndpoints();
  let graph: GraphClient | undefined;
  let arm: ArmClient | undefined;
  return {
    graph: () =>
      (graph ??= new GraphClient(delegatedCredential(person.homeAccountId, tenantId, "graph"), endpoints, {
        deadline,
      })),
    arm: () =>
      (arm ??= new ArmClient(delegatedCredential(person.homeAccountId, tenantId, "arm"), endpoints, {
        deadline,
      })),
  };
}
