/**
 * The demo's Vantage account, with fixed tokens so a restart (and the README) keep naming the same
 * ones. These are not secrets: they open only this emulator.
 */
import type { SeedAccount } from "./store";

export const DEMO_ACCOUNT_ID = "acct_c0de0000contoso";
export const DEMO_WRITE_TOKEN = "vntg_demo_write_8f3c2a7d61b94e05";
export const DEMO_READ_TOKEN = "vntg_demo_read_2b6e9d4f0a8c7153";
export const DEMO_WORKSPACES = [
  { token: "wrkspc_c0de00000000a001", name: "Contoso Production" },
  { token: "wrkspc_c0de00000000a002", name: "Contoso Sandbox" },
];

export const DEMO_ACCOUNT: SeedAccount = {
  id: DEMO_ACCOUNT_ID,
  name: "Contoso on Vantage",
  tokens: [
    { token: DEMO_WRITE_TOKEN, scope: "read write", description: "MCA Connect demo (read and write)" },
    { token: DEMO_READ_TOKEN, scope: "read", description: "MCA Connect demo (read only)" },
  ],
  workspaces: DEMO_WORKSPACES,
};
