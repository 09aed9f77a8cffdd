// What the booking system, the provider and the clinic's staff tell a lifecycle: booking changes
// (in the order they happened, not the order they arrived), cancellations, attendance, delivery
// receipts and staff actions.
import { advancesDelivery, isDeliveryFailure } from '../domain/delivery-status';
import type { AttendanceSignal, BookingCancelledSignal, BookingUpdatedSignal, DeliveryStatusSignal, StaffAction } from './contracts';
import type { LifecycleActions } from './lifecycle-actions';

export interface StaffEvent {
  id: number;
  action: 'confirm' | 'cancel' | 'resendReminder';
  by: StaffAction;
  reason?: string;
}

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
  if (state.status === 'cancelled' || state.attendance) {
    lc.note('attendance.ignored', `${e.outcome} reported after ${state.attendance ?? state.status}`);
    return;
  }
  state.attendance = e.outcome;
  state.status = e.outcome;
  state.cancelPending('visit took place');
  state.clearAttention('unconfirmed');
  state.cancelQuestion = undefined;
  lc.note(`appointment.${e.outcome}`);
  lc.audit(`appointment.${e.outcome}`, { eventId: e.eventId });
  state.planRevision++;
  if (!(await lc.planFollowUp(e.outcome))) state.closed = true;
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

export async function onStaff(lc: LifecycleActions, e: StaffEvent): Promise<void> {
  const { state } = lc;
  const actor = e.by.actor;
  // Re-check: the state may have changed between validation and this turn of the loop.
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
}

/** A confirmed appointment has no confirmation deadline left to watch: its timer need not fire. */
export function dropMootDeadline(lc: LifecycleActions): void {
  lc.state.cancelPending('confirmed', (t) => t.kind === 'confirmation_deadline');
}
