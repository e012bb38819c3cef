-- AlterTable
ALTER TABLE "Onboarding" ADD COLUMN     "retiringSecretKeyId" TEXT;
