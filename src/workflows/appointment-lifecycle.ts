// appointmentLifecycle: one appointment from booking to follow-up, the system of record for its
// state. Signal and update handlers only queue events; the main loop handles them one at a time
// between touches, so every side effect happens in one place and in a replayable order. A timer
// watches the next touch; events do not cancel it, and it changes only when that instant moves.
import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  ErrorType,
  LIFECYCLE_VERSION,
  STAFF_MESSAGE_MAX_LENGTH,
  attendanceSignal,
  bookingCancelledSignal,
  bookingUpdatedSignal,
  cancelUpdate,
  confirmUpdate,
  deliveryStatusSignal,
  inboundMessageSignal,
  markAttendanceUpdate,
  resendReminderUpdate,
  resolveAttentionUpdate,
  sendMessageUpdate,
  snapshotQuery,
  type AppointmentSnapshot,
  type AttendanceSignal,
  type BookingCancelledSignal,
  type BookingUpdatedSignal,
  type DeliveryStatusSignal,
  type InboundMessageSignal,
  type LifecycleInput,
} from './contracts';
import { attentionToResolve } from '../domain/attention-reasons';
import {
  OPTED_OUT,
  attendanceRefusal,
  onAttendance,
  onBooking,
  onCancelledByBooking,
  onDelivery,
  onStaff,
  type StaffEvent,
  type StaffRefusal,
} from './booking-events';
import { LifecycleActions } from './lifecycle-actions';
import { LifecycleState } from './lifecycle-state';
import { onInbound } from './reply-handling';
import { fire } from './touch-firing';
import { appointmentLifecycleV1 } from './v1/appointment-lifecycle-v1';
import type { LifecycleInputV1 } from './v1/lifecycle-state-v1';

const DEFAULT_HISTORY_LIMIT = 10_000;
/** The projection records why the appointment needs attention, so a change of reasons alone is written too. */
export const ATTENTION_REASONS_PATCH = 'projection-attention-reasons';
/** Longest note staff may leave when they resolve what needed attention. */
const RESOLVE_NOTE_MAX_LENGTH = 500;

type LifecycleEvent =
  | { type: 'booking'; payload: BookingUpdatedSignal }
  | { type: 'cancelled'; payload: BookingCancelledSignal }
  | { type: 'inbound'; payload: InboundMessageSignal }
  | { type: 'delivery'; payload: DeliveryStatusSignal }
  | { type: 'attendance'; payload: AttendanceSignal }
  | ({ type: 'staff' } & StaffEvent);

/** A staff event as queued: without the id, which the handler assigns. */
type StaffRequest = StaffEvent extends infer E ? (E extends StaffEvent ? Omit<E, 'id'> : never) : never;

export async function appointmentLifecycle(input: LifecycleInput | LifecycleInputV1): Promise<AppointmentSnapshot> {
  // Runs started before version 2 replay and finish on the code they started with.
  if (input.version !== LIFECYCLE_VERSION) return appointmentLifecycleV1(input);
  return runLifecycle(input);
}

/**
 * The timer of the next touch. Armed for an instant; an event that does not move that instant
 * leaves it alone. When the next touch moves earlier (a follow-up planned before the attendance
 * window), the later timer is kept, since it may be wanted again, rather than cancelled; a timer
 * due before the new instant would only wake the workflow for nothing, so it is cancelled.
 */
class TouchTimers {
  private readonly pending = new Map<number, CancellationScope>();
  private target: number | undefined;
  private targetFired = false;

  get fired(): boolean {
    return this.targetFired;
  }

