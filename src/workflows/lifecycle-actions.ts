// What a lifecycle does to the world: send through the tenant's skills, plan touches, and tell ARO's
// database (projection, timeline, audit, consent) in one local activity per workflow task, only
// when something changed. Every failure of an activity has a defined outcome here; none fails the
// workflow.
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { BookkeepingActivities, SkillActivities } from '../activities';
import { isDeliveryFailure } from '../domain/delivery-status';
import { tenantTaskQueue } from '../routing/tenant-task-queue';
import {
  ErrorType,
  searchAttributes,
  type Channel,
  type Classification,
  type ClassifyCommand,
  type LifecycleInput,
  type MessageEntry,
  type MessageUrgency,
  type PlanFollowUpCommand,
  type SendMessageCommand,
  type SendOutcome,
  type TouchPlanResult,
} from './contracts';
import type { LifecycleState } from './lifecycle-state';

/** A failed recordAppointment is tried again this long after (messaging goes on meanwhile). */
const RECORD_RETRY_MS = 60_000;

export interface SendResult {
  sent: boolean;
  retryAt?: string;
  /** Why the send skill held it back (opted out, quiet hours, frequency cap, plan limit). */
  refused?: Extract<SendOutcome, { status: 'refused' }>['reason'];
  /** Why it failed for good (the provider refused it, or retries ran out). */
  failure?: string;
}

// Bookkeeping touches only ARO's own database and runs beside the workflow: no round trip through
// the server, a marker in history instead of three events and a workflow task.
const bookkeeping = proxyLocalActivities<BookkeepingActivities>({
  startToCloseTimeout: '15s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 4 },
});

export class LifecycleActions {
  readonly workflowId = workflowInfo().workflowId;
  readonly tenantId: string;
  private readonly skills: SkillActivities;

