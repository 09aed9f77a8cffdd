// A patient's reply: read by the tenant's nlp.classify skill, then acted on. Consent first (an
// opt-out is honoured however it was put), then what the patient asked. What ARO cannot read
// with confidence goes to staff, answered automatically at most a few times a day so that an
// auto-responder on the patient's phone cannot start a conversation loop; a cancellation in the
// patient's own words is asked back before it is done.
import {
  DEFAULT_AUTO_REPLY_LIMIT,
  DEFAULT_CANCEL_QUESTION_TTL_MS,
  DEFAULT_REPLY_CONFIDENCE_THRESHOLD,
  EXPLICIT_CANCEL_CONFIDENCE,
  replyConsentKey,
  type Classification,
  type InboundMessageSignal,
  type ProposedTime,
} from './contracts';
import { dropMootDeadline } from './booking-events';
import type { LifecycleActions } from './lifecycle-actions';

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

export async function onInbound(lc: LifecycleActions, e: InboundMessageSignal): Promise<void> {
  const { state, policy } = lc;
  if (!state.firstSighting(`inbound:${e.messageId}`)) return;
  state.addMessage({ at: e.receivedAt, direction: 'inbound', channel: e.channel, body: e.body, status: 'received' });
  // Replies the tenant's policy does not trust enough go to staff.
  const threshold = policy.replyConfidenceThreshold ?? DEFAULT_REPLY_CONFIDENCE_THRESHOLD;
  const read = await lc.classify({
    commandId: `${lc.workflowId}:reply:${e.messageId}:classify`,
    text: e.body,
    locale: state.appointment.patient.locale,
    timeZone: lc.input.timeZone,
    receivedAt: e.receivedAt,
    appointmentStartsAt: state.appointment.startsAt,
    confidenceThreshold: threshold,
    patientName: state.appointment.patient.name,
  });
  if ('failure' in read) {
    // Nothing is guessed from a reply ARO could not read: staff read it.
    lc.note('reply.unread', read.failure);
    await needsStaff(lc, e, `could not be read (${read.failure})`, { failure: read.failure });
    return;
  }
  const { intent, confidence, carrierKeyword, proposedTime } = read;
  const step = `reply:${e.messageId}`;
  lc.note('reply.classified', describeClassification(read));

  if (intent === 'opt_out') {
    await optOut(lc, e, carrierKeyword);
    return;
  }
  const question = state.cancelQuestion;
  state.cancelQuestion = undefined;
  if (confidence < threshold || intent === 'question' || intent === 'unknown') {
    await needsStaff(lc, e, `${intent} (${confidence.toFixed(2)})`, { intent, confidence });
    return;
  }
  if (intent === 'opt_in') {
    changeConsent(lc, 'opt_in', e, carrierKeyword);
    await lc.send(`${step}:opt_in_ack`, 'opt_in_ack', 'sms', 'transactional');
    if (!state.isClosedStatus) {
      // Plan the rest afresh (the opt-out cancelled the messages); checks of the old plan go too.
      state.cancelPending('replanned after opt-in');
      state.planRevision++;
      await lc.planFromBooking(false);
    }
    return;
  }
  if (intent === 'help') {
    await lc.send(`${step}:help`, 'help', 'sms', 'transactional');
    return;
  }
  if (state.isClosedStatus) {
    state.raiseAttention(`reply:${e.messageId}`);
    lc.note('reply.needs_attention', `${intent} after the appointment was ${state.status}: ${e.body}`);
    return;
  }
  const answersQuestion = question !== undefined && Date.now() < Date.parse(question.expiresAt);
  if (intent === 'confirm' && answersQuestion) {
    // "YES" to "Do you want to cancel?".
    await cancelByPatient(lc, e, step);
    return;
  }
  if (intent === 'confirm') {
    if (state.status !== 'confirmed') {
      state.status = 'confirmed';
      state.clearAttention('unconfirmed');
      dropMootDeadline(lc);
      lc.note('appointment.confirmed', 'by patient reply');
      lc.audit('appointment.confirmed', { by: 'patient', messageId: e.messageId }, 'patient');
      await lc.send(`${step}:confirm_ack`, 'confirm_ack', 'sms', 'transactional');
    }
    return;
  }
  if (intent === 'cancel') {
    const explicit = confidence >= EXPLICIT_CANCEL_CONFIDENCE && read.decidedBy !== 'llm';
    if (explicit || answersQuestion || policy.confirmCancelByReply === false) {
      await cancelByPatient(lc, e, step);
      return;
    }
    // Cancelling releases the slot, and the patient cannot undo it: ask before doing it.
    const ttl = lc.input.cancelQuestionTtlMs ?? DEFAULT_CANCEL_QUESTION_TTL_MS;
    const expiresAt = Math.min(Date.now() + ttl, Date.parse(state.appointment.startsAt));
    state.cancelQuestion = { messageId: e.messageId, expiresAt: new Date(expiresAt).toISOString() };
    lc.note('appointment.cancel_asked', `${e.body} (until ${state.cancelQuestion.expiresAt})`);
    await lc.send(`${step}:cancel_question`, 'cancel_question', 'sms', 'transactional');
    return;
  }
  // reschedule
  state.status = 'reschedule_requested';
  lc.note('appointment.reschedule_requested', proposedTime ? `${e.body} (proposed: ${describeProposal(proposedTime)})` : e.body);
  lc.audit('appointment.reschedule_requested', { messageId: e.messageId, text: e.body, proposedTime }, 'patient');
  if (policy.rescheduleUrl) {
    // The booking page can open on the day or time the patient asked for.
    const rescheduleProposal = proposedTime?.startsAt ?? proposedTime?.date;
    await lc.send(`${step}:reschedule_link`, 'reschedule_link', 'sms', 'transactional', { rescheduleProposal });
  } else {
    // No self-service page: the clinic has to call back, so it must see this.
    state.raiseAttention('reschedule_requested');
    await lc.send(`${step}:reschedule_request_ack`, 'reschedule_request_ack', 'sms', 'transactional');
  }
}

