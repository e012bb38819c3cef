// Database errors the app branches on, read the same way on both engines. Prisma reports a unique
// violation as P2002 everywhere, but its details differ by adapter (PGlite: quoted field names;
// pg: the index name), so the constraint is read from PostgreSQL's own message, which both pass on.
import { Prisma } from "@/lib/generated/prisma/client";

type AdapterCause = { originalMessage?: unknown };

function adapterMessage(error: Prisma.PrismaClientKnownRequestError): string {
  const cause = (error.meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause;
  return typeof cause?.originalMessage === "string" ? cause.originalMessage : "";
}

/**
 * The name of the unique constraint a write violated, such as "ShareLink_tokenHash_key"
 * (Prisma names them `<Model>_<field>_<field>_key`), or null when `error` is not a unique violation.
 * Returns "" for a unique violation whose constraint cannot be read.
 */
export function uniqueViolation(error: unknown): string | null {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2002") return null;
  return /unique constraint "([^"]+)"/.exec(adapterMessage(error))?.[1] ?? "";
}

/** True when `error` is a unique violation (of `constraint`, when given). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const violated = uniqueViolation(error);
  return violated !== null && (constraint === undefined || violated === constraint);
}