  constructor(
    readonly input: LifecycleInput,
    readonly state: LifecycleState,
  ) {
    this.tenantId = input.tenantId;
    const route = input.skillRoute ?? { taskQueue: tenantTaskQueue(input.tenantId) };
    this.skills = proxyActivities<SkillActivities>({
      taskQueue: route.taskQueue,
      // In a pool the server dispatches round-robin across tenants: one clinic's burst waits its turn.
      ...(route.fairnessKey ? { priority: { fairnessKey: route.fairnessKey } } : {}),
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
  }

  get policy() {
    return this.input.policy;
  }

  now(): string {
    return new Date().toISOString();
  }

  note(kind: string, detail?: string): void {
    this.state.note(this.now(), kind, detail);
  }

  audit(action: string, detail: Record<string, unknown> = {}, actor = 'aro'): void {
    const seq = this.state.nextSeq;
    this.state.audit({ dedupeKey: `${this.workflowId}:${seq}:${action}`, actor, action, subject: this.workflowId, detail, at: this.now() });
  }

  /**
   * Sends one message; returns whether it went out and, when the frequency cap held it, when it may
   * go. Failures are recorded, never thrown.
   */
  async send(
    step: string,
    template: string,
    channel: Channel,
    urgency: MessageUrgency,
    options: Pick<SendMessageCommand, 'rescheduleProposal' | 'text'> = {},
  ): Promise<SendResult> {
    const { state, policy } = this;
    // The send skill reads consent from the database: a change decided here must be there first.
    if (state.unrecorded.consent.length > 0) await this.record();
    const commandId = `${this.workflowId}:${step}`;
    const at = this.now();
    try {
      const outcome = await this.skills['messaging.send']({
        tenantId: this.tenantId,
        commandId,
        workflowId: this.workflowId,
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
        this.note('message.held', `${template}: ${outcome.reason}${outcome.detail ? ` (${outcome.detail})` : ''}`);
        // The clinic's allowance is spent: the patient was not reminded, so staff must know.
        if (outcome.reason === 'plan_limit') state.raiseAttention(`plan_limit:${template}`);
        return { sent: false, retryAt: outcome.retryAt, refused: outcome.reason };
      }
      const message: MessageEntry = {
        at,
        direction: 'outbound',
        channel: outcome.channel,
        body: outcome.body,
        kind: template,
        status: outcome.providerStatus,
        commandId,
        providerMessageId: outcome.providerMessageId,
      };
      state.addMessage(message);
      this.note('message.sent', template);
      // A failure receipt that overtook the provider's answer comes back in it, not as a signal.
      if (isDeliveryFailure(outcome.providerStatus)) await this.deliveryFailed(message, outcome.providerStatus, outcome.providerErrorCode);
      if (outcome.deliveryCheckAt && policy.fallbackToSms) {
        state.addTouches([{ id: `delivery_check:${commandId}`, kind: 'delivery_check', at: outcome.deliveryCheckAt, commandId }]);
      }
      return { sent: true };
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const reason = failureMessage(err);
      this.note('message.failed', `${template}: ${reason}`);
      if (channel === 'whatsapp' && policy.fallbackToSms) {
        this.note('message.fallback', `${template}: retrying by SMS`);
        return this.send(`${step}:sms-fallback`, template, 'sms', urgency);
      }
      state.raiseAttention(`delivery_failed:${template}`);
      this.audit('message.failed', { template, reason });
      return { sent: false, failure: reason };
    }
  }

  /** Cancels the appointment and every pending touch; the notice goes only to a patient already told of it. */
  async cancelAppointment(by: string, reason: string | undefined, noticeTemplate: string | null): Promise<void> {
    const { state } = this;
    state.status = 'cancelled';
    state.cancelPending('appointment cancelled');
    state.clearAttention('unconfirmed', 'reschedule_requested');
    state.cancelQuestion = undefined;
    this.note('appointment.cancelled', [by, reason].filter(Boolean).join(': '));
    this.audit('appointment.cancelled', { by, reason }, by);
    if (noticeTemplate && state.patientWasMessaged) await this.send(`cancel:${state.planRevision}`, noticeTemplate, 'sms', 'transactional');
    state.closed = true;
  }

  /** Re-sends a WhatsApp message by SMS (once) when the policy allows; whether the SMS went. */
  /** The provider could not deliver `message`: re-sent by SMS when the policy says so, else the clinic must know. */
  async deliveryFailed(message: MessageEntry, status: string, errorCode: string | undefined): Promise<void> {
    this.note('message.failed', `${message.kind ?? 'message'}: ${status}${errorCode ? ` (${errorCode})` : ''}`);
    if (await this.fallBackToSms(message, status)) return;
    this.state.raiseAttention(`delivery_failed:${message.kind ?? message.providerMessageId}`);
    this.audit('message.failed', { providerMessageId: message.providerMessageId, status, errorCode });
  }

  async fallBackToSms(message: MessageEntry, why: string): Promise<boolean> {
    if (message.channel !== 'whatsapp' || !this.policy.fallbackToSms || !message.kind || !message.commandId) return false;
    const step = `${message.commandId.slice(this.workflowId.length + 1)}:sms-fallback`;
    if (this.state.messages.some((m) => m.commandId === `${this.workflowId}:${step}`)) return true;
    this.note('message.fallback', `${message.kind}: ${why}; re-sending by SMS`);
    return (await this.send(step, message.kind, 'sms', 'transactional')).sent;
  }

  /** Reads a reply; `failure` when the skill gave up (the caller hands the reply to staff, never guesses). */
  async classify(command: Omit<ClassifyCommand, 'tenantId'>): Promise<Classification | { failure: string }> {
    try {
      return await this.skills['nlp.classify']({ tenantId: this.tenantId, ...command });
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      return { failure: failureMessage(err) };
    }
  }

  /** Plans the booking's touches (a re-plan after a reschedule or an opt-in); a failure leaves the plan to staff. */
  async planFromBooking(includeBookingConfirmation: boolean, given?: TouchPlanResult): Promise<void> {
    const { state } = this;
    let plan = given;
    if (!plan) {
      try {
        plan = await bookkeeping.planTouches({
          timeZone: this.input.timeZone,
          policy: this.policy,
          appointment: state.appointment,
          now: this.now(),
          revision: state.planRevision,
          includeBookingConfirmation,
        });
      } catch (err) {
        if (!gaveUp(err)) throw err;
        this.planningFailed(err);
        return;
      }
    }
    this.applyPlan(plan);
  }

  /**
   * Plans the follow-up after the visit (review request or rebook), in the same step that records
   * the visit; true when something is planned.
   */
  async planFollowUp(outcome: 'completed' | 'no_show'): Promise<boolean> {
    const planned = await this.record({
      tenantId: this.tenantId,
      timeZone: this.input.timeZone,
      policy: this.policy,
      appointment: this.state.appointment,
      outcome,
      now: this.now(),
      revision: this.state.planRevision,
    });
    if (planned === 'failed') {
      this.planningFailed('the follow-up could not be planned: ARO\'s database did not answer');
      return false;
    }
    if (planned) this.applyPlan(planned);
    return (planned?.touches.length ?? 0) > 0;
  }

  private applyPlan(plan: TouchPlanResult): void {
    this.state.addTouches(plan.touches);
    for (const s of plan.skipped) this.note('touch.skipped', `${s.template ?? s.kind}: ${s.reason}`);
  }

  private planningFailed(err: unknown): void {
    this.note('planning.failed', typeof err === 'string' ? err : failureMessage(err));
    this.state.raiseAttention('planning_failed');
  }

  /**
   * Tells ARO's database what changed since the last time (and plans the follow-up, when asked), and
   * the visibility store the search attributes whose values changed. A failure keeps the changes for
   * the next try (in a minute) and does not hold up messaging; 'failed' says so.
   */
  async record(followUp?: PlanFollowUpCommand): Promise<TouchPlanResult | null | 'failed'> {
    const { state } = this;
    this.upsertChangedSearchAttributes();
    const nowMs = Date.now();
    if (!followUp && !state.hasUnrecorded(nowMs)) return null;
    const changes = state.unrecorded;
    state.unrecorded = { timeline: [], audit: [], consent: [] };
    state.stateVersion++;
    try {
      const result = await bookkeeping.recordAppointment({
        tenantId: this.tenantId,
        workflowId: this.workflowId,
        lifecycleId: workflowInfo().firstExecutionRunId,
        revision: state.stateVersion,
        projection: state.projectionChanged(nowMs) || followUp ? state.projection(nowMs) : undefined,
        timeline: changes.timeline,
        audit: changes.audit,
        consent: changes.consent,
        followUp,
      });
      if (result.projection) state.recorded = result.projection;
      state.recordRetryAt = undefined;
      return result.followUp ?? null;
    } catch (err) {
      if (!gaveUp(err)) throw err;
      // Kept, oldest first, for the next try.
      const later = state.unrecorded;
      state.unrecorded = {
        timeline: [...changes.timeline, ...later.timeline],
        audit: [...changes.audit, ...later.audit],
        consent: [...changes.consent, ...later.consent],
      };
      state.recordRetryAt = new Date(Date.now() + RECORD_RETRY_MS).toISOString();
      return 'failed';
    }
  }

  private upsertChangedSearchAttributes(): void {
    const { state } = this;
    const needsAttention = state.needsAttention.length > 0;
    const updates: SearchAttributeUpdatePair[] = [];
    if (state.indexed.status !== state.status) updates.push({ key: searchAttributes.status, value: state.status });
    if (state.indexed.needsAttention !== needsAttention) updates.push({ key: searchAttributes.needsAttention, value: needsAttention });
    if (state.indexed.startsAt !== state.appointment.startsAt) {
      updates.push({ key: searchAttributes.startsAt, value: new Date(state.appointment.startsAt) });
    }
    if (updates.length === 0) return;
    upsertSearchAttributes(updates);
    state.indexed = { status: state.status, needsAttention, startsAt: state.appointment.startsAt };
  }
}

/**
 * Whether an activity gave up (its retries spent, or refused for good) rather than the workflow being
 * cancelled or its own code failing. A skill's failure arrives as an ActivityFailure; a local
 * activity's as the failure itself (ApplicationFailure, or TimeoutFailure).
 */
function gaveUp(err: unknown): boolean {
  return err instanceof ActivityFailure || (err instanceof TemporalFailure && !(err instanceof CancelledFailure));
}

/** The reason an activity gave up, for the timeline and the clinic. */
export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure) {
    if (err.cause instanceof ApplicationFailure) return err.cause.message;
    return err.cause?.message ?? err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
