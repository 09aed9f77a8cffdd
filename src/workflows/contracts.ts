// The appointment workflow's public contract, shared by the workflow, the worker and the API.
// Changing a name or a shape here is a breaking change for running workflows and outside callers:
// add a new version instead of editing one in place.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { SkillRoute } from '../routing/tenant-task-queue';

export const WORKFLOW_TYPE = 'appointmentLifecycle';
export const DEFAULT_CORE_TASK_QUEUE = 'aro-core';

export function appointmentWorkflowId(tenantId: string, externalAppointmentId: string): string {
  return `appt:${tenantId}:${externalAppointmentId}`;
}

export const searchAttributes = {
  tenantId: defineSearchAttributeKey('AroTenantId', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('AroStatus', SearchAttributeType.KEYWORD),
  startsAt: defineSearchAttributeKey('AroStartsAt', SearchAttributeType.DATETIME),
  needsAttention: defineSearchAttributeKey('AroNeedsAttention', SearchAttributeType.BOOL),
} as const;

// ---------------------------------------------------------------------------------------------
// Domain shapes (plain data: everything crossing into workflow history is JSON).

export type Channel = 'sms' | 'whatsapp';

export type AppointmentStatus =
  | 'scheduled'
  | 'awaiting_confirmation'
  | 'confirmed'
  | 'reschedule_requested'
  | 'cancelled'
  | 'completed'
  | 'no_show';

export const CLOSED_STATUSES: readonly AppointmentStatus[] = ['cancelled', 'completed', 'no_show'];

export interface Patient {
  name: string;
  /** E.164 */
  phone: string;
  locale?: string;
}

export interface AppointmentDetails {
  externalId: string;
  /** UTC ISO-8601 instant */
  startsAt: string;
  durationMinutes: number;
  patient: Patient;
  provider?: string;
  location?: string;
}

/** One reminder touch of a tenant's policy. */
export interface TouchRule {
  /** ISO-8601 duration before the start, e.g. "P2D", "PT2H". */
  before: string;
  channel: Channel;
  /** Template kind to send. */
  template: string;
  /** Whether this touch asks the patient to confirm (moves the appointment to awaiting_confirmation). */
  asksConfirmation?: boolean;
  /** Only send when the appointment is in one of these states (default: not yet confirmed or confirmed). */
  onlyIf?: AppointmentStatus[];
}

/** What a bare "CANCEL" reply means. */
export type CancelKeywordPolicy = 'opt_out_and_ask' | 'cancel_appointment';

export interface QuietHours {
  /** "HH:MM" local time at which quiet hours begin. */
  start: string;
  /** "HH:MM" local time at which quiet hours end. */
  end: string;
}

export interface Policy {
  version: number;
  bookingConfirmation: { enabled: boolean; channel: Channel };
  reminders: TouchRule[];
  quietHours: QuietHours | null;
  /** Unconfirmed this long before the start → needs attention. */
  confirmationDeadline: string | null;
  reviewRequest: { after: string; channel: Channel } | null;
  rebookMessage: { after: string; channel: Channel } | null;
  /** How long after the end to wait for attendance before closing the lifecycle. */
  attendanceWindow: string;
  cancelKeyword: CancelKeywordPolicy;
  /**
   * Replies understood with less confidence than this go to staff (needs attention) instead of being
   * acted on. Absent: DEFAULT_REPLY_CONFIDENCE_THRESHOLD.
   */
  replyConfidenceThreshold?: number;
  /** Lifetime of the signed reschedule link. */
  rescheduleLinkTtl: string;
  rescheduleUrl: string | null;
  frequencyCap: { perDay: number; perWeek: number };
  fallbackToSms: boolean;
  /**
   * How long a WhatsApp message may stay undelivered before it is re-sent by SMS (with
   * fallbackToSms). Absent or null: only a reported failure triggers the fallback.
   */
  whatsappDeliveryWindow?: string | null;
  /**
   * Automatic answers to unclear replies per appointment in any 24 hours; past it, silence and needs
   * attention (an auto-responder on the patient's phone must not start a conversation loop).
   * Absent: DEFAULT_AUTO_REPLY_LIMIT.
   */
  autoReplyLimit?: number;
  /**
   * Whether a cancellation in the patient's own words is asked back ("Reply YES to cancel") before it
   * is done, unless the wording is explicit. Absent: true.
   */
  confirmCancelByReply?: boolean;
  /** How long that question stays open. Absent: DEFAULT_CANCEL_QUESTION_TTL. */
  cancelQuestionTtl?: string;
}

export const DEFAULT_AUTO_REPLY_LIMIT = 2;
export const DEFAULT_CANCEL_QUESTION_TTL = 'PT24H';
export const DEFAULT_CANCEL_QUESTION_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A cancellation read at this confidence or above was said outright ("cancel", or NO to the
 * reminder's own "NO to cancel"); below it ("I can't come"), it is asked back first.
 */
export const EXPLICIT_CANCEL_CONFIDENCE = 0.9;

/** The contract version of LifecycleInput that new runs start with (version 1 runs carry none; see src/workflows/v1). */
export const LIFECYCLE_VERSION = 2;

export interface LifecycleInput {
  version: typeof LIFECYCLE_VERSION;
  tenantId: string;
  /** Time zone of the clinic (IANA), used by activities only. */
  timeZone: string;
  appointment: AppointmentDetails;
  policy: Policy;
  /** Booking event that created the workflow. */
  bookingEventId?: string;
  /** When that booking event happened, by the booking system's clock (UTC ISO). */
  bookingOccurredAt?: string;
  /** The touches, planned by the caller at start (it may read the time-zone database); absent: the workflow plans them. */
  plan?: TouchPlanResult;
  /** The projection row the caller wrote when it started the workflow (see initialProjection). */
  projected?: AppointmentProjection;
  /** policy.cancelQuestionTtl in milliseconds, read by the caller (workflow code has no date library). */
  cancelQuestionTtlMs?: number;
  /** Carried over by continue-as-new; absent on a fresh start. */
  carried?: CarriedState;
  /** History length at which the workflow continues as new even if the server does not suggest it. */
  historyLimit?: number;
  /**
   * Where the skills run, routed by the starter (src/routing/tenant-task-queue.ts) and kept across
   * continue-as-new; absent (lifecycles started before pools existed): the tenant's own queue.
   */
  skillRoute?: SkillRoute;
}

export type TouchKind =
  | 'booking_confirmation'
  | 'reminder'
  | 'confirmation_deadline'
  | 'review_request'
  | 'rebook'
  | 'attendance_window'
  | 'delivery_check';

export type TouchState = 'pending' | 'sent' | 'skipped' | 'cancelled';

/** A planned touch: a message (or a check) due at a UTC instant. */
export interface PlannedTouch {
  id: string;
  kind: TouchKind;
  /** UTC ISO instant at which it is due. */
  at: string;
  channel?: Channel;
  template?: string;
  asksConfirmation?: boolean;
  onlyIf?: AppointmentStatus[];
  /** Why the instant differs from the rule (e.g. moved out of quiet hours). */
  note?: string;
  /** delivery_check: the command id of the message whose delivery is checked. */
  commandId?: string;
}

export interface Touch extends PlannedTouch {
  state: TouchState;
  outcome?: string;
  /** How often the frequency cap pushed it back. */
  deferrals?: number;
}

export interface TimelineEntry {
  /** Position in the appointment's whole timeline (PostgreSQL keeps it all; the workflow the recent part). Absent in version-1 runs. */
  seq?: number;
  at: string;
  kind: string;
  detail?: string;
}

export interface MessageEntry {
  at: string;
  direction: 'outbound' | 'inbound';
  channel: Channel;
  body: string;
  kind?: string;
  status: string;
  commandId?: string;
  providerMessageId?: string;
}

/** What ARO's own database has not been told yet: written by the next recordAppointment, carried if need be. */
export interface UnrecordedChanges {
  timeline: TimelineEntry[];
  audit: AuditEntry[];
  consent: ConsentCommand[];
}

/** The search attribute values the workflow last set (at start by the API, then upserted on change). */
export interface IndexedValues {
  status: AppointmentStatus;
  needsAttention: boolean;
  startsAt: string;
}

/** The state a lifecycle decides from. Bounded: the whole timeline and thread live in PostgreSQL. */
export interface CarriedState {
  status: AppointmentStatus;
  needsAttention: string[];
  appointment: AppointmentDetails;
  /** Pending touches and the most recent finished ones. */
  touches: Touch[];
  /** The most recent timeline entries. */
  timeline: TimelineEntry[];
  /** The most recent messages (for delivery tracking and the snapshot). */
  messages: MessageEntry[];
  /** Sequence number of the next timeline entry. */
  nextSeq: number;
  patientWasMessaged: boolean;
  /** Bumped by every re-plan (reschedule, opt-in); prefixes touch ids so command ids never repeat. */
  planRevision: number;
  /** Bumped by every recorded state; orders projections. */
  stateVersion: number;
  optedOut: boolean;
  seenEvents: string[];
  attendance?: 'completed' | 'no_show';
  /** The booking system's instant of the last booking change applied: older ones are ignored. */
  lastBookingChangeAt?: string;
  /** When the automatic answers to unclear replies went out (the last day's worth). */
  autoReplies: string[];
  /** A free-text cancellation waiting for the patient's YES. */
  cancelQuestion?: { messageId: string; expiresAt: string };
  unrecorded: UnrecordedChanges;
  /** The projection row as last written (null: never). */
  recorded: AppointmentProjection | null;
  /** When a failed recordAppointment is tried again. */
  recordRetryAt?: string;
  indexed: IndexedValues;
}

export interface AppointmentSnapshot {
  workflowId: string;
  tenantId: string;
  status: AppointmentStatus;
  needsAttention: boolean;
  attentionReasons: string[];
  optedOut: boolean;
  appointment: AppointmentDetails;
  nextTouch: { at: string; kind: TouchKind; template?: string } | null;
  touches: Touch[];
  timeline: TimelineEntry[];
  messages: MessageEntry[];
  policyVersion: number;
  /** State version: increases with every change the workflow records. */
  revision: number;
  closed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Signals, updates, query.

export interface BookingUpdatedSignal {
  eventId: string;
  appointment: AppointmentDetails;
  /** When the booking system says the change happened (UTC ISO); an update older than the last one applied is ignored. */
  occurredAt?: string;
}
export interface BookingCancelledSignal {
  eventId: string;
  reason?: string;
  occurredAt?: string;
}
export interface InboundMessageSignal {
  /** Provider message id (or a dev id): dedupes redelivery. */
  messageId: string;
  from: string;
  body: string;
  channel: Channel;
  receivedAt: string;
}
export interface DeliveryStatusSignal {
  providerMessageId: string;
  status: 'queued' | 'sent' | 'delivered' | 'failed' | 'undelivered' | 'read';
  errorCode?: string;
}
export interface AttendanceSignal {
  eventId: string;
  outcome: 'completed' | 'no_show';
  occurredAt?: string;
}

export const bookingUpdatedSignal = defineSignal<[BookingUpdatedSignal]>('bookingUpdated');
export const bookingCancelledSignal = defineSignal<[BookingCancelledSignal]>('bookingCancelled');
export const inboundMessageSignal = defineSignal<[InboundMessageSignal]>('inboundMessage');
export const deliveryStatusSignal = defineSignal<[DeliveryStatusSignal]>('deliveryStatus');
export const attendanceSignal = defineSignal<[AttendanceSignal]>('attendance');

export interface StaffAction {
  /** Who did it (API key name, operator); recorded in the timeline and audit log. */
  actor: string;
}
export interface CancelAction extends StaffAction {
  reason?: string;
}

/** Staff's own words to the patient, sent by SMS as written (no template). */
export interface StaffMessageAction extends StaffAction {
  body: string;
}
/** Staff say whether the patient came (the booking system's checked_in / no_show, from the front desk). */
export interface AttendanceAction extends StaffAction {
  outcome: 'completed' | 'no_show';
}
/** A person has dealt with what needed attention: one reason (or every reason of a kind, e.g. "reply"), or all. */
export interface ResolveAttentionAction extends StaffAction {
  reason?: string;
  note?: string;
}

/** What carriers deliver as one SMS at most (ten concatenated segments). */
export const STAFF_MESSAGE_MAX_LENGTH = 1600;
/** The Message kind of staff's own words (no template of that name is ever rendered). */
export const STAFF_MESSAGE_KIND = 'staff_message';

export const confirmUpdate = defineUpdate<AppointmentSnapshot, [StaffAction]>('confirm');
export const cancelUpdate = defineUpdate<AppointmentSnapshot, [CancelAction]>('cancel');
export const resendReminderUpdate = defineUpdate<AppointmentSnapshot, [StaffAction]>('resendReminder');
export const sendMessageUpdate = defineUpdate<AppointmentSnapshot, [StaffMessageAction]>('sendMessage');
export const markAttendanceUpdate = defineUpdate<AppointmentSnapshot, [AttendanceAction]>('markAttendance');
export const resolveAttentionUpdate = defineUpdate<AppointmentSnapshot, [ResolveAttentionAction]>('resolveAttention');

export const snapshotQuery = defineQuery<AppointmentSnapshot>('snapshot');

// ---------------------------------------------------------------------------------------------
// Error types (ApplicationFailure.type) shared by activities, workflow and API.

export const ErrorType = {
  /** The provider refused permanently (invalid number, blocked sender...): do not retry. */
  ProviderPermanent: 'ProviderPermanentError',
  /** The provider failed in a way that may pass (5xx, 429, timeout): retry with backoff. */
  ProviderTransient: 'ProviderTransientError',
  /** Input that can never succeed (unknown tenant, bad template): do not retry. */
  InvalidCommand: 'InvalidCommandError',
  /** A staff action not allowed in the appointment's current state. */
  InvalidTransition: 'InvalidTransitionError',
  /** A staff message to a patient who has opted out of messages. */
  PatientOptedOut: 'PatientOptedOutError',
  /** A staff message the provider refused or could not take (the thread shows it failed). */
  MessageNotSent: 'MessageNotSentError',
  /** A pooled tenant's send came before its turn under the tenant's rate: retried when due. */
  TenantPaced: 'TenantPacedError',
} as const;

// ---------------------------------------------------------------------------------------------
// Skill and bookkeeping activity shapes.

/**
 * routine: reminders and follow-ups (held in quiet hours, counted by the frequency cap);
 * transactional: answers and notices the patient needs now (cancellations, time changes);
 * consent: the one confirmation of an opt-out, the only message an opted-out patient gets.
 */
export type MessageUrgency = 'routine' | 'transactional' | 'consent';

export interface SendMessageCommand {
  tenantId: string;
  /** Deterministic: workflow id + step; the idempotency key of this send. */
  commandId: string;
  workflowId: string;
  appointmentExternalId: string;
  to: string;
  patientName: string;
  locale?: string;
  channel: Channel;
  template: string;
  urgency: MessageUrgency;
  /** Workflow time at which the send was decided (quiet hours and caps are judged at this instant). */
  at: string;
  appointment: AppointmentDetails;
  /** The parts of the workflow's policy snapshot the send must honour. */
  policy: Pick<Policy, 'quietHours' | 'rescheduleUrl' | 'rescheduleLinkTtl' | 'frequencyCap' | 'whatsappDeliveryWindow'>;
  variables?: Record<string, string>;
  /** reschedule_link: the day or time the patient proposed (UTC instant or clinic-local date), passed to the booking page. */
  rescheduleProposal?: string;
  /** Staff's own words (template STAFF_MESSAGE_KIND): sent as written instead of a rendered template. */
  text?: string;
}

export type SendOutcome =
  | {
      status: 'sent';
      providerMessageId: string;
      body: string;
      channel: Channel;
      /** The message's status when the send ended: receipts that overtook the provider's answer are in it. */
      providerStatus: string;
      /** With a providerStatus that is a delivery failure: the provider's error code. */
      providerErrorCode?: string;
      /** WhatsApp with a delivery window: when to re-send by SMS if it is not delivered by then. */
      deliveryCheckAt?: string;
    }
  | {
      status: 'refused';
      /** plan_limit: the tenant's monthly allowance is spent (routine messages only). */
      reason: 'opted_out' | 'quiet_hours' | 'frequency_cap' | 'plan_limit';
      detail?: string;
      /** For a message held by the frequency cap: the earliest instant it may go (out of quiet hours). */
      retryAt?: string;
    };

export type ReplyIntent =
  | 'confirm'
  | 'cancel'
  | 'reschedule'
  | 'opt_out'
  | 'opt_in'
  | 'help'
  | 'question'
  | 'unknown';

/** Below this confidence a reply goes to staff, unless the tenant's policy sets its own threshold. */
export const DEFAULT_REPLY_CONFIDENCE_THRESHOLD = 0.6;

export interface ClassifyCommand {
  tenantId: string;
  commandId: string;
  text: string;
  /** The patient's locale: a hint to the reply's language, not a promise. */
  locale?: string;
  /** The clinic's IANA time zone, in which a proposed day or time is read. */
  timeZone?: string;
  /** When the reply arrived (UTC ISO): "tomorrow" and "Tuesday" count from here. */
  receivedAt?: string;
  /** The appointment's current start (UTC ISO): a time alone means that day; naming it proposes nothing. */
  appointmentStartsAt?: string;
  /** The tenant's threshold: below it the in-process reading is unsure and the tenant's LLM, if any, is asked. */
  confidenceThreshold?: number;
  /** The patient's name, so that it is kept out of any text sent to an outside model. */
  patientName?: string;
}

/** A day and/or time the patient proposes in a reschedule reply, in the clinic's time zone. */
export interface ProposedTime {
  /** The words that named it, as the patient wrote them. */
  text: string;
  /** Clinic-local day, YYYY-MM-DD (a time alone is taken on the appointment's day). */
  date?: string;
  /** Clinic-local time, HH:MM. */
  time?: string;
  /** The UTC instant, when both the day and the time are known. */
  startsAt?: string;
}

export interface Classification {
  intent: ReplyIntent;
  confidence: number;
  /** Set when the reply is exactly a carrier keyword (STOP, START, HELP, CANCEL...). */
  carrierKeyword?: string;
  /** For a reschedule: the day or time the patient proposes. */
  proposedTime?: ProposedTime;
  /** The language the reply was read in (en, es, fr, de, pt), when it could be told. */
  language?: string;
  /** Who decided: the in-process classifier, or the tenant's LLM (asked only when the former was unsure). */
  decidedBy?: 'in_process' | 'llm';
  /** The tenant's LLM was asked and gave no usable answer; the in-process reading stands. */
  llmFailure?: 'timeout' | 'error' | 'invalid_answer';
}

export interface PlanTouchesCommand {
  timeZone: string;
  policy: Policy;
  appointment: AppointmentDetails;
  /** Workflow time: touches due before it are skipped. */
  now: string;
  revision: number;
  includeBookingConfirmation: boolean;
}

export interface TouchPlanResult {
  touches: PlannedTouch[];
  /** Touches of the policy that were not planned, with the reason (shown in the timeline). */
  skipped: { kind: string; template?: string; reason: string }[];
}

export interface PlanFollowUpCommand {
  /** Whose follow-up: its instant then meets the patient's frequency cap. */
  tenantId?: string;
  timeZone: string;
  policy: Policy;
  appointment: AppointmentDetails;
  outcome: 'completed' | 'no_show';
  now: string;
  revision: number;
}

/** The read-model row: only the fields the Appointment table stores. */
export interface AppointmentProjection {
  externalId: string;
  status: AppointmentStatus;
  needsAttention: boolean;
  startsAt: string;
  patientName: string;
  patientPhone: string;
  provider: string | null;
  location: string | null;
  nextTouchAt: string | null;
  nextTouchKind: TouchKind | null;
  /** Why it needs attention (absent in rows recorded before the projection kept them). */
  attentionReasons?: string[];
}

/** One recordAppointment: what changed since the last one. Every part is idempotent by its key. */
export interface AppointmentRecordCommand {
  tenantId: string;
  workflowId: string;
  /** The lifecycle's first run id (stays the same through continue-as-new). */
  lifecycleId: string;
  /** Orders projections: a late retry never overwrites a newer row. */
  revision: number;
  projection?: AppointmentProjection;
  timeline: TimelineEntry[];
  audit: AuditEntry[];
  consent: ConsentCommand[];
  /**
   * After the visit: the follow-up to plan in the same step (around the patient's frequency cap);
   * the projection's next touch then counts the planned follow-up too.
   */
  followUp?: PlanFollowUpCommand;
}

/** What recordAppointment wrote and planned. */
export interface AppointmentRecordResult {
  /** The projection row as written (its next touch counting the planned follow-up). */
  projection?: AppointmentProjection;
  followUp?: TouchPlanResult;
}

export interface AuditEntry {
  dedupeKey: string;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
  at: string;
}

/**
 * The consent ledger's dedupe key for a change a reply caused: the workflow (classifying the words)
 * and the provider webhook (the provider's own opt-out flag) write the same row, so it counts once.
 */
export function replyConsentKey(tenantId: string, messageId: string, change: 'opt_out' | 'opt_in'): string {
  return `${tenantId}:reply:${messageId}:${change}`;
}

export interface ConsentCommand {
  tenantId: string;
  /** Deterministic from the workflow: a retried write records once. */
  dedupeKey: string;
  phone: string;
  change: 'opt_out' | 'opt_in';
  source: 'keyword' | 'reply' | 'staff' | 'provider';
  messageId?: string;
  detail?: string;
  at: string;
}
