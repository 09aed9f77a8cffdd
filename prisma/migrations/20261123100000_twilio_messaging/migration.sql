-- Real messaging (issue 3): sealed provider credentials, monthly usage against the tenant's plan,
-- WhatsApp Content templates and billable segments per message.

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN "plan" TEXT NOT NULL DEFAULT 'individual';

-- AlterTable
ALTER TABLE "Template" ADD COLUMN "contentSid" TEXT,
ADD COLUMN "contentVariables" JSONB;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "segments" INTEGER;

-- CreateTable
CREATE TABLE "ProviderCredential" (
    "tenantId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProviderCredential_pkey" PRIMARY KEY ("tenantId","provider")
);

-- CreateTable
CREATE TABLE "MessageUsage" (
    "tenantId" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "segments" INTEGER NOT NULL DEFAULT 0,
    "softLimitWarnedAt" TIMESTAMP(3),
    "hardLimitReachedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MessageUsage_pkey" PRIMARY KEY ("tenantId","month")
);

-- CreateIndex
CREATE INDEX "ProviderCredential_keyId_idx" ON "ProviderCredential"("keyId");

-- AddForeignKey
ALTER TABLE "ProviderCredential" ADD CONSTRAINT "ProviderCredential_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MessageUsage" ADD CONSTRAINT "MessageUsage_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
