"use server";

import { revalidatePath } from "next/cache";

import { formValues, withOperator, type ActionResult } from "@/lib/actions/safe-action";
import { newApiKeyToken } from "@/lib/api/keys";
import { createApiKey, revokeApiKey } from "@/lib/data/api-keys";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/validations/api-keys";

/** Shown once, right after creation: only the key's hash is stored, so it cannot be shown again. */
export type NewApiKey = {
  id: string;
  name: string;
  scope: "read-metadata" | "read-secrets";
  /** What it reaches, in words. */
  reach: string;
  key: string;
};

function reachInWords(key: { reach: string; tenantIds: string[]; integrationIds: string[] }) {
  if (key.reach === "all_tenants") return "every tenant";
  if (key.reach === "tenants")
    return key.tenantIds.length === 1 ? `tenant ${key.tenantIds[0]}` : `${key.tenantIds.length} tenants`;
  return key.integrationIds.length === 1
    ? `integration ${key.integrationIds[0]}`
    : `${key.integrationIds.length} integrations`;
}

/** An operator makes a key for the cost platform, reaching every tenant, chosen tenants or integrations. */
export async function createApiKeyAction(
  _prev: ActionResult<NewApiKey> | null,
  formData: FormData,
): Promise<ActionResult<NewApiKey>> {
  return withOperator(
    "make API keys",
    createApiKeySchema,
    formValues(formData),
    async (actor, input): Promise<ActionResult<NewApiKey>> => {
      const { token, tokenHash, tokenPrefix } = newApiKeyToken();
      const key = await createApiKey(actor, { ...input, tokenHash, tokenPrefix });
      revalidatePath("/settings/api-keys");
      return {
        ok: true,
        data: {
          id: key.id,
          name: key.name,
          scope: key.scope === "read_secrets" ? "read-secrets" : "read-metadata",
          reach: reachInWords(key),
          key: token,
        },
      };
    },
  );
}

export async function revokeApiKeyAction(
  _prev: ActionResult | null,
  formData: FormData,
): Promise<ActionResult> {
  return withOperator(
    "revoke API keys",
    revokeApiKeySchema,
    formValues(formData),
    async (actor, { keyId }) => {
      await revokeApiKey(actor, keyId);
      revalidatePath("/settings/api-keys");
      return { ok: true, data: undefined, message: "Revoked." };
    },
  );
}
