// The appointmentLifecycle suite, run under Temporal's time-skipping test server with the real
// activities and a real PostgreSQL: days-long schedules run in seconds, every message's instant
// is checked. Run twice: with the worker's cache, and with none (every task replays history).
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { createPrisma, type Db } from '../../src/db/prisma';
import { workflowBundle } from '../../src/worker/workflow-bundle';
import { verifyRescheduleLink } from '../../src/domain/reschedule-link';
import { createTenant } from '../../src/tenants/create-tenant';
import {
  LIFECYCLE_VERSION,
  attendanceSignal,
  bookingCancelledSignal,
  bookingUpdatedSignal,
  deliveryStatusSignal,
  inboundMessageSignal,
  markAttendanceUpdate,
  resolveAttentionUpdate,
  sendMessageUpdate,
  type AppointmentSnapshot,
} from '../../src/workflows/contracts';
import type { RunningWorkers } from '../../worker';
import {
  clinicTime,
  eventually,
  outboundMessages,
  skipTo,
  snapshotOf,
  startAppointment,
  startWorkers,
  takeStartedWorkflows,
  uniquePhone,
  CLINIC_ZONE,
  type StartedAppointment,
} from './lifecycle-harness';
import { createTimeSkippingEnv, startTestDatabase } from './servers';
import { recordHistory } from './histories';
import { testDataConverter } from './payload-keys';
import { ScriptedProvider } from './scripted-provider';

const SECOND = 1000;
const EventType = temporal.api.enums.v1.EventType;

function sent(snap: AppointmentSnapshot): { kind: string; at: string }[] {
  return snap.messages.filter((m) => m.direction === 'outbound').map((m) => ({ kind: m.kind!, at: m.at }));
}
function kinds(snap: AppointmentSnapshot): string[] {
  return sent(snap).map((m) => m.kind);
}
/** Asserts a message went out at `expected`, give or take the few seconds a workflow task takes. */
function assertSentAt(snap: AppointmentSnapshot, kind: string, expected: DateTime): void {
  const message = sent(snap).find((m) => m.kind === kind);
  assert.ok(message, `${kind} was not sent; sent: ${kinds(snap).join(', ')}`);
  const drift = Math.abs(Date.parse(message.at) - expected.toMillis());
  assert.ok(drift < 5 * SECOND, `${kind} sent at ${message.at}, expected ${expected.toUTC().toISO()}`);
}

export interface SuiteOptions {
  /** After each test, replay the histories of the workflows it started, from their first event. */
  replayHistories?: boolean;
}

