import { z } from "zod";

import { formId, formUnreadable, printable } from "@/lib/validations/onboarding";

/** The form and the command spell scopes with a hyphen; the database with an underscore. */
const scope = z
  .enum(["read-metadata", "read-secrets"], {
    message: "Choose read-metadata (integrations without secrets) or read-secrets.",
  })
  .transform(
    (value) =>
      (value === "read-secrets" ? "read_secrets" : "read_metadata") as "read_metadata" | "read_secrets",
  );

const name = z
  .string({ message: "Name the key after who will use it, e.g. “Cost platform production”." })
  .trim()
  .min(1, "Name the key after who will use it, e.g. “Cost platform production”.")
  .max(80, "At most 80 characters.")
  .regex(printable, "Use letters, digits and punctuation only: no line breaks or control characters.");

export const createApiKeySchema = z.object({ name, scope }, { error: formUnreadable });

export const apiKeyInputSchema = z.object({
  tenantId: z
    .string({ message: "Give the Entra tenant id whose integrations the key may read." })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "A tenant id is a GUID.")
    .transform((value) => value.toLowerCase()),
  name,
  scope,
});

export const revokeApiKeySchema = z.object({ keyId: formId("apiKey") }, { error: formUnreadable });
