-- CreateEnum
CREATE TYPE "MailStatus" AS ENUM ('pending', 'sent', 'failed');

-- AlterTable
ALTER TABLE "Integration" ADD COLUMN     "checkLeaseOwner" TEXT,
ADD COLUMN     "checkLeaseUntil" TIMESTAMP(3),
ADD COLUMN     "monthCostAmount" DOUBLE PRECISION,
ADD COLUMN     "monthCostAt" TIMESTAMP(3),
ADD COLUMN     "monthCostCurrency" TEXT,
ADD COLUMN     "nextCheckAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "IntegrationMail" (
    "id" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "integrationId" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" "MailStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntegrationMail_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IntegrationMail_status_nextAttemptAt_idx" ON "IntegrationMail"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "IntegrationMail_integrationId_createdAt_idx" ON "IntegrationMail"("integrationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "IntegrationMail_eventId_recipient_key" ON "IntegrationMail"("eventId", "recipient");

-- CreateIndex
CREATE INDEX "Integration_status_nextCheckAt_idx" ON "Integration"("status", "nextCheckAt");
