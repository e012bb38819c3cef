-- AlterTable
ALTER TABLE "IntegrationOperation" ADD COLUMN     "verification" JSONB;
