/**
 * Encryption of secrets at rest with the configured keys (ENCRYPTION_KEY, ENCRYPTION_KEYS_OLD).
 * Callers pass a context naming the row the value belongs to, so a ciphertext copied elsewhere fails.
 */
import "server-only";

import { createEncryption, type Encryption, type Sealed } from "@/lib/crypto/cipher";
import { getEnv } from "@/lib/env";

let encryption: Encryption | undefined;

function current(): Encryption {
  if (!encryption) {
    const env = getEnv();
    encryption = createEncryption({
      key: env.encryptionKey.toString("base64"),
      oldKeys: env.oldEncryptionKeys.map((key) => key.toString("base64")),
    });
  }
  return encryption;
}

export function encryptSecret(plaintext: string, context = ""): Sealed {
  return current().encrypt(plaintext, context);
}

export function decryptSecret(sealed: Sealed, context = ""): string {
  return current().decrypt(sealed, context);
}
