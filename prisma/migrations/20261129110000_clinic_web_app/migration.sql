-- The clinic web app (issue 10): the list and the inbox show why an appointment needs attention, and
-- the app hears of a clinic's changes as they are committed.

-- AlterTable
ALTER TABLE "Appointment" ADD COLUMN "attentionReasons" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Clinic activity: every committed change of an appointment's row or of a message of an appointment
-- is announced on the channel `aro_clinic_activity` as {"tenantId", "externalId", "kind", "at"};
-- the API listens and passes each to that clinic's subscribers (src/api/activity/). In triggers, so
-- that no writer (workflow record step, send skill, receipts, replies) can forget it, and sent at
-- commit, so a listener never hears of a change it cannot read yet. Prisma does not model triggers;
-- the schema drift check leaves them out.
CREATE FUNCTION "aro_notify_appointment_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aro_clinic_activity', json_build_object(
    'tenantId', NEW."tenantId", 'externalId', NEW."externalId", 'kind', 'appointment', 'at', now())::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "Appointment_activity" AFTER INSERT OR UPDATE ON "Appointment"
  FOR EACH ROW EXECUTE FUNCTION "aro_notify_appointment_activity"();

-- kind: reply (a patient's message arrived), message (ARO recorded one it sends), delivery_status.
CREATE FUNCTION "aro_notify_message_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prefix TEXT := 'appt:' || NEW."tenantId" || ':';
BEGIN
  IF NEW."appointmentId" IS NULL OR NOT starts_with(NEW."appointmentId", prefix) THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."status" IS NOT DISTINCT FROM NEW."status" THEN
    RETURN NULL;
  END IF;
  PERFORM pg_notify('aro_clinic_activity', json_build_object(
    'tenantId', NEW."tenantId",
    'externalId', substr(NEW."appointmentId", length(prefix) + 1),
    'kind', CASE WHEN TG_OP = 'UPDATE' THEN 'delivery_status' WHEN NEW."direction" = 'inbound' THEN 'reply' ELSE 'message' END,
    'at', now())::text);
  RETURN NULL;
END $$;

CREATE TRIGGER "Message_activity" AFTER INSERT OR UPDATE OF "status" ON "Message"
  FOR EACH ROW EXECUTE FUNCTION "aro_notify_message_activity"();
