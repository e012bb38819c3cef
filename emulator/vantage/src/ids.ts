/** Tokens in Vantage's own shapes: a prefix naming the kind, then random hex. */
import { randomBytes } from "node:crypto";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** An API access token, as the console makes them (vntg_tkn_...). */
export const apiToken = () => `vntg_tkn_${hex(20)}`;
export const integrationToken = () => `accss_crdntl_${hex(8)}`;
export const workspaceToken = () => `wrkspc_${hex(8)}`;
export const accountId = () => `acct_${hex(8)}`;
export const requestId = () => randomBytes(16).toString("hex");

/** ISO 8601 in whole seconds, as the document's examples write times ("2024-07-29T21:41:48Z"). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}
