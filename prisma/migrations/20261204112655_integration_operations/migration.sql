-- CreateEnum
CREATE TYPE "IntegrationOperationKind" AS ENUM ('rotate_secret', 'disconnect');

-- CreateEnum
CREATE TYPE "IntegrationOperationStatus" AS ENUM ('running', 'awaiting_sign_in', 'needs_attention', 'done');

-- CreateTable
CREATE TABLE "IntegrationOperation" (
    "id" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "onboardingId" TEXT,
    "tenantId" TEXT NOT NULL,
    "kind" "IntegrationOperationKind" NOT NULL,
    "phase" TEXT NOT NULL,
    "status" "IntegrationOperationStatus" NOT NULL DEFAULT 'running',
    "openKey" TEXT,
    "actorId" TEXT,
    "newKeyId" TEXT,
    "newSecretCiphertext" TEXT,
    "newSecretEncryptionKeyId" TEXT,
    "newSecretHint" TEXT,
    "newSecretExpiresAt" TIMESTAMP(3),
    "retiringKeyId" TEXT,
    "graceMs" INTEGER,
    "removeAfter" TIMESTAMP(3),
    "timeline" JSONB NOT NULL DEFAULT '{}',
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "IntegrationOperation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationOperation_openKey_key" ON "IntegrationOperation"("openKey");

-- CreateIndex
CREATE INDEX "IntegrationOperation_status_nextAttemptAt_idx" ON "IntegrationOperation"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "IntegrationOperation_integrationId_createdAt_idx" ON "IntegrationOperation"("integrationId", "createdAt");

-- AddForeignKey
ALTER TABLE "IntegrationOperation" ADD CONSTRAINT "IntegrationOperation_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
