"use server";

import { revalidatePath } from "next/cache";

import { formValues, withActor, type ActionResult } from "@/lib/actions/safe-action";
import { revealClientSecret, RevealError } from "@/lib/data/secret-reveal";
import { revealSecretSchema } from "@/lib/validations/reveal";

/** What the panel gets: the password once (in this POST's answer, never a page or a cached GET). */
export type RevealState = ActionResult<{ password: string }> & { signInAgain?: boolean };

/**
 * "Reveal password" on the copy panel: the owner's alone, shortly after a fresh sign-in; a share link
 * in the form changes nothing. Each reveal is in the audit record; the secret is never logged.
 */
export async function revealSecretAction(
  _prev: RevealState | null,
  formData: FormData,
): Promise<RevealState> {
  let signInAgain = false;
  const result = await withActor(
    revealSecretSchema,
    formValues(formData),
    async (actor, { onboardingId }) => {
      try {
        const password = await revealClientSecret(actor, onboardingId);
        revalidatePath(`/onboardings/${onboardingId}`);
        return { ok: true, data: { password } };
      } catch (error) {
        if (error instanceof RevealError) signInAgain = error.signInAgain;
        throw error;
      }
    },
  );
  return signInAgain ? { ...result, signInAgain } : result;
}
