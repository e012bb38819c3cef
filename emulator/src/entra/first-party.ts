/**
 * Microsoft's own public client apps that the emulator knows, so their real code can sign in here: the
 * Azure CLI. A first-party app needs no registration and no consent in a tenant (Microsoft pre-authorizes
 * it everywhere), and as a public client it sends no secret.
 */

export interface FirstPartyClient {
  clientId: string;
  displayName: string;
  /** Loopback redirect URI for its browser sign-in (any port, as Entra allows for http://localhost). */
  redirectUris: string[];
  /** The delegated permissions it is pre-authorized for, full form; "/.default" asks for these. */
  permissions: string[];
}

/**
 * "Microsoft Azure CLI", 04b07795-8ddb-461a-bbee-02f9e1bf7b46 in Microsoft's list of first-party apps
 * (Entra docs, "Verify first-party Microsoft applications in sign-in reports"). The Graph permissions are
 * the ones its tokens are reported to carry (third-party reports of decoded tokens), reduced to those the
 * emulator knows; what matters here is that they let a signed-in admin manage applications.
 */
export const AZURE_CLI: FirstPartyClient = {
  clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
  displayName: "Microsoft Azure CLI",
  redirectUris: ["http://localhost"],
  permissions: [
    "https://graph.microsoft.com/Application.ReadWrite.All",
    "https://graph.microsoft.com/Directory.AccessAsUser.All",
    "https://graph.microsoft.com/User.Read.All",
    "https://management.azure.com/user_impersonation",
    "https://graph.microsoft.com/openid",
    "https://graph.microsoft.com/profile",
    "https://graph.microsoft.com/email",
    "https://graph.microsoft.com/offline_access",
  ],
};

const FIRST_PARTY = new Map([[AZURE_CLI.clientId, AZURE_CLI]]);

export function firstPartyClient(clientId: string): FirstPartyClient | undefined {
  return FIRST_PARTY.get(clientId.toLowerCase());
}