async function cancelByPatient(lc: LifecycleActions, e: InboundMessageSignal, step: string): Promise<void> {
  await lc.cancelAppointment('patient', e.body, null);
  // The patient asked: always answer, even though cancelAppointment stays silent on its own.
  await lc.send(`${step}:cancel_ack`, 'cancel_ack', 'sms', 'transactional');
  lc.note('clinic.notified', 'patient cancelled by reply');
}

/** Replies waiting for staff listed one by one; past this, one more reason says there are more. */
const LISTED_REPLIES = 20;

/** A reply for a person: the clinic sees it; the patient hears back, unless that would start a loop. */
async function needsStaff(lc: LifecycleActions, e: InboundMessageSignal, why: string, detail: Record<string, unknown>): Promise<void> {
  const { state } = lc;
  const listed = state.needsAttention.filter((r) => r.startsWith('reply:')).length;
  state.raiseAttention(listed < LISTED_REPLIES ? `reply:${e.messageId}` : 'reply:more');
  lc.note('reply.needs_attention', e.body);
  lc.audit('reply.needs_attention', { messageId: e.messageId, text: e.body, why, ...detail });
  if (state.optedOut) return;
  const limit = lc.policy.autoReplyLimit ?? DEFAULT_AUTO_REPLY_LIMIT;
  if (!state.takeAutoReply(Date.now(), limit)) {
    lc.note('reply.not_answered', `${limit} automatic answers in the last 24 hours: staff answer this one`);
    return;
  }
  await lc.send(`reply:${e.messageId}:holding`, 'holding', 'sms', 'transactional');
}

/** Records the patient's consent change (written to the ledger before the next message goes). */
function changeConsent(lc: LifecycleActions, change: 'opt_out' | 'opt_in', e: InboundMessageSignal, carrierKeyword: string | undefined): void {
  const { state } = lc;
  state.consent({
    tenantId: lc.tenantId,
    dedupeKey: replyConsentKey(lc.tenantId, e.messageId, change),
    phone: e.from,
    change,
    source: carrierKeyword ? 'keyword' : 'reply',
    messageId: e.messageId,
    detail: e.body,
    at: lc.now(),
  });
  state.optedOut = change === 'opt_out';
  lc.note(`consent.${change}`, e.body);
  lc.audit(`consent.${change}`, { messageId: e.messageId, keyword: carrierKeyword }, 'patient');
}

async function optOut(lc: LifecycleActions, e: InboundMessageSignal, carrierKeyword: string | undefined): Promise<void> {
  const { state, policy } = lc;
  const step = `reply:${e.messageId}`;
  changeConsent(lc, 'opt_out', e, carrierKeyword);
  state.cancelQuestion = undefined;
  state.cancelPending('patient opted out', (t) => t.template !== undefined);

  if (carrierKeyword === 'CANCEL' && !state.isClosedStatus) {
    if (policy.cancelKeyword === 'cancel_appointment') {
      await lc.cancelAppointment('patient', 'replied CANCEL', null);
      // One message: the appointment is cancelled and messages stop; how to undo either.
      await lc.send(`${step}:opt_out_cancelled`, 'opt_out_cancelled', 'sms', 'consent');
      lc.note('clinic.notified', 'patient cancelled by replying CANCEL');
      return;
    }
    // US rules treat a bare CANCEL as revoking consent: record it, and use the one allowed
    // confirmation to say the appointment still stands; staff follow up.
    state.raiseAttention('cancel_keyword');
    await lc.send(`${step}:opt_out_cancel_ask`, 'opt_out_cancel_ask', 'sms', 'consent');
    return;
  }
  await lc.send(`${step}:opt_out_ack`, 'opt_out_ack', 'sms', 'consent');
}
