// npm run api-key:create -- --tenant <tenant id> --scope read-secrets|read-metadata --name <name>
// Makes an API key for the cost platform without the portal's pages (headless set-up). Prints the key
// once on stdout; only its hash is stored. On PGlite, stop the portal first: one process owns the folder.
import { parseArgs } from "node:util";

import { newApiKeyToken } from "@/lib/api-keys";
import { createApiKey } from "@/lib/data/api-keys";
import { closeDb } from "@/lib/db";
import { apiKeyInputSchema } from "@/lib/validations/api-keys";

async function main() {
  const { values } = parseArgs({
    options: {
      tenant: { type: "string" },
      scope: { type: "string", default: "read-metadata" },
      name: { type: "string" },
    },
  });
  const parsed = apiKeyInputSchema.safeParse({
    tenantId: values.tenant,
    scope: values.scope,
    name: values.name,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      console.error(`--${issue.path[0] === "tenantId" ? "tenant" : String(issue.path[0])}: ${issue.message}`);
    console.error(
      "Usage: npm run api-key:create -- --tenant <tenant id> --scope read-metadata|read-secrets --name <name>",
    );
    process.exitCode = 2;
    return;
  }
  const { token, tokenHash, tokenPrefix } = newApiKeyToken();
  const key = await createApiKey(null, { ...parsed.data, tokenHash, tokenPrefix });
  console.error(
    `Created API key ${key.id} "${key.name}" (${parsed.data.scope === "read_secrets" ? "read-secrets" : "read-metadata"}) for tenant ${key.tenantId}. It is shown once; store it now:`,
  );
  console.log(token);
}

main()
  .catch((error: unknown) => {
    console.error(`api-key:create failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
