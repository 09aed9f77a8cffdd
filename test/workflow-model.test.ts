// Model-based test of the lifecycle: fast-check draws random sequences of what the outside world
// does to an appointment — replies, booking changes and cancellations (some arriving out of order),
// attendance, delivery receipts, staff actions, and time passing — and drives them through the
// time-skipping server with the real activities and PostgreSQL. After every step the workflow must
// be running or completed (never failed), and its state must obey the state machine: a closed
// appointment stays closed, an opted-out patient gets no routine message, touches stay in order.
// ARO_MODEL_RUNS sets how many sequences are tried (CI runs a few; the default is 6).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { createTenant } from '../src/tenants/create-tenant';
import {
  CLOSED_STATUSES,
  attendanceSignal,
  bookingCancelledSignal,
  bookingUpdatedSignal,
  cancelUpdate,
  confirmUpdate,
  deliveryStatusSignal,
  inboundMessageSignal,
  resendReminderUpdate,
  type AppointmentSnapshot,
  type AppointmentStatus,
} from '../src/workflows/contracts';
import { runWorkers, type RunningWorkers } from '../worker';
import { CLINIC_ZONE, clinicTime, eventually, snapshotOf, startAppointment, type StartedAppointment } from './support/lifecycle-harness';
import { TEST_PAYLOAD_SETTINGS } from './support/payload-keys';
import { createTimeSkippingEnv, startTestDatabase } from './support/servers';

const RUNS = Number(process.env.ARO_MODEL_RUNS ?? 6);

type Step =
  | { kind: 'reply'; text: string }
  | { kind: 'bookingUpdate'; shiftHours: number; ageMinutes: number }
  | { kind: 'bookingCancel'; ageMinutes: number }
  | { kind: 'attendance'; outcome: 'completed' | 'no_show' }
  | { kind: 'delivery'; status: 'sent' | 'delivered' | 'failed' | 'undelivered' }
  | { kind: 'staff'; action: 'confirm' | 'cancel' | 'resendReminder' }
  | { kind: 'wait'; hours: number };

const REPLIES = ['yes', 'YES', 'Please cancel my appointment', "I can't come", 'Can we move it to Friday?', 'What is the address?', 'STOP', 'START', 'HELP', 'purple elephant', 'no'];

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('reply' as const), text: fc.constantFrom(...REPLIES) }),
  fc.record({ kind: fc.constant('bookingUpdate' as const), shiftHours: fc.integer({ min: -30, max: 30 }), ageMinutes: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ kind: fc.constant('bookingCancel' as const), ageMinutes: fc.integer({ min: 0, max: 120 }) }),
  fc.record({ kind: fc.constant('attendance' as const), outcome: fc.constantFrom('completed' as const, 'no_show' as const) }),
  fc.record({ kind: fc.constant('delivery' as const), status: fc.constantFrom('sent' as const, 'delivered' as const, 'failed' as const, 'undelivered' as const) }),
  fc.record({ kind: fc.constant('staff' as const), action: fc.constantFrom('confirm' as const, 'cancel' as const, 'resendReminder' as const) }),
  fc.record({ kind: fc.constant('wait' as const), hours: fc.constantFrom(1, 6, 25, 50) }),
);

/** Where a status may go next. Closed statuses go nowhere. */
const NEXT: Record<AppointmentStatus, readonly AppointmentStatus[]> = {
  scheduled: ['awaiting_confirmation', 'confirmed', 'reschedule_requested', 'cancelled', 'completed', 'no_show'],
  awaiting_confirmation: ['scheduled', 'confirmed', 'reschedule_requested', 'cancelled', 'completed', 'no_show'],
  confirmed: ['scheduled', 'reschedule_requested', 'cancelled', 'completed', 'no_show'],
  reschedule_requested: ['scheduled', 'confirmed', 'cancelled', 'completed', 'no_show'],
  cancelled: [],
  completed: [],
  no_show: [],
};

