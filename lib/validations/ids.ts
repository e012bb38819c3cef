/**
 * Ids that come from the client (hidden fields, links, paths): every record's id is ours (a cuid, or a
 * prefix and a UUID), so anything else cannot name a record. Such a value is refused before any query
 * with the very answer an unknown id gets: a malformed id tells nobody more than a wrong one, and never
 * reaches the database (PostgreSQL refuses a NUL byte in text with an error, not an empty answer).
 */
import { z } from "zod";

/** The shape of every id we hand out: letters, digits, "_" and "-", at most 64 characters. */
export const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function isId(value: unknown): value is string {
  return typeof value === "string" && idPattern.test(value);
}

/** What an unknown (or malformed) id of each kind is answered with, by actions and by the data layer. */
export const unknownIdMessages = {
  onboarding: "This onboarding does not exist or is not yours.",
  shareLink: "This share link does not let you act on this onboarding.",
  integration: "This integration does not exist or is not yours.",
  apiKey: "This API key does not exist.",
  webhookEndpoint: "This webhook endpoint does not exist.",
  webhookDelivery: "This delivery does not exist.",
  destination: "This destination does not exist or is not yours.",
} as const;

/**
 * A record's id from a hidden field. Missing or not text: the form could not be read (`missing`).
 * Text that cannot be an id: the answer an unknown id of that kind gets.
 */
export function idField(kind: keyof typeof unknownIdMessages, missing: string) {
  return z.string({ error: missing }).regex(idPattern, unknownIdMessages[kind]);
}
