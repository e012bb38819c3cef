-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "enabledAt" TIMESTAMP(3);
