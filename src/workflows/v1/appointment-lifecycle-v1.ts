// Version 1 of appointmentLifecycle, frozen: it replays and finishes the lifecycles started before
// version 2 (inputs without `version`). Never edit it: a change here breaks those histories
// (test/histories/v1-*.binpb). Delete it, and its activities, once no version-1 run is open.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { BookkeepingActivities, SkillActivities } from '../../activities';
import { advancesDelivery, isDeliveryFailure, isDeliverySettled } from '../../domain/delivery-status';
import { tenantTaskQueue } from '../../routing/tenant-task-queue';
import {
  DEFAULT_REPLY_CONFIDENCE_THRESHOLD,
  ErrorType,
  attendanceSignal,
  bookingCancelledSignal,
  bookingUpdatedSignal,
  cancelUpdate,
  confirmUpdate,
  deliveryStatusSignal,
  inboundMessageSignal,
  replyConsentKey,
  resendReminderUpdate,
  searchAttributes,
  snapshotQuery,
  type AppointmentSnapshot,
  type AttendanceSignal,
  type BookingCancelledSignal,
  type BookingUpdatedSignal,
  type Channel,
  type Classification,
  type DeliveryStatusSignal,
  type InboundMessageSignal,
  type MessageEntry,
  type MessageUrgency,
  type ProposedTime,
  type SendMessageCommand,
  type StaffAction,
  type Touch,
  type TouchPlanResult,
} from '../contracts';
import { LifecycleStateV1 as LifecycleState, type LifecycleInputV1 } from './lifecycle-state-v1';

const DEFAULT_HISTORY_LIMIT = 10_000;

interface SendResult {
  sent: boolean;
  retryAt?: string;
}

type LifecycleEvent =
  | { type: 'booking'; payload: BookingUpdatedSignal }
  | { type: 'cancelled'; payload: BookingCancelledSignal }
  | { type: 'inbound'; payload: InboundMessageSignal }
  | { type: 'delivery'; payload: DeliveryStatusSignal }
  | { type: 'attendance'; payload: AttendanceSignal }
  | { type: 'staff'; id: number; action: 'confirm' | 'cancel' | 'resendReminder'; by: StaffAction; reason?: string };

const bookkeeping = proxyActivities<BookkeepingActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/** The timeline's line for a classified reply: intent, confidence, and who decided. */
function describeClassification(c: Classification): string {
  const parts = [`${c.intent} (${c.confidence.toFixed(2)})`];
  if (c.carrierKeyword) parts.push(`keyword ${c.carrierKeyword}`);
  if (c.decidedBy === 'llm') parts.push('by llm');
  if (c.llmFailure) parts.push(`llm ${c.llmFailure}`);
  return parts.join(' ');
}

function describeProposal(p: ProposedTime): string {
  return [p.date, p.time].filter(Boolean).join(' ') || p.text;
}

