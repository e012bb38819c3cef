/**
 * The one shape every server action returns, and the wrapper that authenticates the caller on its
 * own (a page's check does not protect the POST endpoint behind an action) and maps expected errors
 * to messages a person can act on.
 */
import "server-only";

import type { z } from "zod";

import { getCurrentUser } from "@/lib/auth";
import { AzureCallError } from "@/lib/azure/errors";
import { requireOperator } from "@/lib/data/operators";
import { NotFoundError, UserFacingError } from "@/lib/errors";
import { log } from "@/lib/log";
import { requireShareActor } from "@/lib/share-links/access";
import { unknownIdMessages } from "@/lib/validations/ids";
import type { Actor } from "@/lib/view-types";

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; message: string; fieldErrors?: Record<string, string[]> };

export class UnauthenticatedError extends UserFacingError {
  constructor() {
    super("Your session has ended. Sign in again.");
  }
}

export async function requireActor(): Promise<Actor> {
  const user = await getCurrentUser();
  if (!user) throw new UnauthenticatedError();
  return user;
}

/**
 * What an action answers when `fn` threw: an expected failure's own words (with its field's error),
 * Azure's explained refusal, or, for anything else, a generic sentence; only the latter is logged.
 */
export function failure(error: unknown): {
  ok: false;
  message: string;
  fieldErrors?: Record<string, string[]>;
} {
  if (error instanceof NotFoundError) return { ok: false, message: unknownIdMessages[error.kind] };
  if (error instanceof UserFacingError)
    return error.field
      ? { ok: false, message: error.message, fieldErrors: { [error.field]: [error.message] } }
      : { ok: false, message: error.message };
  if (error instanceof AzureCallError) return { ok: false, message: error.message };
  // Not its message, which may quote what it was given (a query's values, a form's text): its name, its
  // code (a database error's, e.g. P2002) and where it was thrown, which is enough to find it.
  log.error({ err: error instanceof Error ? faultSummary(error) : typeof error }, "action failed");
  return { ok: false, message: "Something went wrong on our side. Nothing was lost; try again." };
}

/**
 * A form's text fields, for validation. An action is a POST endpoint anyone can call with any
 * serializable value in place of the form (an array, an object, a number): that reads as an empty form,
 * which validation then refuses with a message, instead of throwing. Files are left out.
 */
export function formValues(formData: unknown): Record<string, string> {
  if (!(formData instanceof FormData)) return {};
  return Object.fromEntries(
    [...formData.entries()].filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

const hiddenFields = new Set([
  "",
  "onboardingId",
  "linkId",
  "stepId",
  "shareLinkId",
  "integrationId",
  "keyId",
  "endpointId",
  "deliveryId",
]);

function invalid(error: z.ZodError): { ok: false; message: string; fieldErrors: Record<string, string[]> } {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of error.issues) (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
  // Nothing a person typed is wrong (a tampered hidden field, or no form at all): say what is.
  const hiddenOnly = error.issues.every((issue) => hiddenFields.has(issue.path.join(".")));
  const message = hiddenOnly ? error.issues[0]!.message : "Please correct the highlighted fields.";
  return { ok: false, message, fieldErrors };
}

/** Authenticates, validates the form against `schema`, then runs `fn`. */
export async function withActor<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  fn: (actor: Actor, data: z.infer<S>) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  return authenticated(schema, input, fn);
}

/** Signs in the caller, lets `admit` refuse them before the form is read, validates it, runs `fn`. */
async function authenticated<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  fn: (actor: Actor, data: z.infer<S>) => Promise<ActionResult<T>>,
  admit?: (actor: Actor) => Promise<void>,
): Promise<ActionResult<T>> {
  try {
    const actor = await requireActor();
    await admit?.(actor);
    const parsed = schema.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    return await fn(actor, parsed.data);
  } catch (error) {
    return failure(error);
  }
}

/**
 * For the operators' actions (API keys, webhooks): authenticates, refuses anyone the configuration does
 * not name as an operator before reading the form, then validates and runs `fn`.
 */
export async function withOperator<S extends z.ZodType, T>(
  what: string,
  schema: S,
  input: unknown,
  fn: (actor: Actor, data: z.infer<S>) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  return authenticated(schema, input, fn, (actor) => requireOperator(actor, what));
}

/**
 * For actions that run steps: the owner, or a colleague acting through an act share link (the form's
 * `shareLinkId`, validated by `schema` like any other id, proven by the link's cookie and checked again
 * by the engine). A view link, a revoked or expired link, or a sign-in to another tenant is refused with
 * a message saying why.
 */
export async function withStepActor<
  S extends z.ZodType<{ onboardingId: string; shareLinkId?: string | undefined }>,
  T,
>(
  schema: S,
  input: Record<string, unknown>,
  fn: (actor: Actor, data: z.infer<S>, via: { shareLinkId?: string }) => Promise<ActionResult<T>>,
): Promise<ActionResult<T>> {
  try {
    const parsed = schema.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const linkId = parsed.data.shareLinkId;
    if (!linkId) return await fn(await requireActor(), parsed.data, {});
    const actor = await requireShareActor(linkId, parsed.data.onboardingId);
    return await fn(actor, parsed.data, { shareLinkId: linkId });
  } catch (error) {
    return failure(error);
  }
}

function faultSummary(error: Error) {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "string" && /^[\w.-]{1,40}$/.test(code) ? { code } : {}),
    at: (error.stack ?? "")
      .split("\n")
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 3)
      .map((line) => line.trim()),
  };
}