export function lifecycleSuite(title: string, options: SuiteOptions = {}) {
  describe(title, function () {
    this.timeout(120_000);
    let env: TestWorkflowEnvironment;
    let database: { databaseUrl: string; stop(): Promise<void> };
    let db: Db;
    let workers: RunningWorkers;
    let tenantId: string;
    let scriptedTenantId: string;
    const provider = new ScriptedProvider();

    before(async function () {
      this.timeout(300_000);
      [env, database] = await Promise.all([createTimeSkippingEnv(), startTestDatabase()]);
      db = createPrisma(database.databaseUrl);
      tenantId = (await createTenant(db, { name: 'Sunrise Clinic', timeZone: CLINIC_ZONE })).tenant.id;
      scriptedTenantId = (await createTenant(db, { name: 'Scripted Clinic', timeZone: CLINIC_ZONE })).tenant.id;
      await db.tenant.update({ where: { id: scriptedTenantId }, data: { channels: { provider: 'scripted' } } });
      // An approved WhatsApp template, so a booking confirmation may go by WhatsApp outside a session.
      await db.template.create({
        data: {
          id: `tpl_wa_${scriptedTenantId}`,
          tenantId: scriptedTenantId,
          kind: 'booking_confirmation',
          locale: 'en',
          channel: 'whatsapp',
          body: 'Hi {{name}}, your appointment at {{clinic}} is booked for {{date}} at {{time}}.',
          contentSid: 'HX0123456789abcdef0123456789abcdef',
          contentVariables: { '1': 'name', '2': 'date', '3': 'time' },
        },
      });
      workers = await startWorkers(env, db, { providers: { scripted: provider } });
    });
    if (options.replayHistories) {
      // Only this test's workflows: another suite run earlier in the same process may have started
      // some on a test environment that is gone by now.
      beforeEach(() => void takeStartedWorkflows());
      afterEach(async function () {
        this.timeout(60_000);
        const started = takeStartedWorkflows();
        // A failed test has said what went wrong; its half-run workflows prove nothing about replay.
        if (this.currentTest?.state !== 'passed') return;
        for (const handle of started) {
          await Worker.runReplayHistory(
            { workflowBundle: await workflowBundle({ traced: false }), dataConverter: testDataConverter() },
            await handle.fetchHistory(),
            handle.workflowId,
          );
        }
      });
    }
    after(async function () {
      this.timeout(60_000);
      await workers?.shutdown();
      await db?.$disconnect();
      await env?.teardown();
      await database?.stop();
    });

    const now = async () => env.currentTimeMs();
    const reply = (a: StartedAppointment, body: string, id = `in-${Math.random()}`) =>
      a.handle.signal(inboundMessageSignal, { messageId: id, from: a.phone, body, channel: 'sms', receivedAt: new Date().toISOString() });
    const until = (a: StartedAppointment, check: (s: AppointmentSnapshot) => boolean, what: string) =>
      eventually(() => snapshotOf(a.handle), check, what);

    it('runs a whole lifecycle: booked, reminded twice, confirmed by reply, attended, review requested', async () => {
      // Watched through the database, as the clinic sees it, not through queries: the history then
      // holds only what the lifecycle itself did, and its length below is the lifecycle's own cost.
      const t0 = await now();
      const startsAt = clinicTime(t0, 5, 10); // 10:00 clinic time in 5 days
      const a = await startAppointment(env, db, tenantId, startsAt);
      const projected = (check: (p: { status: string; nextTouchKind: string | null; nextTouchAt: Date | null }) => boolean, what: string) =>
        eventually(() => db.appointment.findUnique({ where: { tenantId_externalId: { tenantId, externalId: a.externalId } } }), (p) => p !== null && check(p), what);
      const sentAt = async (kind: string, expected: DateTime) => {
        const rows = await eventually(() => outboundMessages(db, a.workflowId), (r) => r.some((m) => m.kind === kind && m.sentAt), kind);
        const drift = Math.abs(rows.find((m) => m.kind === kind)!.sentAt!.getTime() - expected.toMillis());
        assert.ok(drift < 5 * SECOND, `${kind} sent ${drift} ms away from ${expected.toUTC().toISO()}`);
      };
      await eventually(() => outboundMessages(db, a.workflowId), (r) => r.some((m) => m.kind === 'booking_confirmation' && m.sentAt), 'booking confirmation');
      let row = await projected((p) => p.nextTouchKind === 'reminder', 'the reminder as next touch');
      assert.equal(row!.status, 'scheduled');
      assert.equal(row!.nextTouchAt!.toISOString(), startsAt.minus({ days: 2 }).toUTC().toISO());

      await skipTo(env, startsAt.minus({ days: 2 }).plus({ minutes: 1 }));
      await sentAt('reminder_confirm', startsAt.minus({ days: 2 }));
      await projected((p) => p.status === 'awaiting_confirmation', 'awaiting confirmation');

      await reply(a, 'Yes');
      await projected((p) => p.status === 'confirmed', 'confirmed');
      await eventually(() => outboundMessages(db, a.workflowId), (r) => r.some((m) => m.kind === 'confirm_ack'), 'confirm_ack');

      await skipTo(env, startsAt.minus({ hours: 2 }).plus({ minutes: 1 }));
      await sentAt('reminder_final', startsAt.minus({ hours: 2 }));

      await skipTo(env, startsAt.plus({ minutes: 40 }));
      await a.handle.signal(attendanceSignal, { eventId: 'checked-in-1', outcome: 'completed' });
      const final = await a.handle.result();
      assert.equal(final.status, 'completed');
      assert.equal(final.closed, true);
      // Due 2 hours after the visit, but the final reminder went out that morning and the default
      // cap is one routine message a day: it is planned for 24 hours after that reminder.
      assert.match(final.touches.find((t) => t.kind === 'review_request')!.note ?? '', /frequency cap/);
      assertSentAt(final, 'review_request', startsAt.minus({ hours: 2 }).plus({ days: 1 }));
      assert.deepEqual(kinds(final), ['booking_confirmation', 'reminder_confirm', 'confirm_ack', 'reminder_final', 'review_request']);
      row = await db.appointment.findUnique({ where: { tenantId_externalId: { tenantId, externalId: a.externalId } } });
      assert.equal(row!.nextTouchKind, null);

      if (process.env.ARO_RECORD_HISTORIES) await recordHistory(`v${LIFECYCLE_VERSION}-full-lifecycle`, a.handle);

      // What the lifecycle costs the server: booking → confirmation sent (up to the first wait),
      // and the whole of it. Figures, not timing: the same run always takes the same events.
      const events = (await a.handle.fetchHistory()).events!;
      const toConfirmation = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) + 1;
      console.log(`      history: ${toConfirmation} events to the booking confirmation, ${events.length} in all`);
      assert.ok(toConfirmation > 0 && toConfirmation <= 16, `${toConfirmation} events to the booking confirmation`);
      assert.ok(events.length <= 75, `${events.length} events in the whole lifecycle`);

      const rows = await outboundMessages(db, a.workflowId);
      assert.deepEqual(rows.map((m) => m.kind), kinds(final));
      assert.match(rows[0].body, /Sunrise Clinic/);
      const projection = await db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId, externalId: a.externalId } } });
      assert.equal(projection.status, 'completed');
    });

    it('moves a reminder out of quiet hours and sends it at the end of the window', async () => {
      const startsAt = clinicTime(await now(), 4, 9); // 09:00 → the 2-hour reminder falls at 07:00, inside 21:00–08:00
      const a = await startAppointment(env, db, tenantId, startsAt);
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      await a.handle.signal(bookingUpdatedSignal, { eventId: 'noop', appointment: a.input.appointment });
      await skipTo(env, startsAt.minus({ minutes: 30 }));
      const snap = await until(a, (s) => kinds(s).includes('reminder_final'), 'final reminder');
      assertSentAt(snap, 'reminder_final', startsAt.set({ hour: 8 }));
      assert.match(snap.touches.find((t) => t.template === 'reminder_final')!.note!, /quiet hours/);
    });

    it('booked 2 hours ahead: only the booking confirmation, no stale "in 2 days" reminder', async () => {
      const startsAt = DateTime.fromMillis(await now(), { zone: CLINIC_ZONE }).plus({ hours: 2 });
      const a = await startAppointment(env, db, tenantId, startsAt);
      await skipTo(env, startsAt.plus({ minutes: 10 }));
      const snap = await until(a, (s) => s.timeline.some((t) => t.kind === 'touch.skipped'), 'skips');
      assert.deepEqual(kinds(snap), ['booking_confirmation']);
      assert.equal(snap.timeline.filter((t) => t.kind === 'touch.skipped').length, 2);
    });

    it('a reschedule moves every pending touch; nothing is sent at the old instants', async () => {
      const startsAt = clinicTime(await now(), 5, 10);
      const a = await startAppointment(env, db, tenantId, startsAt);
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      const newStart = startsAt.plus({ days: 3 }).set({ hour: 15 });
      await a.handle.signal(bookingUpdatedSignal, {
        eventId: 'moved-1',
        appointment: { ...a.input.appointment, startsAt: newStart.toUTC().toISO()! },
      });
      // The notice goes before the new plan is made: wait for both.
      let snap = await until(a, (s) => kinds(s).includes('rescheduled_notice') && s.nextTouch !== null, 'reschedule notice and new plan');
      assert.equal(snap.appointment.startsAt, newStart.toUTC().toISO());
      assert.equal(snap.nextTouch?.at, newStart.minus({ days: 2 }).toUTC().toISO());

      await skipTo(env, startsAt.plus({ hours: 1 })); // past the old appointment: no old touch may fire
      snap = await snapshotOf(a.handle);
      assert.deepEqual(kinds(snap), ['booking_confirmation', 'rescheduled_notice']);
      assert.ok(snap.touches.filter((t) => t.outcome === 'rescheduled').length >= 2);

      await skipTo(env, newStart.minus({ days: 2 }).plus({ minutes: 1 }));
      snap = await until(a, (s) => kinds(s).includes('reminder_confirm'), 'reminder for the new time');
      assertSentAt(snap, 'reminder_confirm', newStart.minus({ days: 2 }));

      // A redelivered booking event has no second effect.
      await a.handle.signal(bookingUpdatedSignal, { eventId: 'moved-1', appointment: a.input.appointment });
      await skipTo(env, DateTime.fromMillis((await now()) + 60_000));
      assert.equal((await snapshotOf(a.handle)).appointment.startsAt, newStart.toUTC().toISO());
    });

    it('a cancellation from the booking system cancels every pending touch and tells the patient', async () => {
      const startsAt = clinicTime(await now(), 5, 10);
      const a = await startAppointment(env, db, tenantId, startsAt);
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      await a.handle.signal(bookingCancelledSignal, { eventId: 'cancel-1', reason: 'doctor ill' });
      const final = await a.handle.result();
      assert.equal(final.status, 'cancelled');
      assert.deepEqual(kinds(final), ['booking_confirmation', 'cancelled_notice']);
      assert.ok(final.touches.every((t) => t.state !== 'pending'));
    });

    it('a "cancel" reply cancels the appointment, answers the patient and tells the clinic', async () => {
      const a = await startAppointment(env, db, tenantId, clinicTime(await now(), 5, 10));
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      await reply(a, 'I need to cancel my appointment');
      const final = await a.handle.result();
      assert.equal(final.status, 'cancelled');
      assert.deepEqual(kinds(final), ['booking_confirmation', 'cancel_ack']);
      assert.ok(final.timeline.some((t) => t.kind === 'clinic.notified'));
      const audit = await db.auditEvent.findMany({ where: { subject: a.workflowId, action: 'appointment.cancelled' } });
      assert.equal(audit.length, 1);
    });

    it('STOP opts the patient out: ledger recorded, one confirmation, no further reminders', async () => {
      const startsAt = clinicTime(await now(), 5, 10);
      const a = await startAppointment(env, db, tenantId, startsAt);
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      await reply(a, 'STOP', 'stop-1');
      await until(a, (s) => s.optedOut && kinds(s).includes('opt_out_ack'), 'opt-out');
      await skipTo(env, startsAt.minus({ days: 2 }).plus({ hours: 1 })); // the 2-day reminder's moment passes in silence
      const snap = await snapshotOf(a.handle);
      assert.deepEqual(kinds(snap), ['booking_confirmation', 'opt_out_ack']);
      assert.equal(snap.status, 'scheduled');
      const contact = await db.contact.findUniqueOrThrow({ where: { tenantId_phone: { tenantId, phone: a.phone } }, include: { consents: true } });
      assert.equal(contact.optedOut, true);
      assert.deepEqual(contact.consents.map((c) => [c.change, c.source, c.detail]), [['opt_out', 'keyword', 'STOP']]);

      await reply(a, 'START', 'start-1');
      const back = await until(a, (s) => !s.optedOut && s.touches.some((t) => t.state === 'pending' && t.template), 'opt-in and a new plan');
      assert.ok(kinds(back).includes('opt_in_ack'));
      assert.deepEqual(
        back.touches.filter((t) => t.state === 'pending').map((t) => t.kind),
        ['confirmation_deadline', 'reminder', 'attendance_window'],
      );
    });

    it('a bare CANCEL (default policy) records the opt-out and asks about the appointment, which stays booked', async () => {
      const a = await startAppointment(env, db, tenantId, clinicTime(await now(), 5, 10));
      await reply(a, 'CANCEL');
      const snap = await until(a, (s) => kinds(s).includes('opt_out_cancel_ask'), 'opt-out question');
      assert.equal(snap.optedOut, true);
      assert.equal(snap.status, 'scheduled');
      assert.deepEqual(snap.attentionReasons, ['cancel_keyword']);
      const body = (await outboundMessages(db, a.workflowId)).find((m) => m.kind === 'opt_out_cancel_ask')!.body;
      assert.match(body, /still booked/);
    });

    it('a bare CANCEL with the cancel_appointment policy cancels the appointment', async () => {
      const a = await startAppointment(env, db, tenantId, clinicTime(await now(), 5, 10), { policy: { cancelKeyword: 'cancel_appointment' } });
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      await reply(a, 'cancel');
      const final = await a.handle.result();
      assert.equal(final.status, 'cancelled');
      assert.equal(final.optedOut, true);
      assert.deepEqual(kinds(final), ['booking_confirmation', 'opt_out_cancelled']);
    });

    it('a reschedule reply sends a signed, expiring link when the clinic has a reschedule page', async () => {
      const a = await startAppointment(env, db, tenantId, clinicTime(await now(), 5, 10), {
        policy: { rescheduleUrl: 'https://booking.example/reschedule' },
      });
      await reply(a, 'can we do another day?');
      const snap = await until(a, (s) => kinds(s).includes('reschedule_link'), 'reschedule link');
      assert.equal(snap.status, 'reschedule_requested');
      assert.equal(snap.needsAttention, false);
      const body = snap.messages.find((m) => m.kind === 'reschedule_link')!.body;
      const link = body.match(/https:\/\/\S+/)![0];
      const { webhookSecret } = await db.tenant.findUniqueOrThrow({ where: { id: tenantId } });
      const nowSeconds = Math.floor((await now()) / 1000);
      assert.equal(verifyRescheduleLink(link, tenantId, webhookSecret, nowSeconds), true);
      assert.equal(verifyRescheduleLink(link, tenantId, webhookSecret, nowSeconds + 3 * 86_400), false, 'link must expire after its TTL');
      const forged = link.slice(0, -1) + (link.endsWith('0') ? '1' : '0');
      assert.equal(verifyRescheduleLink(forged, tenantId, webhookSecret, nowSeconds), false);
    });

    it('a reschedule reply without a reschedule page asks the clinic to call back (needs attention)', async () => {
      const a = await startAppointment(env, db, tenantId, clinicTime(await now(), 5, 10));
      await reply(a, 'R');
      const snap = await until(a, (s) => kinds(s).includes('reschedule_request_ack'), 'reschedule acknowledgement');
      assert.equal(snap.status, 'reschedule_requested');
      assert.deepEqual(snap.attentionReasons, ['reschedule_requested']);
    });

    it('a question reaches the clinic as needs-attention, with a holding reply; HELP gets the help text', async () => {
      const a = await startAppointment(env, db, tenantId, clinicTime(await now(), 5, 10));
      await reply(a, 'Where do I park?', 'q-1');
      let snap = await until(a, (s) => s.needsAttention && kinds(s).includes('holding'), 'needs attention');
      assert.deepEqual(snap.attentionReasons, ['reply:q-1']);
      assert.equal(snap.status, 'scheduled');
      await reply(a, 'HELP');
      snap = await until(a, (s) => kinds(s).includes('help'), 'help text');
      const projection = await db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId, externalId: a.externalId } } });
      assert.equal(projection.needsAttention, true);
    });

    it("staff updates: reasons resolved one by one (each change projected), a reply to the patient, a no-show once started", async () => {
      const startsAt = clinicTime(await now(), 5, 10);
      const a = await startAppointment(env, db, tenantId, startsAt);
      await reply(a, 'Where do I park?', 'q-a');
      await reply(a, 'Can I bring my son?', 'q-b');
      await until(a, (s) => s.attentionReasons.length === 2, 'both replies for staff');
      const projected = () => db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId, externalId: a.externalId } } });
      await eventually(projected, (p) => p.attentionReasons.join() === 'reply:q-a,reply:q-b', 'a second reason alone reaches the projection');

      const by = { actor: 'front desk' };
      await assert.rejects(a.handle.executeUpdate(resolveAttentionUpdate, { args: [{ ...by, reason: 'unconfirmed' }] }), (err: Error) =>
        /cannot resolve "unconfirmed": the appointment needs attention for reply:q-a, reply:q-b/.test(String((err.cause as Error | undefined)?.message)),
      );
      let snap = await a.handle.executeUpdate(resolveAttentionUpdate, { args: [{ ...by, reason: 'reply:q-a', note: 'parking map sent' }] });
      assert.deepEqual(snap.attentionReasons, ['reply:q-b']);
      assert.equal(snap.timeline.at(-1)?.detail, 'reply:q-a by front desk: parking map sent');
      await eventually(projected, (p) => p.attentionReasons.join() === 'reply:q-b', 'one reason left in the projection');

      snap = await a.handle.executeUpdate(sendMessageUpdate, { args: [{ ...by, body: 'Yes, bring him along.' }] });
      assert.ok(snap.messages.some((m) => m.kind === 'staff_message' && m.body === 'Yes, bring him along.' && m.direction === 'outbound'));
      snap = await a.handle.executeUpdate(resolveAttentionUpdate, { args: [by] });
      assert.deepEqual([snap.needsAttention, snap.attentionReasons], [false, []]);

      await assert.rejects(a.handle.executeUpdate(markAttendanceUpdate, { args: [{ ...by, outcome: 'no_show' }] }), (err: Error) =>
        /has not started yet/.test(String((err.cause as Error | undefined)?.message)),
      );
      await skipTo(env, startsAt.plus({ minutes: 20 }));
      snap = await a.handle.executeUpdate(markAttendanceUpdate, { args: [{ ...by, outcome: 'no_show' }] });
      assert.equal(snap.status, 'no_show');
      assert.ok(snap.touches.some((t) => t.kind === 'rebook' && t.state === 'pending'), 'the rebook message planned');
      // The history of the patch `projection-attention-reasons` and of the staff updates, replayed from now on.
      if (process.env.ARO_RECORD_HISTORIES) await recordHistory(`v${LIFECYCLE_VERSION}-staff-updates`, a.handle);
    });

    it('unconfirmed 24 hours before the start raises needs attention', async () => {
      const startsAt = clinicTime(await now(), 5, 10);
      const a = await startAppointment(env, db, tenantId, startsAt);
      await skipTo(env, startsAt.minus({ hours: 23 }));
      const snap = await until(a, (s) => s.attentionReasons.includes('unconfirmed'), 'unconfirmed flag');
      assert.equal(snap.status, 'awaiting_confirmation');
      const unconfirmedAt = snap.timeline.find((t) => t.kind === 'appointment.unconfirmed')!.at;
      assert.ok(Math.abs(Date.parse(unconfirmedAt) - startsAt.minus({ hours: 24 }).toMillis()) < 5 * SECOND);
    });

    it('a no-show gets the rebook message, held by the daily cap until the next day, and closes', async () => {
      const startsAt = clinicTime(await now(), 3, 11);
      const a = await startAppointment(env, db, tenantId, startsAt);
      await skipTo(env, startsAt.plus({ minutes: 45 }));
      await a.handle.signal(attendanceSignal, { eventId: 'ns-1', outcome: 'no_show' });
      const final = await a.handle.result();
      assert.equal(final.status, 'no_show');
      // An hour later would be the second routine message that day: held to the next day.
      assertSentAt(final, 'rebook', startsAt.minus({ hours: 2 }).plus({ days: 1 }));
    });

    it('a failed delivery with no fallback raises needs attention', async () => {
      // The scripted provider accepts as "sent"; the dev outbox reports "delivered" at once, which a
      // later failure report may not undo.
      const a = await startAppointment(env, db, scriptedTenantId, clinicTime(await now(), 5, 10));
      const snap0 = await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      const providerMessageId = snap0.messages[0].providerMessageId!;
      await a.handle.signal(deliveryStatusSignal, { providerMessageId, status: 'undelivered', errorCode: '30003' });
      const snap = await until(a, (s) => s.needsAttention, 'delivery failure');
      assert.deepEqual(snap.attentionReasons, ['delivery_failed:booking_confirmation']);
      assert.equal(snap.messages[0].status, 'undelivered');
    });

    const byWhatsapp = { bookingConfirmation: { enabled: true, channel: 'whatsapp' as const }, whatsappDeliveryWindow: 'PT30M' };
    const channels = (snap: AppointmentSnapshot) => snap.messages.filter((m) => m.direction === 'outbound').map((m) => `${m.channel} ${m.kind}`);

    it('a WhatsApp message still undelivered after the policy window is re-sent by SMS, visible in the timeline', async () => {
      const a = await startAppointment(env, db, scriptedTenantId, clinicTime(await now(), 5, 10), { policy: byWhatsapp });
      const sentAt = Date.parse((await until(a, (s) => channels(s).includes('whatsapp booking_confirmation'), 'WhatsApp confirmation')).messages[0].at);
      await skipTo(env, DateTime.fromMillis(sentAt + 31 * 60_000));
      const snap = await until(a, (s) => channels(s).includes('sms booking_confirmation'), 'SMS fallback');
      assert.deepEqual(channels(snap), ['whatsapp booking_confirmation', 'sms booking_confirmation']);
      const fallback = snap.timeline.find((t) => t.kind === 'message.fallback');
      assert.match(fallback!.detail!, /booking_confirmation: not delivered \(sent\) in time; re-sending by SMS/);
      assert.ok(Math.abs(Date.parse(snap.messages[1].at) - (sentAt + 30 * 60_000)) < 5 * SECOND);
      assert.equal(snap.needsAttention, false);
    });

    it('a WhatsApp message delivered within the window is not re-sent; a late "sent" does not undo "delivered"', async () => {
      const a = await startAppointment(env, db, scriptedTenantId, clinicTime(await now(), 5, 10), { policy: byWhatsapp });
      const first = (await until(a, (s) => channels(s).includes('whatsapp booking_confirmation'), 'WhatsApp confirmation')).messages[0];
      await a.handle.signal(deliveryStatusSignal, { providerMessageId: first.providerMessageId!, status: 'delivered' });
      await a.handle.signal(deliveryStatusSignal, { providerMessageId: first.providerMessageId!, status: 'sent' });
      await skipTo(env, DateTime.fromMillis(Date.parse(first.at) + 31 * 60_000));
      const snap = await until(a, (s) => s.touches.some((t) => t.kind === 'delivery_check' && t.state === 'sent'), 'the delivery check');
      assert.deepEqual(channels(snap), ['whatsapp booking_confirmation']);
      assert.equal(snap.messages[0].status, 'delivered');
    });

    it("over the plan's monthly allowance a reminder is held and the clinic told; a cancellation notice still goes", async () => {
      const { tenant } = await createTenant(db, { name: 'Capped Clinic', timeZone: CLINIC_ZONE });
      const startsAt = clinicTime(await now(), 3, 10);
      // The allowance (individual: 1,000) is spent this month and next, whatever day the test runs.
      for (const month of [DateTime.fromMillis(await now(), { zone: CLINIC_ZONE }), startsAt]) {
        await db.messageUsage.upsert({
          where: { tenantId_month: { tenantId: tenant.id, month: month.toFormat('yyyy-MM') } },
          create: { tenantId: tenant.id, month: month.toFormat('yyyy-MM'), messages: 1_000 },
          update: { messages: 1_000 },
        });
      }
      const a = await startAppointment(env, db, tenant.id, startsAt);
      // The booking confirmation is not routine: it goes, over the allowance, and counts.
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      const usage = await db.messageUsage.findMany({ where: { tenantId: tenant.id } });
      assert.equal(usage.reduce((n, u) => n + u.messages, 0), 1_000 * usage.length + 1, JSON.stringify(usage));
      await skipTo(env, startsAt.minus({ days: 2 }).plus({ minutes: 1 }));
      const held = await until(a, (s) => s.attentionReasons.includes('plan_limit:reminder_confirm'), 'the held reminder');
      // The suite's clock is wherever earlier tests left it: the two messages may fall in two months.
      const [, used, month] = /reminder_confirm: plan_limit \((\d+) of 1000 messages of the individual plan used in (\d{4}-\d{2})\)/.exec(
        held.timeline.find((t) => t.kind === 'message.held')!.detail!,
      )!;
      assert.equal(Number(used), usage.find((u) => u.month === month)?.messages, `the usage of ${month}`);
      await a.handle.signal(bookingCancelledSignal, { eventId: 'cancel-capped', reason: 'doctor ill' });
      const final = await a.handle.result();
      assert.deepEqual(kinds(final), ['booking_confirmation', 'cancelled_notice']);
      const audit = await db.auditEvent.findMany({ where: { tenantId: tenant.id, action: 'usage.hard_limit' } });
      assert.equal(audit.length, 1);
    });

    it('retries a transient provider failure with backoff and sends once', async () => {
      const phone = uniquePhone();
      provider.script(phone, ['transient', 'transient']);
      const a = await startAppointment(env, db, scriptedTenantId, clinicTime(await now(), 5, 10), { phone });
      const snap = await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation after retries');
      assert.deepEqual(
        provider.calls.filter((c) => c.to === phone).map((c) => c.answer),
        ['transient', 'transient', 'accepted'],
      );
      assert.equal(snap.needsAttention, false);
      assert.equal((await outboundMessages(db, a.workflowId)).length, 1);
    });

    it('does not retry a permanent provider failure: the clinic sees it', async () => {
      const phone = uniquePhone();
      provider.script(phone, ['permanent']);
      const a = await startAppointment(env, db, scriptedTenantId, clinicTime(await now(), 5, 10), { phone });
      const snap = await until(a, (s) => s.needsAttention, 'delivery failure');
      assert.deepEqual(snap.attentionReasons, ['delivery_failed:booking_confirmation']);
      assert.match(snap.timeline.find((t) => t.kind === 'message.failed')!.detail!, /invalid destination number/);
      assert.equal(provider.calls.filter((c) => c.to === phone).length, 1);
    });

    it('without attendance the lifecycle closes after the attendance window', async () => {
      const startsAt = clinicTime(await now(), 3, 11);
      const a = await startAppointment(env, db, tenantId, startsAt);
      const final = await a.handle.result();
      assert.equal(final.closed, true);
      assert.ok(final.timeline.some((t) => t.kind === 'appointment.closed'));
      assert.deepEqual(kinds(final), ['booking_confirmation', 'reminder_confirm', 'reminder_final']);
    });

    it('continues as new when the history grows, carrying the state over', async () => {
      const startsAt = clinicTime(await now(), 5, 10);
      const a = await startAppointment(env, db, tenantId, startsAt, { historyLimit: 40 });
      await until(a, (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
      const firstRun = (await a.handle.describe()).runId;
      for (let i = 0; i < 6; i++) await reply(a, 'HELP', `help-${i}`);
      const latest = env.client.workflow.getHandle(a.workflowId);
      await eventually(() => latest.describe(), (d) => d.runId !== firstRun, 'a new run after continue-as-new');
      const snap = await until(a, (s) => kinds(s).filter((k) => k === 'help').length === 6, 'six help answers');
      // The new run waits for the same reminder the old one did.
      assert.equal(snap.nextTouch?.template, 'reminder_confirm');
      assert.equal(snap.timeline[0].kind, 'appointment.booked');
      assert.equal(kinds(snap)[0], 'booking_confirmation');
    });
  });
}
