/**
 * The remove_unproved_integrations migration (issue 15): an Integration that was never proved (written
 * by step 5 before it had signed in as the app, as older versions did, and left "pending", or "failing"
 * after its first check failed) goes, with its operations, events, their webhook deliveries and mails;
 * a proved one (failing now or not) and a disconnected one stay, and so does the record of API use.
 */
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { applyMigrations, MIGRATIONS_DIR } from "./migrate";
import { openPglite } from "./pglite";

const migration = "20261207021705_remove_unproved_integrations";

/** The migration history as it was just before this migration. */
async function historyBefore(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "mca-migrations-"));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  for (const name of await readdir(dir))
    if (name >= migration && !name.endsWith(".toml")) await rm(path.join(dir, name), { recursive: true });
  return dir;
}

describe("remove_unproved_integrations", () => {
  it("removes integrations never proved and what hangs off them, and keeps every proved one", async () => {
    const dir = await historyBefore();
    const db = await openPglite(null);
    try {
      await applyMigrations(db, { dir });
      await db.exec(`
        INSERT INTO "User" ("id", "entraObjectId", "tenantId", "homeAccountId", "updatedAt")
          VALUES ('u1', 'oid-1', 't1', 'oid-1.t1', now());
        INSERT INTO "Integration" ("id", "ownerId", "tenantId", "clientId", "secretCiphertext",
            "secretEncryptionKeyId", "secretHint", "billingAccountName", "status", "lastVerifiedAt", "updatedAt")
          VALUES
          ('made-up-pending', 'u1', 't1', 'c1', 'x', 'k', 'abc', 'b1', 'pending', NULL, now()),
          ('made-up-failing', 'u1', 't1', 'c2', 'x', 'k', 'abc', 'b1', 'failing', NULL, now()),
          ('worked-then-failed', 'u1', 't1', 'c3', 'x', 'k', 'abc', 'b1', 'failing', now(), now()),
          ('working', 'u1', 't1', 'c4', 'x', 'k', 'abc', 'b1', 'active', now(), now()),
          ('disconnected', 'u1', 't1', 'c5', 'x', 'k', '', 'b1', 'disconnected', NULL, now());
        INSERT INTO "IntegrationEvent" ("id", "tenantId", "integrationId", "type") VALUES
          ('e-made-up', 't1', 'made-up-failing', 'integration.secret_expiring'),
          ('e-working', 't1', 'worked-then-failed', 'integration.verification_failing');
        INSERT INTO "WebhookEndpoint" ("id", "tenantId", "url", "eventTypes", "secretCiphertext",
            "secretEncryptionKeyId")
          VALUES ('w1', 't1', 'https://cost.example.com/hook', '{}', 'x', 'k');
        INSERT INTO "WebhookDelivery" ("id", "eventId", "eventType", "endpointId", "payload", "updatedAt")
          VALUES ('d-made-up', 'e-made-up', 'integration.secret_expiring', 'w1', '{}', now()),
                 ('d-working', 'e-working', 'integration.verification_failing', 'w1', '{}', now());
        INSERT INTO "IntegrationMail" ("id", "eventId", "integrationId", "recipient", "subject", "text")
          VALUES ('m-made-up', 'e-made-up', 'made-up-failing', 'lee@example.com', 's', 't');
        INSERT INTO "IntegrationOperation" ("id", "integrationId", "tenantId", "kind", "phase", "updatedAt")
          VALUES ('o-made-up', 'made-up-pending', 't1', 'disconnect', 'role', now()),
                 ('o-working', 'working', 't1', 'rotate_secret', 'grace', now());
        INSERT INTO "ApiKey" ("id", "tenantId", "name", "scope", "tokenHash", "tokenPrefix")
          VALUES ('key1', 't1', 'k', 'read_secrets', 'hash', 'mcak_');
        INSERT INTO "ApiKeyUse" ("id", "apiKeyId", "action", "integrationId", "status", "secretRead",
            "clientAddress")
          VALUES ('use1', 'key1', 'get-integration', 'made-up-pending', 200, true, '198.51.100.1');
      `);

      await applyMigrations(db);

      const ids = async (table: string) =>
        (await db.query<{ id: string }>(`SELECT "id" FROM "${table}" ORDER BY "id"`)).rows.map((r) => r.id);
      expect(await ids("Integration")).toEqual(["disconnected", "worked-then-failed", "working"]);
      expect(await ids("IntegrationEvent")).toEqual(["e-working"]);
      expect(await ids("WebhookDelivery")).toEqual(["d-working"]);
      expect(await ids("IntegrationMail")).toEqual([]);
      expect(await ids("IntegrationOperation")).toEqual(["o-working"]);
      // Who read the made-up integration's secret, and when, stays on record.
      expect(await ids("ApiKeyUse")).toEqual(["use1"]);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
