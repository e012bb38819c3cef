// npm run keys:rotate: after setting a new ENCRYPTION_KEY (and the old one in ENCRYPTION_KEYS_OLD),
// re-encrypts every stored secret and token cache under the new key. Then the old key can be removed
// from ENCRYPTION_KEYS_OLD. Safe to run again; safe while the portal runs on PostgreSQL (on PGlite,
// stop the portal first: one process owns the folder).
import { createEncryption } from "@/lib/crypto/cipher";
import { rotateEncryptionKeys } from "@/lib/data/encryption-keys";
import { closeDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

async function main() {
  const env = getEnv();
  const encryption = createEncryption({
    key: env.encryptionKey.toString("base64"),
    oldKeys: env.oldEncryptionKeys.map((key) => key.toString("base64")),
  });
  const report = await rotateEncryptionKeys(encryption);
  const r = report.reencrypted;
  console.log(`Current key: ${report.keyId}`);
  console.log(
    `Re-encrypted: ${r.tokenCaches} token caches, ${r.onboardingSecrets} onboarding secrets, ${r.integrationSecrets} integration secrets, ${r.webhookSecrets} webhook signing secrets, ${r.rotationSecrets} secrets of rotations under way, ${r.vantageTokens} Vantage API tokens; ${report.alreadyCurrent} already current.`,
  );
  if (report.droppedTokenCaches > 0)
    console.log(`Removed ${report.droppedTokenCaches} unreadable token caches (those people sign in again).`);
  if (report.unreadable.length > 0) {
    console.error(
      `Could not read ${report.unreadable.length} secrets, sealed by a key in neither ENCRYPTION_KEY nor ENCRYPTION_KEYS_OLD: ${report.unreadable.join(", ")}. Add that key to ENCRYPTION_KEYS_OLD and run again.`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      "Every secret is now under the current key: the old keys may be removed from ENCRYPTION_KEYS_OLD.",
    );
  }
}

main()
  .catch((error: unknown) => {
    console.error(`keys:rotate failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
