/**
 * A Vantage API token a person pastes is checked before it is kept: GET /me must accept it and, when
 * Vantage says the token's scopes, they must include write (creating an Azure integration needs it).
 * Then it is stored encrypted, and deliveries that stopped for want of a working token start again.
 */
import "server-only";

import { resumeDeliveriesAfterTokenChange } from "@/lib/data/deliveries";
import { saveVantageToken } from "@/lib/data/vantage-tokens";
import { VantageClient, type VantageWorkspace } from "@/lib/vantage/client";
import { VantageError } from "@/lib/vantage/errors";
import type { Actor } from "@/lib/view-types";

export type TokenCheck =
  { ok: true; workspaces: VantageWorkspace[]; writeKnown: boolean } | { ok: false; message: string };

const tokenPage = "Vantage's console, Settings > API Access Tokens";

export async function checkAndSaveVantageToken(actor: Actor, token: string): Promise<TokenCheck> {
  let me;
  try {
    me = await new VantageClient(token).me();
  } catch (error) {
    if (!(error instanceof VantageError)) throw error;
    if (error.kind === "bad-token")
      return {
        ok: false,
        message: `Vantage did not accept this token: it is wrong, expired or revoked. Make a new one with the Write scope in ${tokenPage} and paste it here.`,
      };
    if (error.transient)
      return {
        ok: false,
        message: `Vantage could not check the token just now (${error.status ? `HTTP ${error.status}` : "no answer"}). It was not saved; try again in a moment.`,
      };
    return { ok: false, message: `${error.message} The token was not saved.` };
  }
  if (me.scopes && !me.scopes.includes("write"))
    return {
      ok: false,
      message: `This token may only read: Vantage needs the Write scope to create the Azure integration. Make a token with the Write scope in ${tokenPage} and paste it here.`,
    };
  if (me.workspaces.length === 0)
    return {
      ok: false,
      message:
        "Vantage shows no workspace for this token's user: make one in Vantage, or use a token of a user who has one.",
    };
  await saveVantageToken(actor, token, me);
  await resumeDeliveriesAfterTokenChange(actor);
  return { ok: true, workspaces: me.workspaces, writeKnown: Boolean(me.scopes) };
}
