-- Bounded workflow state (issue 12): an appointment's whole timeline lives here, written by the
-- workflow's recordAppointment step; the workflow itself keeps only the recent part.

-- CreateTable
CREATE TABLE "TimelineEntry" (
    "tenantId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "lifecycleId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT,

    CONSTRAINT "TimelineEntry_pkey" PRIMARY KEY ("lifecycleId","seq")
);

-- CreateIndex
CREATE INDEX "TimelineEntry_tenantId_workflowId_idx" ON "TimelineEntry"("tenantId", "workflowId");

-- AddForeignKey
ALTER TABLE "TimelineEntry" ADD CONSTRAINT "TimelineEntry_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
