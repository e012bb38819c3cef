-- CreateEnum
CREATE TYPE "DeliveryDestination" AS ENUM ('vantage', 'api', 'by_hand');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('waiting', 'running', 'delivered', 'needs_attention', 'removed');

-- CreateTable
CREATE TABLE "VantageToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenCiphertext" TEXT NOT NULL,
    "tokenEncryptionKeyId" TEXT NOT NULL,
    "tokenHint" TEXT NOT NULL,
    "workspaces" JSONB NOT NULL DEFAULT '[]',
    "workspaceTokens" TEXT[],
    "scopes" TEXT[],
    "checkedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VantageToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "onboardingId" TEXT NOT NULL,
    "destination" "DeliveryDestination" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'waiting',
    "vantageIntegrationToken" TEXT,
    "vantageStatus" TEXT,
    "vantageMessage" TEXT,
    "vantageSecretTag" TEXT,
    "nextIntegrationToken" TEXT,
    "nextStatus" TEXT,
    "nextSecretTag" TEXT,
    "retiringIntegrationToken" TEXT,
    "knownIntegrationTokens" TEXT[],
    "createStartedAt" TIMESTAMP(3),
    "workspacesSetOn" TEXT,
    "timeline" JSONB NOT NULL DEFAULT '{}',
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "followSince" TIMESTAMP(3),
    "nextAttemptAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "VantageToken_userId_key" ON "VantageToken"("userId");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_onboardingId_destination_key" ON "Delivery"("onboardingId", "destination");

-- AddForeignKey
ALTER TABLE "VantageToken" ADD CONSTRAINT "VantageToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Delivery" ADD CONSTRAINT "Delivery_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "Onboarding"("id") ON DELETE CASCADE ON UPDATE CASCADE;
