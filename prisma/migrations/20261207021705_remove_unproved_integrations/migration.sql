-- An Integration exists only once step 5 has proved it (signed in as the app, read the billing
-- account and its costs). Rows written before any proof, "pending", or "failing" after their first
-- check failed (a made-up paste left one), never worked: they go, with what hangs off them. Any row
-- that was ever verified has "lastVerifiedAt" set and stays, and so do disconnected ones (they record
-- that Azure objects were removed). "ApiKeyUse" rows stay too: they are the record of who read what.
DELETE FROM "WebhookDelivery" WHERE "eventId" IN (
  SELECT "e"."id" FROM "IntegrationEvent" "e" JOIN "Integration" "i" ON "i"."id" = "e"."integrationId"
  WHERE "i"."lastVerifiedAt" IS NULL AND "i"."status" IN ('pending', 'failing')
);
DELETE FROM "IntegrationMail" WHERE "integrationId" IN (
  SELECT "id" FROM "Integration" WHERE "lastVerifiedAt" IS NULL AND "status" IN ('pending', 'failing')
);
DELETE FROM "IntegrationEvent" WHERE "integrationId" IN (
  SELECT "id" FROM "Integration" WHERE "lastVerifiedAt" IS NULL AND "status" IN ('pending', 'failing')
);
DELETE FROM "IntegrationOperation" WHERE "integrationId" IN (
  SELECT "id" FROM "Integration" WHERE "lastVerifiedAt" IS NULL AND "status" IN ('pending', 'failing')
);
DELETE FROM "Integration" WHERE "lastVerifiedAt" IS NULL AND "status" IN ('pending', 'failing');