export async function appointmentLifecycleV1(input: LifecycleInputV1): Promise<AppointmentSnapshot> {
  const { workflowId } = workflowInfo();
  const { tenantId, policy, timeZone } = input;
  const skills = proxyActivities<SkillActivities>({
    taskQueue: tenantTaskQueue(tenantId),
    startToCloseTimeout: '1m',
    // A reminder that cannot go out within the hour is stale: give up and tell the clinic.
    scheduleToCloseTimeout: '1h',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '5m',
      nonRetryableErrorTypes: [ErrorType.ProviderPermanent, ErrorType.InvalidCommand],
    },
  });

  const state = input.carried ? new LifecycleState(input.carried) : LifecycleState.fresh(input.appointment);
  const events: LifecycleEvent[] = [];
  const finishedStaffActions = new Set<number>();
  let staffActionCount = 0;

  const now = () => new Date().toISOString();
  const snapshot = () => state.snapshot(workflowId, tenantId, policy.version);

  // ---------------------------------------------------------------------------------------------
  // Handlers: validate, queue, and (for updates) wait until the main loop has acted.

  setHandler(bookingUpdatedSignal, (payload) => void events.push({ type: 'booking', payload }));
  setHandler(bookingCancelledSignal, (payload) => void events.push({ type: 'cancelled', payload }));
  setHandler(inboundMessageSignal, (payload) => void events.push({ type: 'inbound', payload }));
  setHandler(deliveryStatusSignal, (payload) => void events.push({ type: 'delivery', payload }));
  setHandler(attendanceSignal, (payload) => void events.push({ type: 'attendance', payload }));
  setHandler(snapshotQuery, snapshot);

  const staffAction = async (action: 'confirm' | 'cancel' | 'resendReminder', by: StaffAction, reason?: string) => {
    const id = ++staffActionCount;
    events.push({ type: 'staff', id, action, by, reason });
    await condition(() => finishedStaffActions.has(id));
    return snapshot();
  };
  const refuseWhenClosed = (action: string) => {
    if (state.isClosedStatus || state.closed) {
      throw new Error(`cannot ${action}: the appointment is ${state.status}`);
    }
  };
  setHandler(confirmUpdate, (by) => staffAction('confirm', by), {
    validator: (_by) => refuseWhenClosed('confirm'),
  });
  setHandler(cancelUpdate, (by) => staffAction('cancel', by, by.reason), {
    validator: (_by) => refuseWhenClosed('cancel'),
  });
  setHandler(resendReminderUpdate, (by) => staffAction('resendReminder', by), {
    validator: (_by) => {
      refuseWhenClosed('resend a reminder');
      if (state.optedOut) throw new Error('cannot resend a reminder: the patient has opted out of messages');
    },
  });

  // ---------------------------------------------------------------------------------------------
  // Side effects.

  async function record(): Promise<void> {
    state.stateVersion++;
    const snap = snapshot();
    upsertSearchAttributes([
      { key: searchAttributes.status, value: snap.status },
      { key: searchAttributes.needsAttention, value: snap.needsAttention },
      { key: searchAttributes.startsAt, value: new Date(snap.appointment.startsAt) },
    ]);
    const audit = state.pendingAudit;
    state.pendingAudit = [];
    await bookkeeping.recordAppointmentState({ tenantId, snapshot: snap, audit });
  }

  function audit(action: string, detail: Record<string, unknown> = {}, actor = 'aro'): void {
    state.audit({
      dedupeKey: `${workflowId}:${state.stateVersion}:${state.pendingAudit.length}:${action}`,
      actor,
      action,
      subject: workflowId,
      detail,
      at: now(),
    });
  }

  /**
   * Sends one message; returns whether it went out and, when the frequency cap held it, when it
   * may go. Failures are recorded, never thrown.
   */
  async function send(
    step: string,
    template: string,
    channel: Channel,
    urgency: MessageUrgency,
    options: Pick<SendMessageCommand, 'rescheduleProposal'> = {},
  ): Promise<SendResult> {
    const commandId = `${workflowId}:${step}`;
    const at = now();
    try {
      const outcome = await skills['messaging.send']({
        tenantId,
        commandId,
        workflowId,
        appointmentExternalId: state.appointment.externalId,
        to: state.appointment.patient.phone,
        patientName: state.appointment.patient.name,
        locale: state.appointment.patient.locale,
        channel,
        template,
        urgency,
        at,
        appointment: state.appointment,
        ...options,
        policy: {
          quietHours: policy.quietHours,
          rescheduleUrl: policy.rescheduleUrl,
          rescheduleLinkTtl: policy.rescheduleLinkTtl,
          frequencyCap: policy.frequencyCap,
          whatsappDeliveryWindow: policy.whatsappDeliveryWindow,
        },
      });
      if (outcome.status === 'refused') {
        state.note(at, 'message.held', `${template}: ${outcome.reason}${outcome.detail ? ` (${outcome.detail})` : ''}`);
        // The clinic's allowance is spent: the patient was not reminded, so staff must know.
        if (outcome.reason === 'plan_limit') state.raiseAttention(`plan_limit:${template}`);
        return { sent: false, retryAt: outcome.retryAt };
      }
      state.messages.push({
        at,
        direction: 'outbound',
        channel: outcome.channel,
        body: outcome.body,
        kind: template,
        status: outcome.providerStatus,
        commandId,
        providerMessageId: outcome.providerMessageId,
      });
      state.note(at, 'message.sent', template);
      if (outcome.deliveryCheckAt && policy.fallbackToSms) {
        state.addTouches([{ id: `delivery_check:${commandId}`, kind: 'delivery_check', at: outcome.deliveryCheckAt, commandId }]);
      }
      return { sent: true };
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const reason = err.cause instanceof ApplicationFailure ? err.cause.message : err.message;
      state.note(at, 'message.failed', `${template}: ${reason}`);
      if (channel === 'whatsapp' && policy.fallbackToSms) {
        state.note(at, 'message.fallback', `${template}: retrying by SMS`);
        return send(`${step}:sms-fallback`, template, 'sms', urgency);
      }
      state.raiseAttention(`delivery_failed:${template}`);
      audit('message.failed', { template, reason });
      return { sent: false };
    }
  }

  async function planFromBooking(includeBookingConfirmation: boolean): Promise<void> {
    const plan: TouchPlanResult = await bookkeeping.planTouches({
      timeZone,
      policy,
      appointment: state.appointment,
      now: now(),
      revision: state.planRevision,
      includeBookingConfirmation,
    });
    state.addTouches(plan.touches);
    for (const s of plan.skipped) state.note(now(), 'touch.skipped', `${s.template ?? s.kind}: ${s.reason}`);
  }

  function cancelMessageTouches(outcome: string): void {
    state.cancelPending(outcome, (t) => t.template !== undefined);
  }

  async function cancelAppointment(by: string, reason: string | undefined, noticeTemplate: string | null): Promise<void> {
    const at = now();
    state.status = 'cancelled';
    state.cancelPending('appointment cancelled');
    state.clearAttention('unconfirmed', 'reschedule_requested');
    state.note(at, 'appointment.cancelled', [by, reason].filter(Boolean).join(': '));
    audit('appointment.cancelled', { by, reason }, by);
    if (noticeTemplate && state.patientWasMessaged) await send(`cancel:${state.planRevision}`, noticeTemplate, 'sms', 'transactional');
    state.closed = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Events.

  async function onBooking(e: BookingUpdatedSignal): Promise<void> {
    if (!state.firstSighting(`booking:${e.eventId}`)) return;
    if (state.isClosedStatus) {
      state.note(now(), 'booking.ignored', `event ${e.eventId} arrived after the appointment was ${state.status}`);
      return;
    }
    const moved = e.appointment.startsAt !== state.appointment.startsAt;
    state.appointment = { ...e.appointment };
    if (!moved) {
      state.note(now(), 'booking.updated', 'details changed');
      return;
    }
    const previous = state.status;
    state.planRevision++;
    state.cancelPending('rescheduled');
    state.status = 'scheduled';
    state.clearAttention('unconfirmed', 'reschedule_requested');
    state.note(now(), 'appointment.rescheduled', `now ${e.appointment.startsAt} (was ${previous})`);
    audit('appointment.rescheduled', { startsAt: e.appointment.startsAt });
    if (state.patientWasMessaged && !state.optedOut) {
      await send(`rescheduled:${state.planRevision}`, 'rescheduled_notice', 'sms', 'transactional');
    }
    await planFromBooking(false);
  }

  async function onInbound(e: InboundMessageSignal): Promise<void> {
    if (!state.firstSighting(`inbound:${e.messageId}`)) return;
    state.messages.push({ at: e.receivedAt, direction: 'inbound', channel: e.channel, body: e.body, status: 'received' });
    // Replies the tenant's policy does not trust enough go to staff.
    const threshold = policy.replyConfidenceThreshold ?? DEFAULT_REPLY_CONFIDENCE_THRESHOLD;
    const classification = await skills['nlp.classify']({
      tenantId,
      commandId: `${workflowId}:reply:${e.messageId}:classify`,
      text: e.body,
      locale: state.appointment.patient.locale,
      timeZone,
      receivedAt: e.receivedAt,
      appointmentStartsAt: state.appointment.startsAt,
      confidenceThreshold: threshold,
      patientName: state.appointment.patient.name,
    });
    const { intent, confidence, carrierKeyword, proposedTime } = classification;
    const step = `reply:${e.messageId}`;
    state.note(now(), 'reply.classified', describeClassification(classification));

    // An opt-out is honoured however it was put: missing one is worse than asking once too often.
    if (intent === 'opt_out') {
      await optOut(e, carrierKeyword);
      return;
    }
    if (confidence < threshold || intent === 'question' || intent === 'unknown') {
      state.raiseAttention(`reply:${e.messageId}`);
      state.note(now(), 'reply.needs_attention', e.body);
      audit('reply.needs_attention', { messageId: e.messageId, text: e.body, intent, confidence });
      await send(`${step}:holding`, 'holding', 'sms', 'transactional');
      return;
    }
    if (intent === 'opt_in') {
      await changeConsent('opt_in', e, carrierKeyword);
      await send(`${step}:opt_in_ack`, 'opt_in_ack', 'sms', 'transactional');
      if (!state.isClosedStatus) {
        // Plan the rest afresh (the opt-out cancelled the messages); checks of the old plan go too.
        state.cancelPending('replanned after opt-in');
        state.planRevision++;
        await planFromBooking(false);
      }
      return;
    }
    if (intent === 'help') {
      await send(`${step}:help`, 'help', 'sms', 'transactional');
      return;
    }
    if (state.isClosedStatus) {
      state.raiseAttention(`reply:${e.messageId}`);
      state.note(now(), 'reply.needs_attention', `${intent} after the appointment was ${state.status}: ${e.body}`);
      return;
    }
    if (intent === 'confirm') {
      if (state.status !== 'confirmed') {
        state.status = 'confirmed';
        state.clearAttention('unconfirmed');
        state.note(now(), 'appointment.confirmed', 'by patient reply');
        audit('appointment.confirmed', { by: 'patient', messageId: e.messageId }, 'patient');
        await send(`${step}:confirm_ack`, 'confirm_ack', 'sms', 'transactional');
      }
      return;
    }
    if (intent === 'cancel') {
      await cancelAppointment('patient', e.body, null);
      // The patient asked: always answer, even though cancelAppointment stays silent on its own.
      await send(`${step}:cancel_ack`, 'cancel_ack', 'sms', 'transactional');
      state.note(now(), 'clinic.notified', 'patient cancelled by reply');
      return;
    }
    // reschedule
    state.status = 'reschedule_requested';
    state.note(now(), 'appointment.reschedule_requested', proposedTime ? `${e.body} (proposed: ${describeProposal(proposedTime)})` : e.body);
    audit('appointment.reschedule_requested', { messageId: e.messageId, text: e.body, proposedTime }, 'patient');
    if (policy.rescheduleUrl) {
      // The booking page can open on the day or time the patient asked for.
      const rescheduleProposal = proposedTime?.startsAt ?? proposedTime?.date;
      await send(`${step}:reschedule_link`, 'reschedule_link', 'sms', 'transactional', { rescheduleProposal });
    } else {
      // No self-service page: the clinic has to call back, so it must see this.
      state.raiseAttention('reschedule_requested');
      await send(`${step}:reschedule_request_ack`, 'reschedule_request_ack', 'sms', 'transactional');
    }
  }

  /** Records the patient's consent change in the ledger, then in the workflow's own state. */
  async function changeConsent(change: 'opt_out' | 'opt_in', e: InboundMessageSignal, carrierKeyword: string | undefined) {
    await bookkeeping.recordConsent({
      tenantId,
      dedupeKey: replyConsentKey(tenantId, e.messageId, change),
      phone: e.from,
      change,
      source: carrierKeyword ? 'keyword' : 'reply',
      messageId: e.messageId,
      detail: e.body,
      at: now(),
    });
    state.optedOut = change === 'opt_out';
    state.note(now(), `consent.${change}`, e.body);
    audit(`consent.${change}`, { messageId: e.messageId, keyword: carrierKeyword }, 'patient');
  }

  async function optOut(e: InboundMessageSignal, carrierKeyword: string | undefined): Promise<void> {
    const step = `reply:${e.messageId}`;
    await changeConsent('opt_out', e, carrierKeyword);
    cancelMessageTouches('patient opted out');

    if (carrierKeyword === 'CANCEL' && !state.isClosedStatus) {
      if (policy.cancelKeyword === 'cancel_appointment') {
        await cancelAppointment('patient', 'replied CANCEL', null);
        // One message: the appointment is cancelled and messages stop; how to undo either.
        await send(`${step}:opt_out_cancelled`, 'opt_out_cancelled', 'sms', 'consent');
        state.note(now(), 'clinic.notified', 'patient cancelled by replying CANCEL');
        return;
      }
      // US rules treat a bare CANCEL as revoking consent: record it, and use the one allowed
      // confirmation to say the appointment still stands; staff follow up.
      state.raiseAttention('cancel_keyword');
      await send(`${step}:opt_out_cancel_ask`, 'opt_out_cancel_ask', 'sms', 'consent');
      return;
    }
    await send(`${step}:opt_out_ack`, 'opt_out_ack', 'sms', 'consent');
  }

  /** Re-sends a WhatsApp message by SMS (once) when the policy allows; whether the SMS went. */
  async function fallBackToSms(message: MessageEntry, why: string): Promise<boolean> {
    if (message.channel !== 'whatsapp' || !policy.fallbackToSms || !message.kind || !message.commandId) return false;
    const step = `${message.commandId.slice(workflowId.length + 1)}:sms-fallback`;
    if (state.messages.some((m) => m.commandId === `${workflowId}:${step}`)) return true;
    state.note(now(), 'message.fallback', `${message.kind}: ${why}; re-sending by SMS`);
    return (await send(step, message.kind, 'sms', 'transactional')).sent;
  }

  async function onDelivery(e: DeliveryStatusSignal): Promise<void> {
    if (!state.firstSighting(`delivery:${e.providerMessageId}:${e.status}`)) return;
    const message = state.messages.find((m) => m.providerMessageId === e.providerMessageId);
    // Callbacks overtake each other: a late "sent" never undoes "delivered".
    if (!message || !advancesDelivery(message.status, e.status)) return;
    message.status = e.status;
    if (!isDeliveryFailure(e.status)) return;
    state.note(now(), 'message.failed', `${message.kind ?? 'message'}: ${e.status}${e.errorCode ? ` (${e.errorCode})` : ''}`);
    if (await fallBackToSms(message, e.status)) return;
    state.raiseAttention(`delivery_failed:${message.kind ?? e.providerMessageId}`);
    audit('message.failed', { providerMessageId: e.providerMessageId, status: e.status, errorCode: e.errorCode });
  }

  async function onAttendance(e: AttendanceSignal): Promise<void> {
    if (!state.firstSighting(`attendance:${e.eventId}`)) return;
    if (state.status === 'cancelled' || state.attendance) {
      state.note(now(), 'attendance.ignored', `${e.outcome} reported after ${state.attendance ?? state.status}`);
      return;
    }
    state.attendance = e.outcome;
    state.status = e.outcome;
    state.cancelPending('visit took place');
    state.clearAttention('unconfirmed');
    state.note(now(), `appointment.${e.outcome}`);
    audit(`appointment.${e.outcome}`, { eventId: e.eventId });
    state.planRevision++;
    const plan = await bookkeeping.planFollowUp({
      timeZone,
      policy,
      appointment: state.appointment,
      outcome: e.outcome,
      now: now(),
      revision: state.planRevision,
    });
    state.addTouches(plan.touches);
    for (const s of plan.skipped) state.note(now(), 'touch.skipped', `${s.kind}: ${s.reason}`);
    if (plan.touches.length === 0) state.closed = true;
  }

  async function onStaff(e: Extract<LifecycleEvent, { type: 'staff' }>): Promise<void> {
    const actor = e.by.actor;
    // Re-check: the state may have changed between validation and this turn of the loop.
    if (state.isClosedStatus) {
      state.note(now(), `staff.${e.action}.ignored`, `appointment already ${state.status}`);
      return;
    }
    if (e.action === 'confirm') {
      if (state.status !== 'confirmed') {
        state.status = 'confirmed';
        state.clearAttention('unconfirmed', 'reschedule_requested');
        state.note(now(), 'appointment.confirmed', `by ${actor}`);
        audit('appointment.confirmed', { by: actor }, actor);
      }
    } else if (e.action === 'cancel') {
      await cancelAppointment(actor, e.reason, 'cancelled_notice');
    } else {
      const template = state.touches.find((t) => t.kind === 'reminder' && t.template)?.template ?? 'reminder_confirm';
      state.note(now(), 'reminder.resent', `by ${actor}`);
      audit('reminder.resent', { by: actor, template }, actor);
      if ((await send(`resend:${e.id}:${state.stateVersion}`, template, 'sms', 'transactional')).sent && state.status === 'scheduled') {
        state.status = 'awaiting_confirmation';
      }
    }
  }

  async function handle(e: LifecycleEvent): Promise<void> {
    try {
      switch (e.type) {
        case 'booking':
          return await onBooking(e.payload);
        case 'cancelled':
          if (!state.firstSighting(`cancelled:${e.payload.eventId}`) || state.isClosedStatus) return;
          return await cancelAppointment('booking system', e.payload.reason, 'cancelled_notice');
        case 'inbound':
          return await onInbound(e.payload);
        case 'delivery':
          return await onDelivery(e.payload);
        case 'attendance':
          return await onAttendance(e.payload);
        case 'staff':
          return await onStaff(e);
      }
    } finally {
      if (e.type === 'staff') finishedStaffActions.add(e.id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Touches.

  async function fire(touch: Touch): Promise<void> {
    const at = now();
    if (touch.kind === 'confirmation_deadline') {
      touch.state = 'sent';
      if (state.status !== 'confirmed' && !state.isClosedStatus) {
        state.raiseAttention('unconfirmed');
        state.note(at, 'appointment.unconfirmed', 'not confirmed by the deadline');
        audit('appointment.unconfirmed');
      }
      return;
    }
    if (touch.kind === 'delivery_check') {
      touch.state = 'sent';
      // Delivered, or failed and already handled by onDelivery: nothing to do.
      const message = state.messages.find((m) => m.commandId === touch.commandId);
      if (!message || isDeliverySettled(message.status) || state.optedOut) return;
      if (!(await fallBackToSms(message, `not delivered (${message.status}) in time`))) {
        state.raiseAttention(`delivery_failed:${message.kind}`);
      }
      return;
    }
    if (touch.kind === 'attendance_window') {
      touch.state = 'sent';
      if (!state.attendance && !state.isClosedStatus) {
        state.note(at, 'appointment.closed', 'no attendance reported');
        state.cancelPending('lifecycle closed');
        state.closed = true;
      }
      return;
    }
    const allowed = touch.onlyIf ?? ['scheduled', 'awaiting_confirmation', 'confirmed', 'reschedule_requested', 'completed', 'no_show'];
    if (!allowed.includes(state.status) || state.optedOut) {
      touch.state = 'skipped';
      touch.outcome = state.optedOut ? 'patient opted out' : `status ${state.status}`;
      state.note(at, 'touch.skipped', `${touch.template}: ${touch.outcome}`);
    } else {
      const urgency: MessageUrgency = touch.kind === 'booking_confirmation' ? 'transactional' : 'routine';
      // A deferred touch sends under a new command id: the first one's refusal is recorded for good.
      const step = touch.deferrals ? `${touch.id}:deferred-${touch.deferrals}` : touch.id;
      const result = await send(step, touch.template!, touch.channel ?? 'sms', urgency);
      const stillUseful = touch.kind !== 'reminder' || (result.retryAt !== undefined && result.retryAt < state.appointment.startsAt);
      if (!result.sent && result.retryAt && stillUseful) {
        touch.at = result.retryAt;
        touch.deferrals = (touch.deferrals ?? 0) + 1;
        state.touches.sort((a, b) => a.at.localeCompare(b.at));
        state.note(at, 'touch.deferred', `${touch.template} to ${result.retryAt} (frequency cap)`);
        return;
      }
      touch.state = result.sent ? 'sent' : 'skipped';
      if (result.sent && touch.asksConfirmation && state.status === 'scheduled') state.status = 'awaiting_confirmation';
    }
    if (touch.kind === 'review_request' || touch.kind === 'rebook') state.closed = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Main loop.

  if (!input.carried) {
    state.note(now(), 'appointment.booked', state.appointment.startsAt);
    audit('appointment.booked', { startsAt: state.appointment.startsAt, eventId: input.bookingEventId });
    if (input.bookingEventId) state.firstSighting(`booking:${input.bookingEventId}`);
    await planFromBooking(true);
    await record();
  }

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const handleQueued = async () => {
    const event = events.shift()!;
    const before = JSON.stringify(snapshot());
    await handle(event);
    // A redelivered event changes nothing, and records nothing.
    if (JSON.stringify(snapshot()) !== before || state.pendingAudit.length > 0) await record();
  };
  for (;;) {
    while (!state.closed) {
      if (events.length > 0) {
        await handleQueued();
        continue;
      }
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength >= historyLimit) break;
      const next = state.nextPending();
      const waitMs = next ? Math.max(0, Date.parse(next.at) - Date.now()) : undefined;
      const woken =
        waitMs === undefined
          ? await condition(() => events.length > 0).then(() => true)
          : waitMs > 0 && (await condition(() => events.length > 0, waitMs));
      if (!woken && next) {
        await fire(next);
        await record();
      }
    }
    if (state.closed) break;
    // Keep the history bounded: hand the state to a fresh run once no event or update is in flight
    // (an update handler always has its event queued until the loop has acted on it).
    await condition(() => events.length > 0 || allHandlersFinished());
    if (events.length === 0) {
      await continueAsNew<typeof appointmentLifecycleV1>({ ...input, carried: state.carry() });
    }
  }

  // Updates accepted just before closing still get their answer.
  while (events.length > 0) await handleQueued();
  await condition(allHandlersFinished);
  return snapshot();
}
