-- Clinic GraphQL API (issue 4): a closed appointment's timeline and the clinic's stats read the
-- audit log by appointment (subject = workflow id).

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_subject_idx" ON "AuditEvent"("tenantId", "subject");
