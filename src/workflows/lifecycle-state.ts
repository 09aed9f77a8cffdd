// The appointment's state inside its workflow and the pure rules over it (no I/O, no clock): what
// is due next, which statuses allow what, what the database has not been told yet, and the snapshot
// the query returns. Everything it carries is bounded, however long the patient keeps writing.
import {
  CLOSED_STATUSES,
  type AppointmentDetails,
  type AppointmentProjection,
  type AppointmentSnapshot,
  type AuditEntry,
  type CarriedState,
  type ConsentCommand,
  type MessageEntry,
  type PlannedTouch,
  type Touch,
} from './contracts';

/** How many event ids are remembered for dedupe; older redeliveries are beyond any provider's retry window. */
const SEEN_EVENTS_LIMIT = 200;
/** The recent part of the timeline and thread the workflow keeps (the rest is in PostgreSQL). */
export const RECENT_TIMELINE = 30;
export const RECENT_MESSAGES = 20;
/** Finished touches kept beside the pending ones (a reschedule adds a new set each time). */
const RECENT_FINISHED_TOUCHES = 12;
/** Past this many unrecorded timeline and audit entries, the database is told even if nothing else changed. */
const UNRECORDED_ENTRIES_LIMIT = 20;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The projection's single values, compared one by one (its list of attention reasons is compared apart). */
const PROJECTED_VALUES = [
  'externalId',
  'status',
  'needsAttention',
  'startsAt',
  'patientName',
  'patientPhone',
  'provider',
  'location',
  'nextTouchAt',
  'nextTouchKind',
] as const satisfies readonly Exclude<keyof AppointmentProjection, 'attentionReasons'>[];

