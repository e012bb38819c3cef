/** Generated daily costs for seeded billing accounts: deterministic per account, six services. */
import { createHash } from "node:crypto";

import type { CostSpec } from "./scenario-spec";
import type { CostRow } from "./store";

/** A tiny deterministic generator, so a preset's costs are the same on every start. */
function prng(seed: string): () => number {
  let h = createHash("sha256").update(seed).digest().readUInt32LE(0) || 1;
  return () => {
    h ^= h << 13;
    h ^= h >>> 17;
    h ^= h << 5;
    return ((h >>> 0) % 1_000_000) / 1_000_000;
  };
}

const COST_MIX = [
  { serviceName: "Virtual Machines", resourceGroup: "rg-prod-web", resourceLocation: "East US", share: 0.36 },
  {
    serviceName: "Azure Kubernetes Service",
    resourceGroup: "rg-prod-aks",
    resourceLocation: "West Europe",
    share: 0.19,
  },
  { serviceName: "SQL Database", resourceGroup: "rg-prod-data", resourceLocation: "East US", share: 0.21 },
  { serviceName: "Storage", resourceGroup: "rg-prod-data", resourceLocation: "East US", share: 0.11 },
  { serviceName: "Azure Monitor", resourceGroup: "rg-shared", resourceLocation: "West Europe", share: 0.08 },
  { serviceName: "Bandwidth", resourceGroup: "rg-prod-web", resourceLocation: "East US", share: 0.05 },
];

export function generateCosts(seed: string, spec: CostSpec, subscriptionId: string | null): CostRow[] {
  const currency = spec.currency ?? "USD";
  if (spec.rows) {
    return spec.rows.map((r) => ({
      date: r.date ?? new Date().toISOString().slice(0, 10),
      cost: Number(r.cost ?? 0),
      currency: r.currency ?? currency,
      resourceGroup: r.resourceGroup ?? "rg-default",
      serviceName: r.serviceName ?? "Virtual Machines",
      resourceLocation: r.resourceLocation ?? "East US",
      subscriptionId: r.subscriptionId ?? subscriptionId,
    }));
  }
  const average = spec.dailyAverage ?? 250;
  if (average <= 0) return [];
  const days = spec.days ?? 62;
  const rand = prng(seed);
  const rows: CostRow[] = [];
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  for (let d = days - 1; d >= 0; d--) {
    const date = new Date(today - d * 86_400_000);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const total = average * (weekend ? 0.82 : 1.05) * (0.9 + rand() * 0.2);
    for (const mix of COST_MIX) {
      rows.push({
        date: date.toISOString().slice(0, 10),
        cost: Math.round(total * mix.share * (0.92 + rand() * 0.16) * 1e6) / 1e6,
        currency,
        resourceGroup: mix.resourceGroup,
        serviceName: mix.serviceName,
        resourceLocation: mix.resourceLocation,
        subscriptionId,
      });
    }
  }
  return rows;
}