describe('appointmentLifecycle: model-based, random sequences (time-skipping)', function () {
  this.timeout(900_000);
  let env: TestWorkflowEnvironment;
  let database: { databaseUrl: string; stop(): Promise<void> };
  let db: Db;
  let workers: RunningWorkers;
  let tenantId: string;

  before(async function () {
    [env, database] = await Promise.all([createTimeSkippingEnv(), startTestDatabase()]);
    db = createPrisma(database.databaseUrl);
    tenantId = (await createTenant(db, { name: 'Model Clinic', timeZone: CLINIC_ZONE })).tenant.id;
    workers = await runWorkers({ config: loadConfig({ ARO_TENANT_REFRESH_MS: '200', ...TEST_PAYLOAD_SETTINGS }), db, connection: env.nativeConnection });
  });
  after(async function () {
    this.timeout(60_000);
    await workers?.shutdown();
    await db?.$disconnect();
    await env?.teardown();
    await database?.stop();
  });

  /** The snapshot once the workflow has acted on everything it was sent (or null once it has closed). */
  async function settled(a: StartedAppointment): Promise<AppointmentSnapshot | null> {
    let last = '';
    for (let i = 0; i < 50; i++) {
      const description = await a.handle.describe();
      assert.ok(['RUNNING', 'COMPLETED', 'CONTINUED_AS_NEW'].includes(description.status.name), `workflow ${description.status.name}`);
      if (description.status.name !== 'RUNNING') return null;
      const snap = await snapshotOf(a.handle);
      const now = JSON.stringify(snap);
      if (now === last) return snap;
      last = now;
      await new Promise((r) => setTimeout(r, 150));
    }
    return JSON.parse(last) as AppointmentSnapshot;
  }

  async function apply(a: StartedAppointment, s: Step, nowMs: number): Promise<void> {
    const id = randomBytes(4).toString('hex');
    const occurredAt = (minutes: number) => new Date(nowMs - minutes * 60_000).toISOString();
    try {
      switch (s.kind) {
        case 'reply':
          return await a.handle.signal(inboundMessageSignal, { messageId: `in-${id}`, from: a.phone, body: s.text, channel: 'sms', receivedAt: new Date(nowMs).toISOString() });
        case 'bookingUpdate': {
          const startsAt = new Date(Date.parse(a.input.appointment.startsAt) + s.shiftHours * 3600_000).toISOString();
          return await a.handle.signal(bookingUpdatedSignal, { eventId: `upd-${id}`, occurredAt: occurredAt(s.ageMinutes), appointment: { ...a.input.appointment, startsAt } });
        }
        case 'bookingCancel':
          return await a.handle.signal(bookingCancelledSignal, { eventId: `cnl-${id}`, occurredAt: occurredAt(s.ageMinutes), reason: 'model' });
        case 'attendance':
          return await a.handle.signal(attendanceSignal, { eventId: `att-${id}`, outcome: s.outcome });
        case 'delivery': {
          const last = await db.message.findFirst({ where: { appointmentId: a.workflowId, direction: 'outbound' }, orderBy: { createdAt: 'desc' } });
          if (!last?.providerMessageId) return;
          return await a.handle.signal(deliveryStatusSignal, { providerMessageId: last.providerMessageId, status: s.status });
        }
        case 'staff': {
          const update = { confirm: confirmUpdate, cancel: cancelUpdate, resendReminder: resendReminderUpdate }[s.action];
          await a.handle.executeUpdate(update as typeof cancelUpdate, { args: [{ actor: 'model', reason: 'model' }] });
          return;
        }
        case 'wait':
          return await env.sleep(s.hours * 3600_000);
      }
    } catch (err) {
      // The lifecycle has closed, or refused a staff action its state does not allow: both are answers.
      if (err instanceof WorkflowNotFoundError || err instanceof WorkflowUpdateFailedError) return;
      throw err;
    }
  }

  it(`${RUNS} random sequences: never failed, closed stays closed, no routine message after an opt-out`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), async (steps) => {
        const a = await startAppointment(env, db, tenantId, clinicTime(await env.currentTimeMs(), 3, 10));
        await eventually(() => db.message.count({ where: { appointmentId: a.workflowId } }), (n) => n > 0, 'booking confirmation');
        let previous: AppointmentSnapshot | null = await settled(a);
        let optedOutAt: number | null = null;
        for (const s of steps) {
          const nowMs = await env.currentTimeMs();
          await apply(a, s, nowMs);
          const snap = await settled(a);
          if (!snap) break;
          if (previous && previous.status !== snap.status) {
            assert.ok(NEXT[previous.status].includes(snap.status), `${previous.status} → ${snap.status} after ${JSON.stringify(s)}`);
          }
          if (CLOSED_STATUSES.includes(snap.status)) assert.ok(!snap.touches.some((t) => t.state === 'pending' && t.kind === 'reminder'), 'a closed appointment keeps no reminder');
          const pending = snap.touches.filter((t) => t.state === 'pending').map((t) => Date.parse(t.at));
          assert.deepEqual(pending, [...pending].sort((x, y) => x - y), 'touches in order');
          if (snap.optedOut && optedOutAt === null) optedOutAt = nowMs;
          if (!snap.optedOut) optedOutAt = null;
          previous = snap;
        }
        if (optedOutAt !== null) {
          const routine = await db.message.count({ where: { appointmentId: a.workflowId, urgency: 'routine', sentAt: { gt: new Date(optedOutAt) } } });
          assert.equal(routine, 0, 'a routine message went to an opted-out patient');
        }
        const final = await a.handle.describe();
        assert.notEqual(final.status.name, 'FAILED');
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
