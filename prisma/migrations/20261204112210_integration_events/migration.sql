-- AlterEnum
ALTER TYPE "IntegrationStatus" ADD VALUE 'disconnected';

-- CreateTable
CREATE TABLE "IntegrationEvent" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "dedupeKey" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntegrationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationEvent_dedupeKey_key" ON "IntegrationEvent"("dedupeKey");

-- CreateIndex
CREATE INDEX "IntegrationEvent_tenantId_at_idx" ON "IntegrationEvent"("tenantId", "at");

-- CreateIndex
CREATE INDEX "IntegrationEvent_integrationId_at_idx" ON "IntegrationEvent"("integrationId", "at");