  arm(atMs: number | undefined): void {
    for (const [at, scope] of this.pending) {
      if (atMs === undefined || at < atMs) {
        scope.cancel();
        this.pending.delete(at);
      }
    }
    this.target = atMs;
    this.targetFired = false;
    if (atMs === undefined || this.pending.has(atMs)) return;
    const scope = new CancellationScope();
    this.pending.set(atMs, scope);
    void scope
      .run(() => sleep(Math.max(1, atMs - Date.now())))
      .then(
        () => {
          this.pending.delete(atMs);
          if (this.target === atMs) this.targetFired = true;
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }
}

async function runLifecycle(input: LifecycleInput): Promise<AppointmentSnapshot> {
  const { tenantId, policy } = input;
  const state = input.carried ? new LifecycleState(input.carried) : LifecycleState.fresh(input.appointment, input.projected ?? null);
  const lc = new LifecycleActions(input, state);
  const events: LifecycleEvent[] = [];
  /** Staff actions the loop has acted on, with the refusal when it could not do them. */
  const finishedStaffActions = new Map<number, StaffRefusal | undefined>();
  let staffActionCount = 0;
  // Only asked when the reasons alone changed, so histories from before the change replay as they were.
  state.recordsAttentionReasons = () => patched(ATTENTION_REASONS_PATCH);
  const snapshot = () => state.snapshot(lc.workflowId, tenantId, policy.version);

  // ---------------------------------------------------------------------------------------------
  // Handlers: validate, queue, and (for updates) wait until the main loop has acted.

  setHandler(bookingUpdatedSignal, (payload) => void events.push({ type: 'booking', payload }));
  setHandler(bookingCancelledSignal, (payload) => void events.push({ type: 'cancelled', payload }));
  setHandler(inboundMessageSignal, (payload) => void events.push({ type: 'inbound', payload }));
  setHandler(deliveryStatusSignal, (payload) => void events.push({ type: 'delivery', payload }));
  setHandler(attendanceSignal, (payload) => void events.push({ type: 'attendance', payload }));
  setHandler(snapshotQuery, snapshot);

  const staffAction = async (request: StaffRequest) => {
    const id = ++staffActionCount;
    events.push({ type: 'staff', id, ...request } as LifecycleEvent);
    await condition(() => finishedStaffActions.has(id));
    const refusal = finishedStaffActions.get(id);
    finishedStaffActions.delete(id);
    if (refusal) throw ApplicationFailure.create({ type: refusal.type, message: refusal.message, nonRetryable: true });
    return snapshot();
  };
  const refuseWhenClosed = (action: string) => {
    if (state.isClosedStatus || state.closed) {
      throw new Error(`cannot ${action}: the appointment is ${state.status}`);
    }
  };
  const refuseWhenEnded = (action: string) => {
    if (state.closed) throw new Error(`cannot ${action}: the appointment's lifecycle has ended (${state.status})`);
  };
  setHandler(confirmUpdate, (by) => staffAction({ action: 'confirm', by }), {
    validator: (_by) => refuseWhenClosed('confirm'),
  });
  setHandler(cancelUpdate, (by) => staffAction({ action: 'cancel', by, reason: by.reason }), {
    validator: (_by) => refuseWhenClosed('cancel'),
  });
  setHandler(resendReminderUpdate, (by) => staffAction({ action: 'resendReminder', by }), {
    validator: (_by) => {
      refuseWhenClosed('resend a reminder');
      if (state.optedOut) throw new Error('cannot resend a reminder: the patient has opted out of messages');
    },
  });
  // A reply is allowed after the visit too (while the follow-up keeps the lifecycle open).
  setHandler(sendMessageUpdate, ({ actor, body }) => staffAction({ action: 'sendMessage', by: { actor }, body }), {
    validator: ({ body }) => {
      refuseWhenEnded('send a message');
      if (typeof body !== 'string' || body.trim() === '' || body.length > STAFF_MESSAGE_MAX_LENGTH) {
        throw ApplicationFailure.create({
          type: ErrorType.InvalidCommand,
          message: `body: must be 1 to ${STAFF_MESSAGE_MAX_LENGTH} characters of text`,
          nonRetryable: true,
        });
      }
      if (state.optedOut) throw ApplicationFailure.create({ ...OPTED_OUT, nonRetryable: true });
    },
  });
  setHandler(markAttendanceUpdate, ({ actor, outcome }) => staffAction({ action: 'markAttendance', by: { actor }, outcome }), {
    validator: ({ outcome }) => {
      refuseWhenEnded('mark attendance');
      if (outcome !== 'completed' && outcome !== 'no_show') throw new Error(`cannot mark attendance: unknown outcome ${String(outcome)}`);
      const refusal = attendanceRefusal({ state });
      if (refusal) throw new Error(`cannot mark attendance: ${refusal}`);
      // A patient may check in early; nobody has missed a visit that has not begun.
      if (outcome === 'no_show' && Date.now() < Date.parse(state.appointment.startsAt)) {
        throw new Error('cannot mark a no-show: the appointment has not started yet');
      }
    },
  });
  setHandler(resolveAttentionUpdate, ({ actor, reason, note }) => staffAction({ action: 'resolveAttention', by: { actor }, reason, note }), {
    validator: ({ reason, note }) => {
      refuseWhenEnded('resolve attention');
      if (note !== undefined && (typeof note !== 'string' || note.length > RESOLVE_NOTE_MAX_LENGTH)) {
        throw new Error(`note: must be at most ${RESOLVE_NOTE_MAX_LENGTH} characters`);
      }
      const resolved = attentionToResolve(state.needsAttention, reason);
      if (typeof resolved === 'string') throw new Error(resolved);
    },
  });

  async function handle(e: LifecycleEvent): Promise<void> {
    try {
      switch (e.type) {
        case 'booking':
          return await onBooking(lc, e.payload);
        case 'cancelled':
          return await onCancelledByBooking(lc, e.payload);
        case 'inbound':
          return await onInbound(lc, e.payload);
        case 'delivery':
          return await onDelivery(lc, e.payload);
        case 'attendance':
          return await onAttendance(lc, e.payload);
        case 'staff':
          finishedStaffActions.set(e.id, await onStaff(lc, e));
          return;
      }
    } finally {
      if (e.type === 'staff' && !finishedStaffActions.has(e.id)) finishedStaffActions.set(e.id, undefined);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Main loop.

  if (!input.carried) {
    state.lastBookingChangeAt = input.bookingOccurredAt;
    lc.note('appointment.booked', state.appointment.startsAt);
    lc.audit('appointment.booked', { startsAt: state.appointment.startsAt, eventId: input.bookingEventId });
    if (input.bookingEventId) state.firstSighting(`booking:${input.bookingEventId}`);
    await lc.planFromBooking(true, input.plan);
    // The clinic sees the appointment before its first message is even tried (the API has written
    // its row already, unless the workflow was started some other way).
    if (state.mustRecord(Date.now())) await lc.record();
  }

  const timer = new TouchTimers();
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  for (;;) {
    while (!state.closed) {
      if (events.length > 0) {
        await handle(events.shift()!);
        continue;
      }
      const next = state.nextPending();
      if (next && Date.parse(next.at) <= Date.now()) {
        await fire(lc, next);
        continue;
      }
      const retryAt = state.recordRetryAt ? Date.parse(state.recordRetryAt) : undefined;
      if (retryAt !== undefined && retryAt <= Date.now()) state.recordRetryAt = undefined;
      // One record per workflow task at most: what changed is written before the workflow waits.
      if (state.mustRecord(Date.now()) && state.recordRetryAt === undefined) await lc.record();
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength >= historyLimit) break;
      const wakeTimes = [next?.at, state.recordRetryAt].filter((t): t is string => t !== undefined).map((t) => Date.parse(t));
      const wakeAt = wakeTimes.length > 0 ? Math.min(...wakeTimes) : undefined;
      timer.arm(wakeAt);
      await condition(() => events.length > 0 || timer.fired);
    }
    if (state.closed) break;
    // Keep the history bounded: hand the state to a fresh run once no event or update is in flight
    // (an update handler always has its event queued until the loop has acted on it).
    await condition(() => events.length > 0 || allHandlersFinished());
    if (events.length === 0) {
      await lc.record();
      await continueAsNew<typeof appointmentLifecycle>({ ...input, plan: undefined, projected: undefined, carried: state.carry() });
    }
  }

  // Updates accepted just before closing still get their answer.
  while (events.length > 0) await handle(events.shift()!);
  await condition(allHandlersFinished);
  // The run ends here, so what the database has not been told cannot wait for a later record.
  for (await lc.record(); state.recordRetryAt; await lc.record()) {
    await sleep(Math.max(1, Date.parse(state.recordRetryAt) - Date.now()));
  }
  return snapshot();
}
