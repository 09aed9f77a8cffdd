-- Clinic activity without NOTIFY (issue 8 before issue 10): the triggers of 20261129110000_clinic_web_app
-- announced each change with pg_notify, and PostgreSQL commits notifying transactions one at a time,
-- which cut concurrent projection writes to a third. Instead each change a clinic's screens show is
-- stamped on its row with the id and time of the transaction that wrote it, and the API polls for the
-- rows its last poll could not see yet (src/api/activity/clinic-activity-feed.ts). Stamped in BEFORE
-- triggers, so that no writer (the record step, the send skill, receipts, replies, staff actions)
-- can forget it; a BEFORE trigger only sets two or three columns of the row being written, it takes
-- no lock and sends nothing. Prisma does not model triggers; the schema drift check leaves them out.

DROP TRIGGER "Appointment_booked" ON "Appointment";
DROP TRIGGER "Appointment_changed" ON "Appointment";
DROP TRIGGER "Message_received" ON "Message";
DROP TRIGGER "Message_status_changed" ON "Message";
DROP FUNCTION "aro_notify_appointment_activity"();
DROP FUNCTION "aro_notify_message_activity"();

-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN "activityXid" BIGINT,
ADD COLUMN "activityAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "activityXid" BIGINT,
ADD COLUMN "activityAt" TIMESTAMP(3),
ADD COLUMN "activityKind" TEXT;

-- CreateIndex
CREATE INDEX "Appointment_activityXid_idx" ON "Appointment"("activityXid");

-- CreateIndex
CREATE INDEX "Message_activityXid_idx" ON "Message"("activityXid");

-- Appointment: booked, or its status, attention, time, next touch or patient's name changed (what the
-- list shows); a write that changes none of these (a new revision, the same state) is not stamped.
CREATE FUNCTION "aro_stamp_appointment_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."activityXid" := pg_current_xact_id()::text::bigint;
  NEW."activityAt" := now() AT TIME ZONE 'UTC';
  RETURN NEW;
END $$;

CREATE TRIGGER "Appointment_booked_stamp" BEFORE INSERT ON "Appointment"
  FOR EACH ROW EXECUTE FUNCTION "aro_stamp_appointment_activity"();

CREATE TRIGGER "Appointment_changed_stamp" BEFORE UPDATE ON "Appointment"
  FOR EACH ROW
  WHEN ((OLD."status", OLD."needsAttention", OLD."attentionReasons", OLD."startsAt", OLD."nextTouchAt", OLD."patientName")
        IS DISTINCT FROM (NEW."status", NEW."needsAttention", NEW."attentionReasons", NEW."startsAt", NEW."nextTouchAt", NEW."patientName"))
  EXECUTE FUNCTION "aro_stamp_appointment_activity"();

-- Message: reply (a patient's message arrived), message (one to the patient left ARO: its first status
-- after pending), delivery_status (a later status: delivered, failed...). An outbound message is
-- stamped only once it leaves.
CREATE FUNCTION "aro_stamp_message_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."activityXid" := pg_current_xact_id()::text::bigint;
  NEW."activityAt" := now() AT TIME ZONE 'UTC';
  NEW."activityKind" := CASE WHEN TG_OP = 'INSERT' THEN 'reply' WHEN OLD."status" = 'pending' THEN 'message' ELSE 'delivery_status' END;
  RETURN NEW;
END $$;

CREATE TRIGGER "Message_received_stamp" BEFORE INSERT ON "Message"
  FOR EACH ROW WHEN (NEW."direction" = 'inbound')
  EXECUTE FUNCTION "aro_stamp_message_activity"();

CREATE TRIGGER "Message_status_changed_stamp" BEFORE UPDATE OF "status" ON "Message"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "aro_stamp_message_activity"();
