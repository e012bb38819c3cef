/**
 * Expected failures: what a person did or asked for cannot be done, for a reason they can read. The
 * action wrapper (lib/actions/safe-action.ts) answers these with their message; anything else is a
 * fault, logged and answered with one generic sentence. Internal errors (a lost lease, credentials
 * changed under a check) extend Error, never these: their words are not for people.
 */
import { unknownIdMessages } from "@/lib/validations/ids";

export type UnknownIdKind = keyof typeof unknownIdMessages;

/** A refusal whose message is safe to show as it is, optionally about one form field. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}

/**
 * A record that does not exist or that the actor may not reach: both get the same answer, the one an
 * unknown (or malformed) id of that kind gets, so nothing tells them apart.
 */
export class NotFoundError extends UserFacingError {
  constructor(readonly kind: UnknownIdKind) {
    super(unknownIdMessages[kind]);
    this.name = "NotFoundError";
  }
}
