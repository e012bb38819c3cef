"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { newApiKeyToken } from "@/lib/api-keys";
import { ApiKeyNotAllowedError, ApiKeyNotFoundError, createApiKey, revokeApiKey } from "@/lib/data/api-keys";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/validations/api-keys";

/** Shown once, right after creation: only the key's hash is stored, so it cannot be shown again. */
export type NewApiKey = { id: string; name: string; scope: "read-metadata" | "read-secrets"; key: string };

/** An operator makes a key for the cost platform; it reads the operator's tenant's integrations. */
export async function createApiKeyAction(
  _prev: ActionResult<NewApiKey> | null,
  formData: FormData,
): Promise<ActionResult<NewApiKey>> {
  return withActor(
    createApiKeySchema,
    formValues(formData),
    async (actor, { name, scope }): Promise<ActionResult<NewApiKey>> => {
      const { token, tokenHash, tokenPrefix } = newApiKeyToken();
      let key;
      try {
        key = await createApiKey(actor, { tenantId: actor.tenantId, name, scope, tokenHash, tokenPrefix });
      } catch (error) {
        if (error instanceof ApiKeyNotAllowedError) return { ok: false, message: error.message };
        throw error;
      }
      revalidatePath("/settings/api-keys");
      return {
        ok: true,
        data: {
          id: key.id,
          name: key.name,
          scope: key.scope === "read_secrets" ? "read-secrets" : "read-metadata",
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
  return withActor(revokeApiKeySchema, formValues(formData), async (actor, { keyId }) => {
    try {
      await revokeApiKey(actor, keyId);
    } catch (error) {
      if (error instanceof ApiKeyNotFoundError || error instanceof ApiKeyNotAllowedError)
        return { ok: false, message: error.message };
      throw error;
    }
    revalidatePath("/settings/api-keys");
    return { ok: true, data: undefined, message: "Revoked." };
  });
}
