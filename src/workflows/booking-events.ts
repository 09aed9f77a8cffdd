// What the booking system, the provider and the clinic's staff tell a lifecycle: booking changes
// (in the order they happened, not the order they arrived), cancellations, attendance, delivery
// receipts and staff actions.
import { attentionToResolve, describeResolution } from '../domain/attention-reasons';
import { advancesDelivery, isDeliveryFailure } from '../domain/delivery-status';
import {
  ErrorType,
  STAFF_MESSAGE_KIND,
  type AttendanceSignal,
  type BookingCancelledSignal,
  type BookingUpdatedSignal,
  type DeliveryStatusSignal,
  type StaffAction,
} from './contracts';
import type { LifecycleActions } from './lifecycle-actions';

export type StaffEvent = { id: number; by: StaffAction } & (
  | { action: 'confirm' | 'resendReminder' }
  | { action: 'cancel'; reason?: string }
  | { action: 'sendMessage'; body: string }
  | { action: 'markAttendance'; outcome: 'completed' | 'no_show' }
  | { action: 'resolveAttention'; reason?: string; note?: string }
);

/** Why the loop could not do what staff asked (the state changed after the validator let it in): the update fails with it. */
export interface StaffRefusal {
  type: (typeof ErrorType)[keyof typeof ErrorType];
  message: string;
}

/** No staff message reaches a patient who has opted out. */
export const OPTED_OUT: StaffRefusal = { type: ErrorType.PatientOptedOut, message: 'cannot send a message: the patient has opted out of messages' };

/**
 * Whether a booking system's event happened before the last change applied; such an event is
 * recorded and ignored (a late delivery must not move the appointment back).
 */
function isStale(lc: LifecycleActions, kind: string, eventId: string, occurredAt: string | undefined): boolean {
  const last = lc.state.lastBookingChangeAt;
  if (!occurredAt || !last || Date.parse(occurredAt) >= Date.parse(last)) return false;
  lc.note('booking.stale', `${kind} ${eventId} happened at ${occurredAt}, before the change applied at ${last}`);
  lc.audit('booking.stale_ignored', { eventId, kind, occurredAt, lastAppliedAt: last });
  return true;
}

function applied(lc: LifecycleActions, occurredAt: string | undefined): void {
  if (occurredAt) lc.state.lastBookingChangeAt = occurredAt;
}

export async function onBooking(lc: LifecycleActions, e: BookingUpdatedSignal): Promise<void> {
  const { state } = lc;
  if (!state.firstSighting(`booking:${e.eventId}`)) return;
  if (state.isClosedStatus) {
    lc.note('booking.ignored', `event ${e.eventId} arrived after the appointment was ${state.status}`);
    lc.audit('booking.ignored', { eventId: e.eventId, status: state.status });
    return;
  }
  if (isStale(lc, 'update', e.eventId, e.occurredAt)) return;
  applied(lc, e.occurredAt);
  const moved = e.appointment.startsAt !== state.appointment.startsAt;
  state.appointment = { ...e.appointment };
  if (!moved) {
    lc.note('booking.updated', 'details changed');
    return;
  }
  const previous = state.status;
  state.planRevision++;
  state.cancelPending('rescheduled');
  state.status = 'scheduled';
  state.clearAttention('unconfirmed', 'reschedule_requested');
  state.cancelQuestion = undefined;
  lc.note('appointment.rescheduled', `now ${e.appointment.startsAt} (was ${previous})`);
  lc.audit('appointment.rescheduled', { startsAt: e.appointment.startsAt });
  if (state.patientWasMessaged && !state.optedOut) {
    await lc.send(`rescheduled:${state.planRevision}`, 'rescheduled_notice', 'sms', 'transactional');
  }
  await lc.planFromBooking(false);
}

export async function onCancelledByBooking(lc: LifecycleActions, e: BookingCancelledSignal): Promise<void> {
  if (!lc.state.firstSighting(`cancelled:${e.eventId}`) || lc.state.isClosedStatus) return;
  if (isStale(lc, 'cancellation', e.eventId, e.occurredAt)) return;
  applied(lc, e.occurredAt);
  await lc.cancelAppointment('booking system', e.reason, 'cancelled_notice');
}

export async function onAttendance(lc: LifecycleActions, e: AttendanceSignal): Promise<void> {
  const { state } = lc;
  if (!state.firstSighting(`attendance:${e.eventId}`)) return;
  if (attendanceRefusal(lc)) {
    lc.note('attendance.ignored', `${e.outcome} reported after ${state.attendance ?? state.status}`);
    return;
  }
  await recordVisit(lc, e.outcome, { eventId: e.eventId });
}

/** Why attendance can no longer be recorded: a cancelled appointment, or one whose visit is recorded already. */
export function attendanceRefusal(lc: Pick<LifecycleActions, 'state'>): string | undefined {
  const { state } = lc;
  if (state.status === 'cancelled') return 'the appointment is cancelled';
  if (state.attendance) return `attendance is recorded already (${state.attendance})`;
  return undefined;
}

