// Version 1's state and its shapes, frozen with appointment-lifecycle-v1.ts (see there).
import {
  CLOSED_STATUSES,
  type AppointmentDetails,
  type AppointmentSnapshot,
  type AppointmentStatus,
  type AuditEntry,
  type MessageEntry,
  type PlannedTouch,
  type Policy,
  type TimelineEntry,
  type Touch,
} from '../contracts';

/** Version 1's input: it carries its whole state (timeline and thread included) through continue-as-new. */
export interface LifecycleInputV1 {
  version?: undefined;
  tenantId: string;
  timeZone: string;
  appointment: AppointmentDetails;
  policy: Policy;
  bookingEventId?: string;
  carried?: CarriedStateV1;
  historyLimit?: number;
}

interface CarriedStateV1 {
  status: AppointmentStatus;
  needsAttention: string[];
  appointment: AppointmentDetails;
  touches: Touch[];
  timeline: TimelineEntry[];
  messages: MessageEntry[];
  planRevision: number;
  stateVersion: number;
  optedOut: boolean;
  seenEvents: string[];
  attendance?: 'completed' | 'no_show';
}

/** Version 1's recordAppointmentState: the whole snapshot on every change. */
export interface RecordStateCommandV1 {
  tenantId: string;
  snapshot: AppointmentSnapshot;
  audit: AuditEntry[];
}

/** How many event ids are remembered for dedupe; older redeliveries are beyond any provider's retry window. */
const SEEN_EVENTS_LIMIT = 200;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface LifecycleStateV1 extends CarriedStateV1 {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LifecycleStateV1 {
  /** Set when the lifecycle has nothing left to do; the workflow then completes. */
  closed = false;
  /** Audit entries not yet written by recordAppointmentState. */
  pendingAudit: AuditEntry[] = [];

  constructor(carried: CarriedStateV1) {
    Object.assign(this, carried);
  }

  static fresh(appointment: AppointmentDetails): LifecycleStateV1 {
    return new LifecycleStateV1({
      status: 'scheduled',
      needsAttention: [],
      appointment,
      touches: [],
      timeline: [],
      messages: [],
      planRevision: 0,
      stateVersion: 0,
      optedOut: false,
      seenEvents: [],
    });
  }

  /** What continue-as-new hands to the next run: everything but the per-run bookkeeping. */
  carry(): CarriedStateV1 {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { closed, pendingAudit, ...carried } = this;
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
    this.timeline.push({ at, kind, detail });
  }

  audit(entry: AuditEntry): void {
    this.pendingAudit.push(entry);
  }

  raiseAttention(reason: string): void {
    if (!this.needsAttention.includes(reason)) this.needsAttention.push(reason);
  }

  clearAttention(...reasons: string[]): void {
    this.needsAttention = this.needsAttention.filter((r) => !reasons.some((x) => r === x || r.startsWith(`${x}:`)));
  }

  addTouches(planned: PlannedTouch[]): void {
    for (const t of planned) {
      if (!this.touches.some((x) => x.id === t.id)) this.touches.push({ ...t, state: 'pending' });
    }
    this.touches.sort((a, b) => a.at.localeCompare(b.at));
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

  /** Whether the patient has been told anything yet (a cancellation of an unannounced booking stays silent). */
  get patientWasMessaged(): boolean {
    return this.messages.some((m) => m.direction === 'outbound');
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
