-- Tenants at scale (issue 11): where a tenant's skills run — its own task queue (`dedicated`, every
-- tenant before this migration), a shared pool queue (`pooled`), or a pool for new appointments while
-- the appointments booked before the move still run on its own queue (`leaving-dedicated`); and the
-- pace of a pooled tenant's sends, shared by every worker process (its rate limit in a shared queue).

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN "executor" TEXT NOT NULL DEFAULT 'dedicated';

-- CreateTable
CREATE TABLE "TenantSendPace" (
    "tenantId" TEXT NOT NULL,
    "nextAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TenantSendPace_pkey" PRIMARY KEY ("tenantId")
);

-- AddForeignKey
ALTER TABLE "TenantSendPace" ADD CONSTRAINT "TenantSendPace_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
