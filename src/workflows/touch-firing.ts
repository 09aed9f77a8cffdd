// A planned touch falling due: a message to send (unless the appointment's state or the patient's
// consent says otherwise, or the frequency cap pushes it back), or a check (confirmation deadline,
// delivery, attendance window).
import { isDeliverySettled } from '../domain/delivery-status';
import type { MessageUrgency, Touch } from './contracts';
import type { LifecycleActions } from './lifecycle-actions';

const MESSAGE_STATUSES = ['scheduled', 'awaiting_confirmation', 'confirmed', 'reschedule_requested', 'completed', 'no_show'] as const;

export async function fire(lc: LifecycleActions, touch: Touch): Promise<void> {
  const { state } = lc;
  if (touch.kind === 'confirmation_deadline') {
    touch.state = 'sent';
    if (state.status !== 'confirmed' && !state.isClosedStatus) {
      state.raiseAttention('unconfirmed');
      lc.note('appointment.unconfirmed', 'not confirmed by the deadline');
      lc.audit('appointment.unconfirmed');
    }
    return;
  }
  if (touch.kind === 'delivery_check') {
    touch.state = 'sent';
    // Delivered, or failed and already handled by onDelivery: nothing to do.
    const message = state.messages.find((m) => m.commandId === touch.commandId);
    if (!message || isDeliverySettled(message.status) || state.optedOut) return;
    if (!(await lc.fallBackToSms(message, `not delivered (${message.status}) in time`))) {
      state.raiseAttention(`delivery_failed:${message.kind}`);
    }
    return;
  }
  if (touch.kind === 'attendance_window') {
    touch.state = 'sent';
    if (!state.attendance && !state.isClosedStatus) {
      lc.note('appointment.closed', 'no attendance reported');
      state.cancelPending('lifecycle closed');
      state.closed = true;
    }
    return;
  }
  const allowed: readonly string[] = touch.onlyIf ?? MESSAGE_STATUSES;
  if (!allowed.includes(state.status) || state.optedOut) {
    touch.state = 'skipped';
    touch.outcome = state.optedOut ? 'patient opted out' : `status ${state.status}`;
    lc.note('touch.skipped', `${touch.template}: ${touch.outcome}`);
  } else {
    const urgency: MessageUrgency = touch.kind === 'booking_confirmation' ? 'transactional' : 'routine';
    // A deferred touch sends under a new command id: the first one's refusal is recorded for good.
    const step = touch.deferrals ? `${touch.id}:deferred-${touch.deferrals}` : touch.id;
    const result = await lc.send(step, touch.template!, touch.channel ?? 'sms', urgency);
    const stillUseful = touch.kind !== 'reminder' || (result.retryAt !== undefined && Date.parse(result.retryAt) < Date.parse(state.appointment.startsAt));
    if (!result.sent && result.retryAt && stillUseful) {
      touch.at = result.retryAt;
      touch.deferrals = (touch.deferrals ?? 0) + 1;
      state.tidyTouches();
      lc.note('touch.deferred', `${touch.template} to ${result.retryAt} (frequency cap)`);
      return;
    }
    touch.state = result.sent ? 'sent' : 'skipped';
    if (result.sent && touch.asksConfirmation && state.status === 'scheduled') state.status = 'awaiting_confirmation';
  }
  if (touch.kind === 'review_request' || touch.kind === 'rebook') state.closed = true;
}