/** The visit happened (or not): the rest of the plan goes, the follow-up is planned; nothing left closes the lifecycle. */
async function recordVisit(lc: LifecycleActions, outcome: 'completed' | 'no_show', detail: Record<string, unknown>, actor?: string): Promise<void> {
  const { state } = lc;
  state.attendance = outcome;
  state.status = outcome;
  state.cancelPending('visit took place');
  state.clearAttention('unconfirmed');
  state.cancelQuestion = undefined;
  lc.note(`appointment.${outcome}`, actor ? `by ${actor}` : undefined);
  lc.audit(`appointment.${outcome}`, detail, actor);
  state.planRevision++;
  if (!(await lc.planFollowUp(outcome))) state.closed = true;
}

export async function onDelivery(lc: LifecycleActions, e: DeliveryStatusSignal): Promise<void> {
  const { state } = lc;
  if (!state.firstSighting(`delivery:${e.providerMessageId}:${e.status}`)) return;
  // Only recent messages are tracked here; an older one's receipt is in the database already.
  const message = state.messages.find((m) => m.providerMessageId === e.providerMessageId);
  // Callbacks overtake each other: a late "sent" never undoes "delivered".
  if (!message || !advancesDelivery(message.status, e.status)) return;
  message.status = e.status;
  if (isDeliveryFailure(e.status)) await lc.deliveryFailed(message, e.status, e.errorCode);
}

export async function onStaff(lc: LifecycleActions, e: StaffEvent): Promise<StaffRefusal | undefined> {
  const { state } = lc;
  const actor = e.by.actor;
  // Re-checked here too: the state may have changed between validation and this turn of the loop.
  if (e.action === 'sendMessage') return sendStaffMessage(lc, actor, e.body);
  if (e.action === 'resolveAttention') return resolveAttention(lc, actor, e.reason, e.note);
  if (e.action === 'markAttendance') {
    const refusal = attendanceRefusal(lc);
    if (refusal) return { type: ErrorType.InvalidTransition, message: `cannot mark attendance: ${refusal}` };
    await recordVisit(lc, e.outcome, { by: actor }, actor);
    return undefined;
  }
  if (state.isClosedStatus) {
    lc.note(`staff.${e.action}.ignored`, `appointment already ${state.status}`);
    return;
  }
  if (e.action === 'confirm') {
    if (state.status !== 'confirmed') {
      state.status = 'confirmed';
      state.clearAttention('unconfirmed', 'reschedule_requested');
      dropMootDeadline(lc);
      lc.note('appointment.confirmed', `by ${actor}`);
      lc.audit('appointment.confirmed', { by: actor }, actor);
    }
  } else if (e.action === 'cancel') {
    await lc.cancelAppointment(actor, e.reason, 'cancelled_notice');
  } else {
    const template = state.touches.find((t) => t.kind === 'reminder' && t.template)?.template ?? 'reminder_confirm';
    lc.note('reminder.resent', `by ${actor}`);
    lc.audit('reminder.resent', { by: actor, template }, actor);
    if ((await lc.send(`resend:${e.id}:${state.nextSeq}`, template, 'sms', 'transactional')).sent && state.status === 'scheduled') {
      state.status = 'awaiting_confirmation';
    }
  }
  return undefined;
}

/**
 * Staff's reply to the patient: through the send skill like every message (so it is in the thread,
 * counted, and its receipts apply), as an answer the patient needs now (transactional: no frequency
 * cap or plan hold; the API refuses it in quiet hours). An opt-out is never overridden.
 */
async function sendStaffMessage(lc: LifecycleActions, actor: string, body: string): Promise<StaffRefusal | undefined> {
  const { state } = lc;
  if (state.optedOut) return OPTED_OUT;
  const step = `staff_message:${state.nextSeq}`;
  lc.note('staff.message', `by ${actor}`);
  lc.audit('staff.message', { by: actor, commandId: `${lc.workflowId}:${step}` }, actor);
  const result = await lc.send(step, STAFF_MESSAGE_KIND, 'sms', 'transactional', { text: body });
  if (result.sent) return undefined;
  // Opted out on another appointment of the same phone: the consent ledger says so, the send skill refused.
  if (result.refused === 'opted_out') return OPTED_OUT;
  return { type: ErrorType.MessageNotSent, message: `the message was not sent: ${result.failure ?? result.refused}` };
}

/** A person has dealt with it: the reasons go (one, every one of a kind, or all), the timeline says who and why. */
function resolveAttention(lc: LifecycleActions, actor: string, reason: string | undefined, note: string | undefined): StaffRefusal | undefined {
  const { state } = lc;
  const resolved = attentionToResolve(state.needsAttention, reason);
  if (typeof resolved === 'string') return { type: ErrorType.InvalidTransition, message: resolved };
  state.clearAttention(...resolved);
  lc.note('attention.resolved', describeResolution(resolved, actor, note));
  lc.audit('attention.resolved', { by: actor, reasons: resolved, ...(note ? { note } : {}) }, actor);
  return undefined;
}

/** A confirmed appointment has no confirmation deadline left to watch: its timer need not fire. */
export function dropMootDeadline(lc: LifecycleActions): void {
  lc.state.cancelPending('confirmed', (t) => t.kind === 'confirmation_deadline');
}
