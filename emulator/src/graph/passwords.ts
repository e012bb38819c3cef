/** Graph v1.0 application secrets: addPassword and removePassword, with the tenant's app management policy. */
import type { Caller } from "../auth";
import { openWindow } from "../delay-window";
import { isObject, send, type Ctx } from "../http";
import { clientSecretValue, guid } from "../ids";
import { recordIssued } from "../issued";
import { durationMs } from "../settings";
import type { PasswordCredential } from "../store";
import { now, type World } from "../world";
import { replicatedApp, type AppRef } from "./applications";
import {
  contextUrl,
  graphDate,
  graphError,
  graphJson,
  insufficientPrivileges,
  mayModifyApp,
  requirePermission,
  WRITE_APPS_APP,
  WRITE_APPS_DELEGATED,
  notFound,
  readBody,
} from "./common";

function parseDate(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function addYears(ms: number, years: number): number {
  const d = new Date(ms);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.getTime();
}

/**
 * The app a password write names, if the caller may write it, with the request's body; undefined once
 * Graph has answered (no permission, not found or not yet replicated, not theirs, an unreadable body).
 */
function writableApp(world: World, ctx: Ctx, caller: Caller, ref: AppRef) {
  if (!requirePermission(ctx, caller, WRITE_APPS_DELEGATED, WRITE_APPS_APP)) return undefined;
  const app = replicatedApp(world, caller.tenant, ref);
  if (!app) return notFound(ctx, ref.value);
  if (!mayModifyApp(caller, app)) return insufficientPrivileges(ctx);
  const parsed = readBody(ctx);
  if (!parsed.ok) return undefined;
  return { app, parsed };
}

export function addPassword(world: World, ctx: Ctx, caller: Caller, ref: AppRef): void {
  ctx.route = "POST /applications/{id}/addPassword";
  const target = writableApp(world, ctx, caller, ref);
  if (!target) return;
  const { app, parsed } = target;
  const body = parsed.value ?? {};
  if (!isObject(body) || (body.passwordCredential !== undefined && !isObject(body.passwordCredential))) {
    return graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'passwordCredential' of resource 'PasswordCredential'.",
    );
  }
  const input = (body.passwordCredential ?? {}) as Record<string, unknown>;
  const t = now(world);
  const start =
    input.startDateTime === undefined || input.startDateTime === null ? t : parseDate(input.startDateTime);
  if (start === undefined)
    return graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'startDateTime' of resource 'PasswordCredential'.",
    );
  const end =
    input.endDateTime === undefined || input.endDateTime === null
      ? addYears(start, 2)
      : parseDate(input.endDateTime);
  if (end === undefined || end <= start)
    return graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.",
    );
  if (
    input.displayName !== undefined &&
    input.displayName !== null &&
    typeof input.displayName !== "string"
  ) {
    return graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'displayName' of resource 'PasswordCredential'.",
    );
  }
  const policy = caller.tenant.appManagementPolicy;
  if (policy.blockPasswordAddition) {
    return graphError(
      ctx,
      policy.errorStatus,
      policy.additionErrorCode,
      "Credential type not allowed as per assigned policy. Password credentials are blocked by the app management policy of this tenant.",
    );
  }
  if (policy.passwordMaxLifetime) {
    const max = durationMs(policy.passwordMaxLifetime);
    if (max !== undefined && end - start > max) {
      return graphError(
        ctx,
        policy.errorStatus,
        policy.lifetimeErrorCode,
        `Credential lifetime exceeds the max value allowed as per assigned policy. The maximum lifetime for password credentials is ${policy.passwordMaxLifetime}.`,
      );
    }
  }
  const secretText = clientSecretValue();
  const cred: PasswordCredential = {
    keyId: guid(),
    displayName: (input.displayName as string | undefined) ?? null,
    hint: secretText.slice(0, 3),
    startDateTime: graphDate(start).replace(/\.\d+Z$/, "Z"),
    endDateTime: graphDate(end).replace(/\.\d+Z$/, "Z"),
    customKeyIdentifier: null,
    secretText,
    activeAt: 0,
  };
  const { settings } = caller.tenant;
  cred.activeAt = openWindow(cred, "activeAt", settings, t, settings.delays.secretActivationMs);
  app.passwordCredentials.push(cred);
  recordIssued(world, "clientSecret", caller.tenant.id, secretText);
  world.store.countCreated(caller.tenant.id, "passwordCredentials");
  graphJson(ctx, 200, {
    "@odata.context": contextUrl(world, "microsoft.graph.passwordCredential"),
    customKeyIdentifier: null,
    displayName: cred.displayName,
    endDateTime: cred.endDateTime,
    hint: cred.hint,
    keyId: cred.keyId,
    secretText,
    startDateTime: cred.startDateTime,
  });
}

export function removePassword(world: World, ctx: Ctx, caller: Caller, ref: AppRef): void {
  ctx.route = "POST /applications/{id}/removePassword";
  const target = writableApp(world, ctx, caller, ref);
  if (!target) return;
  const { app, parsed } = target;
  const keyId = isObject(parsed.value) ? parsed.value.keyId : undefined;
  if (typeof keyId !== "string")
    return graphError(
      ctx,
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'keyId' of resource 'PasswordCredential'.",
    );
  const index = app.passwordCredentials.findIndex((c) => c.keyId === keyId.toLowerCase());
  if (index < 0)
    return graphError(ctx, 400, "Request_BadRequest", `No password credential found with keyId '${keyId}'.`);
  app.passwordCredentials.splice(index, 1);
  send(ctx, 204, "");
}
