-- CreateEnum
CREATE TYPE "OnboardingMode" AS ENUM ('automated', 'manual');

-- CreateEnum
CREATE TYPE "OnboardingStatus" AS ENUM ('in_progress', 'needs_attention', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('not_started', 'running', 'waiting', 'done', 'needs_attention');

-- CreateEnum
CREATE TYPE "ShareScope" AS ENUM ('view', 'act');

-- CreateEnum
CREATE TYPE "AuditOutcome" AS ENUM ('success', 'failure');

-- CreateEnum
CREATE TYPE "IntegrationStatus" AS ENUM ('pending', 'active', 'failing', 'disabled');

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "entraObjectId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "homeAccountId" TEXT NOT NULL,
    "name" TEXT,
    "email" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MsalTokenCache" (
    "homeAccountId" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MsalTokenCache_pkey" PRIMARY KEY ("homeAccountId")
);

-- CreateTable
CREATE TABLE "Onboarding" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "mode" "OnboardingMode" NOT NULL DEFAULT 'automated',
    "status" "OnboardingStatus" NOT NULL DEFAULT 'in_progress',
    "appDisplayName" TEXT NOT NULL DEFAULT 'vantage',
    "secretExpiryMonths" INTEGER NOT NULL DEFAULT 12,
    "billingAccountName" TEXT,
    "billingAccountDisplayName" TEXT,
    "applicationObjectId" TEXT,
    "clientId" TEXT,
    "servicePrincipalId" TEXT,
    "secretKeyId" TEXT,
    "secretCiphertext" TEXT,
    "secretEncryptionKeyId" TEXT,
    "secretHint" TEXT,
    "secretExpiresAt" TIMESTAMP(3),
    "roleAssignmentId" TEXT,
    "roleAssignmentName" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Onboarding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OnboardingStep" (
    "onboardingId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "status" "StepStatus" NOT NULL DEFAULT 'not_started',
    "outputs" JSONB NOT NULL DEFAULT '{}',
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OnboardingStep_pkey" PRIMARY KEY ("onboardingId","stepId")
);

-- CreateTable
CREATE TABLE "ShareLink" (
    "id" TEXT NOT NULL,
    "onboardingId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "scope" "ShareScope" NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShareLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "onboardingId" TEXT,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT,
    "azureRequestId" TEXT,
    "outcome" "AuditOutcome" NOT NULL,
    "detail" JSONB,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Integration" (
    "id" TEXT NOT NULL,
    "onboardingId" TEXT,
    "ownerId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "secretEncryptionKeyId" TEXT NOT NULL,
    "secretKeyId" TEXT,
    "secretHint" TEXT NOT NULL,
    "secretExpiresAt" TIMESTAMP(3),
    "billingAccountName" TEXT NOT NULL,
    "billingAccountDisplayName" TEXT,
    "status" "IntegrationStatus" NOT NULL DEFAULT 'pending',
    "lastVerifiedAt" TIMESTAMP(3),
    "lastVerification" JSONB,
    "version" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Integration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_homeAccountId_key" ON "User"("homeAccountId");

-- CreateIndex
CREATE UNIQUE INDEX "User_tenantId_entraObjectId_key" ON "User"("tenantId", "entraObjectId");

-- CreateIndex
CREATE INDEX "Onboarding_ownerId_createdAt_idx" ON "Onboarding"("ownerId", "createdAt");

-- CreateIndex
CREATE INDEX "Onboarding_tenantId_billingAccountName_idx" ON "Onboarding"("tenantId", "billingAccountName");

-- CreateIndex
CREATE INDEX "OnboardingStep_status_nextAttemptAt_idx" ON "OnboardingStep"("status", "nextAttemptAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShareLink_tokenHash_key" ON "ShareLink"("tokenHash");

-- CreateIndex
CREATE INDEX "ShareLink_onboardingId_idx" ON "ShareLink"("onboardingId");

-- CreateIndex
CREATE INDEX "AuditEvent_onboardingId_at_idx" ON "AuditEvent"("onboardingId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "Integration_onboardingId_key" ON "Integration"("onboardingId");

-- CreateIndex
CREATE INDEX "Integration_ownerId_idx" ON "Integration"("ownerId");

-- CreateIndex
CREATE UNIQUE INDEX "Integration_tenantId_billingAccountName_clientId_key" ON "Integration"("tenantId", "billingAccountName", "clientId");

-- AddForeignKey
ALTER TABLE "Onboarding" ADD CONSTRAINT "Onboarding_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OnboardingStep" ADD CONSTRAINT "OnboardingStep_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "Onboarding"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "Onboarding"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLink" ADD CONSTRAINT "ShareLink_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "Onboarding"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Integration" ADD CONSTRAINT "Integration_onboardingId_fkey" FOREIGN KEY ("onboardingId") REFERENCES "Onboarding"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Integration" ADD CONSTRAINT "Integration_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
