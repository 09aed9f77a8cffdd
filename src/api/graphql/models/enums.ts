// The clinic API's enums: GraphQL spells them in capitals, the values behind them are the
// contract's own lowercase words, so resolvers pass workflow and database values straight through.
import { registerEnumType } from '@nestjs/graphql';

export enum AppointmentStatusValue {
  SCHEDULED = 'scheduled',
  AWAITING_CONFIRMATION = 'awaiting_confirmation',
  CONFIRMED = 'confirmed',
  RESCHEDULE_REQUESTED = 'reschedule_requested',
  CANCELLED = 'cancelled',
  COMPLETED = 'completed',
  NO_SHOW = 'no_show',
}
registerEnumType(AppointmentStatusValue, { name: 'AppointmentStatus' });

export enum AttendanceOutcomeValue {
  ATTENDED = 'completed',
  NO_SHOW = 'no_show',
}
registerEnumType(AttendanceOutcomeValue, { name: 'AttendanceOutcome', description: 'Whether the patient came to the visit.' });

export enum ChannelValue {
  SMS = 'sms',
  WHATSAPP = 'whatsapp',
}
registerEnumType(ChannelValue, { name: 'Channel' });

export enum MessageDirectionValue {
  OUTBOUND = 'outbound',
  INBOUND = 'inbound',
}
registerEnumType(MessageDirectionValue, { name: 'MessageDirection' });

export enum TouchKindValue {
  BOOKING_CONFIRMATION = 'booking_confirmation',
  REMINDER = 'reminder',
  CONFIRMATION_DEADLINE = 'confirmation_deadline',
  REVIEW_REQUEST = 'review_request',
  REBOOK = 'rebook',
  ATTENDANCE_WINDOW = 'attendance_window',
  DELIVERY_CHECK = 'delivery_check',
}
registerEnumType(TouchKindValue, { name: 'TouchKind' });

export enum CancelKeywordValue {
  OPT_OUT_AND_ASK = 'opt_out_and_ask',
  CANCEL_APPOINTMENT = 'cancel_appointment',
}
registerEnumType(CancelKeywordValue, {
  name: 'CancelKeywordPolicy',
  description: 'What a bare "CANCEL" reply means: an opt-out that asks about the appointment (the default), or cancelling it.',
});

export enum ConsentChangeValue {
  OPT_OUT = 'opt_out',
  OPT_IN = 'opt_in',
}
registerEnumType(ConsentChangeValue, { name: 'ConsentChange' });

export enum AppointmentSourceValue {
  WORKFLOW = 'workflow',
  PROJECTION = 'projection',
}
registerEnumType(AppointmentSourceValue, {
  name: 'AppointmentSource',
  description: "Where a single appointment's state was read: the running workflow (live) or, once it has closed, the database projection.",
});
