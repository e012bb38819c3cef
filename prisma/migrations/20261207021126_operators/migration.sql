-- CreateEnum
CREATE TYPE "ApiKeyReach" AS ENUM ('all_tenants', 'tenants', 'integrations');

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "integrationIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "reach" "ApiKeyReach" NOT NULL DEFAULT 'tenants',
ADD COLUMN     "revokedReason" TEXT,
ADD COLUMN     "tenantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "tenantId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "allTenants" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "disabledReason" TEXT,
ADD COLUMN     "tenantIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
ALTER COLUMN "tenantId" DROP NOT NULL;

-- A key or endpoint made before reaches were chosen reads (receives) its one tenant, as before. Those made
-- in the portal by someone who is not an operator are revoked (disabled) when the portal starts, with the
-- reason recorded: which people are operators is configuration (OPERATORS), not data.
UPDATE "ApiKey" SET "tenantIds" = ARRAY["tenantId"] WHERE "tenantId" IS NOT NULL;
UPDATE "WebhookEndpoint" SET "tenantIds" = ARRAY["tenantId"] WHERE "tenantId" IS NOT NULL;