// The carried fields are declared once, in CarriedState; the class adds the rules over them.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface LifecycleState extends CarriedState {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LifecycleState {
  /** Set when the lifecycle has nothing left to do; the workflow then completes. */
  closed = false;
  /**
   * Whether a change of attention reasons alone is written to the projection. The workflow asks a
   * patch, as runs recorded before the projection kept the reasons wrote nothing for such a change.
   */
  recordsAttentionReasons: () => boolean = () => false;

  constructor(carried: CarriedState) {
    Object.assign(this, carried);
  }

  /** A new lifecycle's state; `recorded` is the projection row its starter already wrote, if any. */
  static fresh(appointment: AppointmentDetails, recorded: AppointmentProjection | null = null): LifecycleState {
    return new LifecycleState({
      status: 'scheduled',
      needsAttention: [],
      appointment,
      touches: [],
      timeline: [],
      messages: [],
      nextSeq: 0,
      patientWasMessaged: false,
      planRevision: 0,
      stateVersion: 0,
      optedOut: false,
      seenEvents: [],
      autoReplies: [],
      unrecorded: { timeline: [], audit: [], consent: [] },
      recorded,
      // The API sets these at start, with the booking.
      indexed: { status: 'scheduled', needsAttention: false, startsAt: appointment.startsAt },
    });
  }

  /** What continue-as-new hands to the next run: everything but the per-run flag. */
  carry(): CarriedState {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { closed, recordsAttentionReasons, ...carried } = this;
    return carried;
  }

  get isClosedStatus(): boolean {
    return CLOSED_STATUSES.includes(this.status);
  }

  /** Remembers an event id; false when it was already seen (a redelivery). */
  firstSighting(eventId: string): boolean {
    if (this.seenEvents.includes(eventId)) return false;
    this.seenEvents.push(eventId);
    if (this.seenEvents.length > SEEN_EVENTS_LIMIT) this.seenEvents.shift();
    return true;
  }

  note(at: string, kind: string, detail?: string): void {
    const entry = { seq: this.nextSeq++, at, kind, detail };
    this.timeline.push(entry);
    if (this.timeline.length > RECENT_TIMELINE) this.timeline.shift();
    this.unrecorded.timeline.push(entry);
  }

  audit(entry: AuditEntry): void {
    this.unrecorded.audit.push(entry);
  }

  consent(command: ConsentCommand): void {
    this.unrecorded.consent.push(command);
  }

  raiseAttention(reason: string): void {
    if (!this.needsAttention.includes(reason)) this.needsAttention.push(reason);
  }

  clearAttention(...reasons: string[]): void {
    this.needsAttention = this.needsAttention.filter((r) => !reasons.some((x) => r === x || r.startsWith(`${x}:`)));
  }

  addMessage(message: MessageEntry): void {
    this.messages.push(message);
    if (this.messages.length > RECENT_MESSAGES) this.messages.shift();
    if (message.direction === 'outbound') this.patientWasMessaged = true;
  }

  addTouches(planned: PlannedTouch[]): void {
    for (const t of planned) {
      if (!this.touches.some((x) => x.id === t.id)) this.touches.push({ ...t, state: 'pending' });
    }
    this.tidyTouches();
  }

  /** Orders touches by instant (as instants: "+010000-…" years do not sort as text) and forgets old finished ones. */
  tidyTouches(): void {
    this.touches.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const finished = this.touches.filter((t) => t.state !== 'pending');
    const forget = new Set(finished.slice(0, Math.max(0, finished.length - RECENT_FINISHED_TOUCHES)));
    if (forget.size > 0) this.touches = this.touches.filter((t) => !forget.has(t));
  }

  /** Cancels pending touches matching `which`; returns how many. */
  cancelPending(outcome: string, which: (t: Touch) => boolean = () => true): number {
    let n = 0;
    for (const t of this.touches) {
      if (t.state === 'pending' && which(t)) {
        t.state = 'cancelled';
        t.outcome = outcome;
        n++;
      }
    }
    return n;
  }

  nextPending(): Touch | undefined {
    return this.touches.find((t) => t.state === 'pending');
  }

  /** Whether an automatic answer to an unclear reply may go at `nowMs` (and counts it if so). */
  takeAutoReply(nowMs: number, limit: number): boolean {
    this.autoReplies = this.autoReplies.filter((at) => nowMs - Date.parse(at) < DAY_MS);
    if (this.autoReplies.length >= limit) return false;
    this.autoReplies.push(new Date(nowMs).toISOString());
    return true;
  }

  /**
   * Whether the database must be told now: the projection changed, or consent (which the send skill
   * reads). Timeline and audit entries, safe in the workflow meanwhile, go with the next record.
   */
  mustRecord(nowMs: number): boolean {
    const u = this.unrecorded;
    return this.projectionChanged(nowMs) || u.consent.length > 0 || u.audit.length + u.timeline.length >= UNRECORDED_ENTRIES_LIMIT;
  }

  hasUnrecorded(nowMs: number): boolean {
    const u = this.unrecorded;
    return this.mustRecord(nowMs) || u.timeline.length > 0 || u.audit.length > 0;
  }

  projectionChanged(nowMs: number): boolean {
    const now = this.projection(nowMs);
    const recorded = this.recorded;
    if (recorded === null || PROJECTED_VALUES.some((k) => now[k] !== recorded[k])) return true;
    const reasons = (p: AppointmentProjection) => (p.attentionReasons ?? []).join('\n');
    return reasons(now) !== reasons(recorded) && this.recordsAttentionReasons();
  }

  /**
   * The read-model row. Its next touch is the next one still ahead: a touch being sent right now is
   * not "next", so sending it changes nothing the clinic's list shows.
   */
  projection(nowMs: number): AppointmentProjection {
    const a = this.appointment;
    const next = this.touches.find((t) => t.state === 'pending' && Date.parse(t.at) > nowMs);
    return {
      externalId: a.externalId,
      status: this.status,
      needsAttention: this.needsAttention.length > 0,
      startsAt: a.startsAt,
      patientName: a.patient.name,
      patientPhone: a.patient.phone,
      provider: a.provider ?? null,
      location: a.location ?? null,
      nextTouchAt: next?.at ?? null,
      nextTouchKind: next?.kind ?? null,
      attentionReasons: [...this.needsAttention],
    };
  }

  snapshot(workflowId: string, tenantId: string, policyVersion: number): AppointmentSnapshot {
    const next = this.nextPending();
    return {
      workflowId,
      tenantId,
      status: this.status,
      needsAttention: this.needsAttention.length > 0,
      attentionReasons: [...this.needsAttention],
      optedOut: this.optedOut,
      appointment: this.appointment,
      nextTouch: next ? { at: next.at, kind: next.kind, template: next.template } : null,
      touches: this.touches,
      timeline: this.timeline,
      messages: this.messages,
      policyVersion,
      revision: this.stateVersion,
      closed: this.closed,
    };
  }
}

/**
 * The projection row of a lifecycle about to start with this plan, as the workflow will compute it:
 * the API writes it when it starts the workflow, so the clinic sees the appointment at once.
 */
export function initialProjection(appointment: AppointmentDetails, plan: PlannedTouch[], nowMs: number): AppointmentProjection {
  const state = LifecycleState.fresh(appointment);
  state.addTouches(plan);
  return state.projection(nowMs);
}
