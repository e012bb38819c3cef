import { z } from "zod";

import { formId, formUnreadable, printable } from "@/lib/validations/onboardings";

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

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const integrationId = /^int_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids typed one per line, or separated by commas or spaces. */
function idList(label: string, pattern: RegExp, example: string, normalise = (v: string) => v) {
  return z
    .string()
    .max(20_000, `At most 200 ${label}s.`)
    .optional()
    .transform((value) => [
      ...new Set(
        (value ?? "")
          .split(/[\s,;]+/)
          .map((part) => part.trim())
          .filter(Boolean)
          .map(normalise),
      ),
    ])
    .superRefine((list, ctx) => {
      const bad = list.filter((item) => !pattern.test(item));
      if (bad.length > 0)
        ctx.addIssue({
          code: "custom",
          message: `${bad.length === 1 ? `This is not a ${label}` : `These are not ${label}s`}: ${bad
            .slice(0, 3)
            .map((item) => JSON.stringify(item.slice(0, 60)))
            .join(", ")}${bad.length > 3 ? ", …" : ""}. A ${label} looks like ${example}.`,
        });
      if (list.length > 200) ctx.addIssue({ code: "custom", message: `At most 200 ${label}s.` });
    });
}

const tenantIds = idList("tenant id", guid, "72f988bf-86f1-41af-91ab-2d7cd011db47", (v) => v.toLowerCase());
/** Entra tenant ids, one per line or separated by commas or spaces. */
export const tenantIdList = tenantIds;
const integrationIds = idList("integration id", integrationId, "int_0b5c8b1e-3f6a-4c51-9a1e-5d9a3c2e7f10");

const reach = z.enum(["all-tenants", "tenants", "integrations"], {
  message: "Choose what the key reaches: every tenant, the tenants you list, or the integrations you list.",
});

type Reach =
  | { reach: "all_tenants" }
  | { reach: "tenants"; tenantIds: string[] }
  | { reach: "integrations"; integrationIds: string[] };

/** The form's reach, with the list it needs; a list for the other choice is ignored. */
const withReach = <T extends { reach: z.infer<typeof reach>; tenantIds: string[]; integrationIds: string[] }>(
  value: T,
  ctx: z.RefinementCtx,
): Reach => {
  if (value.reach === "tenants") {
    if (value.tenantIds.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["tenantIds"],
        message: "List at least one tenant id, one per line.",
      });
    return { reach: "tenants", tenantIds: value.tenantIds };
  }
  if (value.reach === "integrations") {
    if (value.integrationIds.length === 0)
      ctx.addIssue({
        code: "custom",
        path: ["integrationIds"],
        message: "List at least one integration id (int_…), one per line.",
      });
    return { reach: "integrations", integrationIds: value.integrationIds };
  }
  return { reach: "all_tenants" };
};

export const createApiKeySchema = z
  .object({ name, scope, reach, tenantIds, integrationIds }, { error: formUnreadable })
  .transform((value, ctx) => ({ name: value.name, scope: value.scope, ...withReach(value, ctx) }));

/** The headless command's flags: --all-tenants, or --tenant (repeatable), or --integration (repeatable). */
export const apiKeyInputSchema = z
  .object({
    name,
    scope,
    reach,
    tenantIds,
    integrationIds,
  })
  .transform((value, ctx) => ({ name: value.name, scope: value.scope, ...withReach(value, ctx) }));

export const revokeApiKeySchema = z.object({ keyId: formId("apiKey") }, { error: formUnreadable });
