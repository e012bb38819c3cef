/**
 * Who the client is at the token endpoint: its id and secret (form or Basic), a secret checked against an
 * app created through Graph (value, activation, expiry) or a registered client, and public clients, which
 * must send none.
 */
import { windowOver } from "../delay-window";
import { header, type Ctx } from "../http";
import { safeEqual } from "../ids";
import type { Application } from "../store";
import { now, type World } from "../world";
import type { ResolvedClient } from "./minting";

interface ClientCredentials {
  clientId?: string;
  secret?: string;
}

export function credentials(ctx: Ctx, form: URLSearchParams): ClientCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(header(ctx, "authorization") ?? "");
  if (basic) {
    const decoded = Buffer.from(basic[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0)
      return {
        clientId: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
  }
  return { clientId: form.get("client_id") ?? undefined, secret: form.get("client_secret") ?? undefined };
}

export type Refusal = { error: string; code: number; description: string };

/** Checks a secret against an app created through Graph: value, replication of the secret, expiry. */
function checkGraphSecret(world: World, app: Application, secret: string): Refusal | undefined {
  const invalid: Refusal = {
    error: "invalid_client",
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`,
  };
  const cred = app.passwordCredentials.find((c) => safeEqual(c.secretText, secret));
  if (!cred) return invalid;
  const t = now(world);
  // A fresh secret is unknown to Entra's token service until it replicates: the same answer as a wrong one.
  if (!windowOver(cred, "activeAt", t) || t < Date.parse(cred.startDateTime)) return invalid;
  if (t > Date.parse(cred.endDateTime)) {
    return {
      error: "invalid_client",
      code: 7000222,
      description: `The provided client secret keys for app '${app.appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    };
  }
  return undefined;
}

export function authenticateClient(
  world: World,
  client: ResolvedClient,
  secret: string | undefined,
): Refusal | undefined {
  if (client.kind === "firstParty") {
    if (!secret) return undefined;
    return {
      error: "invalid_client",
      code: 700025,
      description: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    };
  }
  if (secret === undefined || secret === "") {
    return {
      error: "invalid_client",
      code: 7000218,
      description:
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    };
  }
  if (client.kind === "graph") return checkGraphSecret(world, client.app, secret);
  if (!safeEqual(client.client.clientSecret, secret)) {
    return {
      error: "invalid_client",
      code: 7000215,
      description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
    };
  }
  return undefined;
}
