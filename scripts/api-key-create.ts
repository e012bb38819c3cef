// npm run api-key:create -- --name <name> --scope read-secrets|read-metadata
//                           (--all-tenants | --tenant <tenant id> ... | --integration <int_…> ...)
// Makes an API key for the cost platform without the portal's pages (headless set-up, by whoever runs the
// deployment). Prints the key once on stdout; only its hash is stored. On PGlite, stop the portal first:
// one process owns the folder.
import { parseArgs } from "node:util";

import { newApiKeyToken } from "@/lib/api/keys";
import { ApiKeyIntegrationsUnknownError, createApiKey } from "@/lib/data/api-keys";
import { closeDb } from "@/lib/db";
import { apiKeyInputSchema } from "@/lib/validations/api-keys";

const usage =
  "Usage: npm run api-key:create -- --name <name> --scope read-metadata|read-secrets " +
  "(--all-tenants | --tenant <tenant id> [--tenant …] | --integration <integration id> [--integration …])";

const flagOf: Record<string, string> = { tenantIds: "tenant", integrationIds: "integration" };

async function main() {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string", multiple: true },
      integration: { type: "string", multiple: true },
      "all-tenants": { type: "boolean", default: false },
      scope: { type: "string", default: "read-metadata" },
      name: { type: "string" },
    },
  });
  const chosen = [values["all-tenants"], values.tenant?.length, values.integration?.length].filter(Boolean);
  if (chosen.length !== 1) {
    console.error(
      "Say what the key reaches: --all-tenants, or --tenant (repeatable), or --integration (repeatable).",
    );
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const parsed = apiKeyInputSchema.safeParse({
    name: values.name,
    scope: values.scope,
    reach: values["all-tenants"] ? "all-tenants" : values.tenant?.length ? "tenants" : "integrations",
    tenantIds: (values.tenant ?? []).join(","),
    integrationIds: (values.integration ?? []).join(","),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "");
      console.error(`--${flagOf[field] ?? field}: ${issue.message}`);
    }
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const { token, tokenHash, tokenPrefix } = newApiKeyToken();
  let key;
  try {
    key = await createApiKey(null, { ...parsed.data, tokenHash, tokenPrefix });
  } catch (error) {
    if (!(error instanceof ApiKeyIntegrationsUnknownError)) throw error;
    console.error(`--integration: ${error.message}`);
    process.exitCode = 2;
    return;
  }
  const reach =
    key.reach === "all_tenants"
      ? "every tenant"
      : key.reach === "tenants"
        ? `tenant${key.tenantIds.length === 1 ? "" : "s"} ${key.tenantIds.join(", ")}`
        : `integration${key.integrationIds.length === 1 ? "" : "s"} ${key.integrationIds.join(", ")}`;
  console.error(
    `Created API key ${key.id} "${key.name}" (${key.scope === "read_secrets" ? "read-secrets" : "read-metadata"}) for ${reach}. It is shown once; store it now:`,
  );
  console.log(token);
}

main()
  .catch((error: unknown) => {
    console.error(`api-key:create failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
