import { getEnv } from "@/lib/env";

/** Where the Azure services live: public cloud by default, a sovereign cloud or the emulator by config. */
export type AzureEndpoints = {
  authorityHost: string;
  graph: { baseUrl: string; resource: string };
  arm: { baseUrl: string; resource: string };
};

export function azureEndpoints(): AzureEndpoints {
  const env = getEnv();
  return { authorityHost: env.authorityHost, graph: env.graph, arm: env.arm };
}
