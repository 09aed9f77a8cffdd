// The front desk's words for the lifecycle's timeline entries and message kinds.

const TIMELINE_WORDS: Record<string, string> = {
  'appointment.booked': 'Booked',
  'appointment.confirmed': 'Confirmed',
  'appointment.cancelled': 'Cancelled',
  'appointment.cancel_asked': 'Patient asked to cancel: ARO asked them to confirm',
  'appointment.rescheduled': 'Moved to a new time',
  'appointment.reschedule_requested': 'Patient asked for another time',
  'appointment.unconfirmed': 'Not confirmed by the deadline',
  'appointment.closed': 'Closed',
  'appointment.attended': 'Attended',
  'appointment.no_show': 'Did not come',
  'attendance.ignored': 'Attendance report ignored',
  'attention.resolved': 'Dealt with',
  'booking.ignored': 'Booking system change ignored',
  'booking.stale': 'Out-of-date booking change ignored',
  'booking.updated': 'Details changed by the booking system',
  'clinic.notified': 'Clinic notified',
  'consent.opt_out': 'Opted out of messages',
  'consent.opt_in': 'Opted back in to messages',
  'message.sent': 'Message sent',
  'message.failed': 'Message not delivered',
  'message.fallback': 'Sent again by SMS',
  'message.held': 'Message held back',
  'planning.failed': 'Reminders could not be planned',
  'reminder.resent': 'Reminder sent again',
  'reply.classified': 'Reply understood',
  'reply.needs_attention': 'Reply for a person',
  'reply.not_answered': 'Reply left for staff to answer',
  'reply.unread': 'Reply could not be read',
  'staff.message': 'Staff wrote to the patient',
  'touch.deferred': 'Message postponed',
  'touch.skipped': 'Message skipped',
};

/** "Reminder sent again", or the code itself for an entry this app has no words for yet. */
export function timelineWords(kind: string): string {
  return TIMELINE_WORDS[kind] ?? kind;
}

/** The default templates' kinds (src/domain/default-templates.ts); a clinic's own kinds show as written. */
const MESSAGE_KINDS: Record<string, string> = {
  booking_confirmation: 'Booking confirmation',
  reminder_confirm: 'Reminder asking to confirm',
  reminder_final: 'Final reminder',
  confirm_ack: 'Confirmation thanks',
  cancel_ack: 'Cancellation done',
  cancel_question: 'Cancel question',
  cancelled_notice: 'Cancellation notice',
  rescheduled_notice: 'New time notice',
  reschedule_link: 'Reschedule link',
  reschedule_request_ack: 'Reschedule request answer',
  opt_out_ack: 'Opt-out answer',
  opt_out_cancel_ask: 'Opt-out answer',
  opt_out_cancelled: 'Opt-out and cancellation answer',
  opt_in_ack: 'Opt-in answer',
  help: 'Help answer',
  holding: 'Holding answer',
  review_request: 'Review request',
  rebook: 'Rebooking message',
  staff_message: 'From the front desk',
};

/** Which template an outbound message came from, in words ("Final reminder"). */
export function messageKindWords(kind: string | null | undefined): string {
  if (!kind) return 'Message';
  return MESSAGE_KINDS[kind] ?? kind.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

const DELIVERY_WORDS: Record<string, { label: string; color: string }> = {
  pending: { label: 'Sending', color: 'gray' },
  queued: { label: 'Queued', color: 'gray' },
  sent: { label: 'Sent', color: 'blue' },
  delivered: { label: 'Delivered', color: 'teal' },
  read: { label: 'Read', color: 'teal' },
  failed: { label: 'Failed', color: 'red' },
  undelivered: { label: 'Not delivered', color: 'red' },
  received: { label: 'Received', color: 'gray' },
};

export function deliveryWords(status: string): { label: string; color: string } {
  return DELIVERY_WORDS[status] ?? { label: status, color: 'gray' };
}

const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})\b/g;
/** Entries whose detail starts with the template kind of the message they are about. */
const ABOUT_A_MESSAGE = new Set(['message.sent', 'message.failed', 'message.fallback', 'message.held', 'touch.skipped', 'touch.deferred']);

/** Attention reason codes as a resolution names them ("reply:<id>, unconfirmed by front desk: …"). */
const REASON_CODE = /\b(reply:[\w-]+|reschedule_requested|unconfirmed|delivery_failed:\w+|plan_limit:\w+|planning_failed|cancel_keyword)\b/g;
const REASON_WORDS: Record<string, string> = {
  reply: 'reply',
  reschedule_requested: 'request to move',
  unconfirmed: 'not confirmed',
  delivery_failed: 'failed delivery',
  plan_limit: 'message allowance',
  planning_failed: 'planning failure',
  cancel_keyword: 'CANCEL reply',
};

/** A timeline entry's detail for people: instants in the clinic's time, template kinds and reasons in words. */
export function timelineDetail(kind: string, detail: string, formatInstant: (iso: string) => string): string {
  let text = detail.replace(ISO_INSTANT, (iso) => formatInstant(iso));
  if (kind === 'attention.resolved') text = text.replace(REASON_CODE, (code) => REASON_WORDS[code.split(':')[0]] ?? code);
  if (ABOUT_A_MESSAGE.has(kind)) {
    const [template, ...rest] = text.split(':');
    if (/^[a-z_]+$/.test(template)) text = [messageKindWords(template), ...rest].join(':');
  }
  return text;
}
