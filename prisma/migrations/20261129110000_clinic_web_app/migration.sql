-- The clinic web app (issue 10): the list and the inbox show why an appointment needs attention, and
-- the app hears of a clinic's changes as they are committed.

-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN "attentionReasons" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Clinic activity: every committed change a clinic's screens show is announced on the channel
-- `aro_clinic_activity` as {"tenantId", "externalId", "kind", "at"}; the API listens and passes each
-- to that clinic's subscribers (src/api/activity/). In triggers, so that no writer (the workflow's
-- record step, the send skill, receipts, replies) can forget it, and sent at commit, so a listener
-- never hears of a change it cannot read yet. Only what a screen shows is announced: NOTIFY
-- serialises the commits of announcing transactions (see README "Live"). Prisma does not model
-- triggers; the schema drift check leaves them out.

-- kind appointment: booked, or its status, attention, time or next touch changed.
CREATE FUNCTION "aro_notify_appointment_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aro_clinic_activity', json_build_object(
    'tenantId', NEW."tenantId", 'externalId', NEW."externalId", 'kind', 'appointment', 'at', now())::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "Appointment_booked" AFTER INSERT ON "Appointment"
  FOR EACH ROW EXECUTE FUNCTION "aro_notify_appointment_activity"();

CREATE TRIGGER "Appointment_changed" AFTER UPDATE ON "Appointment"
  FOR EACH ROW
  WHEN ((OLD."status", OLD."needsAttention", OLD."attentionReasons", OLD."startsAt", OLD."nextTouchAt", OLD."patientName")
        IS DISTINCT FROM (NEW."status", NEW."needsAttention", NEW."attentionReasons", NEW."startsAt", NEW."nextTouchAt", NEW."patientName"))
  EXECUTE FUNCTION "aro_notify_appointment_activity"();

-- kind reply: a patient's message arrived; message: one to the patient left ARO (its first status
-- after pending); delivery_status: a later status (delivered, failed...).
CREATE FUNCTION "aro_notify_message_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prefix TEXT := 'appt:' || NEW."tenantId" || ':';
BEGIN
  IF NEW."appointmentId" IS NULL OR NOT starts_with(NEW."appointmentId", prefix) THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('aro_clinic_activity', json_build_object(
    'tenantId', NEW."tenantId",
    'externalId', substr(NEW."appointmentId", length(prefix) + 1),
    'kind', CASE WHEN TG_OP = 'INSERT' THEN 'reply' WHEN OLD."status" = 'pending' THEN 'message' ELSE 'delivery_status' END,
    'at', now())::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "Message_received" AFTER INSERT ON "Message"
  FOR EACH ROW WHEN (NEW."direction" = 'inbound')
  EXECUTE FUNCTION "aro_notify_message_activity"();

CREATE TRIGGER "Message_status_changed" AFTER UPDATE OF "status" ON "Message"
  FOR EACH ROW WHEN (OLD."status" IS DISTINCT FROM NEW."status")
  EXECUTE FUNCTION "aro_notify_message_activity"();
