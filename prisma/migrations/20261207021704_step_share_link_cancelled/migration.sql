-- AlterEnum
ALTER TYPE "StepStatus" ADD VALUE 'cancelled';

-- AlterTable
ALTER TABLE "OnboardingStep" ADD COLUMN     "shareLinkId" TEXT;

-- AddForeignKey
ALTER TABLE "OnboardingStep" ADD CONSTRAINT "OnboardingStep_shareLinkId_fkey" FOREIGN KEY ("shareLinkId") REFERENCES "ShareLink"("id") ON DELETE SET NULL ON UPDATE CASCADE;
