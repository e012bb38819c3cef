-- AlterTable
ALTER TABLE "OnboardingStep" ADD COLUMN     "actorId" TEXT;

-- AlterTable
ALTER TABLE "ShareLink" ADD COLUMN     "purpose" TEXT;

-- CreateTable
CREATE TABLE "ShareLinkVisit" (
    "id" TEXT NOT NULL,
    "shareLinkId" TEXT NOT NULL,
    "userId" TEXT,
    "visitorName" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShareLinkVisit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShareLinkVisit_shareLinkId_at_idx" ON "ShareLinkVisit"("shareLinkId", "at");

-- AddForeignKey
ALTER TABLE "OnboardingStep" ADD CONSTRAINT "OnboardingStep_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLinkVisit" ADD CONSTRAINT "ShareLinkVisit_shareLinkId_fkey" FOREIGN KEY ("shareLinkId") REFERENCES "ShareLink"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareLinkVisit" ADD CONSTRAINT "ShareLinkVisit_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
