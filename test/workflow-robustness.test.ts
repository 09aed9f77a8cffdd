// The lifecycle as the system of record under pressure, on the time-skipping server with the real
// activities and PostgreSQL: a skill that fails for good leaves the lifecycle running and the reply
// with staff; unclear replies cannot start a conversation loop; booking events apply in the order
// they happened; a patient who writes hundreds of times leaves a bounded state, with the whole
// timeline in PostgreSQL; a record step that cannot write holds up no message and loses nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { createTenant } from '../src/tenants/create-tenant';
import { configureLlm } from '../src/tenants/llm-setup';
import { bookingUpdatedSignal, inboundMessageSignal, type AppointmentSnapshot, type Policy } from '../src/workflows/contracts';
import { RECENT_MESSAGES, RECENT_TIMELINE } from '../src/workflows/lifecycle-state';
import { runWorkers, type RunningWorkers } from '../worker';
import { CLINIC_ZONE, clinicTime, eventually, outboundMessages, snapshotOf, startAppointment, type StartedAppointment } from './support/lifecycle-harness';
import { LocalLlm } from './support/local-llm';
import { TEST_PAYLOAD_SETTINGS } from './support/payload-keys';
import { createTimeSkippingEnv, startTestDatabase } from './support/servers';

const EventType = temporal.api.enums.v1.EventType;
const kinds = (snap: AppointmentSnapshot) => snap.messages.filter((m) => m.direction === 'outbound').map((m) => m.kind);

describe('appointmentLifecycle: the system of record holds (time-skipping)', function () {
  this.timeout(300_000);
  let env: TestWorkflowEnvironment;
  let database: { databaseUrl: string; stop(): Promise<void> };
  let db: Db;
  let workers: RunningWorkers;
  let tenantId: string;
  let brokenLlmTenantId: string;
  const llm = new LocalLlm();

  before(async function () {
    [env, database] = await Promise.all([createTimeSkippingEnv(), startTestDatabase()]);
    db = createPrisma(database.databaseUrl);
    const config = loadConfig({ ARO_TENANT_REFRESH_MS: '200', ...TEST_PAYLOAD_SETTINGS, ARO_SECRETS_KEY: randomBytes(32).toString('base64') });
    tenantId = (await createTenant(db, { name: 'Harbour Clinic', timeZone: CLINIC_ZONE })).tenant.id;
    // A clinic whose LLM key can no longer be opened: every unsure reading fails for good.
    brokenLlmTenantId = (await createTenant(db, { name: 'Broken Key Clinic', timeZone: CLINIC_ZONE })).tenant.id;
    await configureLlm(db, credentialCipher(config), brokenLlmTenantId, { baseUrl: await llm.start(), model: 'local-test', timeoutMs: 1_000, apiKey: 'sk-test' });
    await db.providerCredential.updateMany({ where: { tenantId: brokenLlmTenantId }, data: { sealed: 'not-a-sealed-credential' } });
    workers = await runWorkers({ config, db, connection: env.nativeConnection });
  });
  after(async function () {
    this.timeout(60_000);
    await workers?.shutdown();
    await llm.stop();
    await db?.$disconnect();
    await env?.teardown();
    await database?.stop();
  });

  const start = async (opts: { policy?: Partial<Policy>; tenant?: string; historyLimit?: number; timeZone?: string } = {}) => {
    const a = await startAppointment(env, db, opts.tenant ?? tenantId, clinicTime(await env.currentTimeMs(), 5, 10), opts);
    await eventually(() => snapshotOf(a.handle), (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
    return a;
  };
  const reply = async (a: StartedAppointment, body: string, messageId = `in-${randomBytes(4).toString('hex')}`) => {
    await a.handle.signal(inboundMessageSignal, { messageId, from: a.phone, body, channel: 'sms', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
    return messageId;
  };
  const until = (a: StartedAppointment, check: (s: AppointmentSnapshot) => boolean, what: string, timeoutMs?: number) =>
    eventually(() => snapshotOf(a.handle), check, what, timeoutMs);

  it('a reply the classify skill cannot read, even after an hour of retries, goes to staff: no guess, no failed workflow', async () => {
    const a = await start({ tenant: brokenLlmTenantId });
    const messageId = await reply(a, 'purple elephant maybe');
    // The skill retries until its hour is up; the test server skips the waiting.
    await env.sleep('2 hours');
    const snap = await until(a, (s) => s.attentionReasons.includes(`reply:${messageId}`), 'the reply with staff');
    assert.equal(snap.status, 'scheduled');
    assert.ok(snap.timeline.some((t) => t.kind === 'reply.unread'), 'the timeline says the reply could not be read');
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subject: a.workflowId, action: 'reply.needs_attention' } });
    assert.equal((audit.detail as { text: string }).text, 'purple elephant maybe');
    const described = await a.handle.describe();
    assert.equal(described.status.name, 'RUNNING');
  });

  it("while ARO's database refuses the record step, messaging goes on; the record is written when it is back", async () => {
    const a = await start();
    const row = () => db.appointment.findUniqueOrThrow({ where: { tenantId_externalId: { tenantId, externalId: a.externalId } } });
    // The timeline's table gone: every record step fails (after its retries) until it is back.
    await db.$executeRawUnsafe('ALTER TABLE "TimelineEntry" RENAME TO "TimelineEntryAway"');
    try {
      await reply(a, 'yes');
      const snap = await until(a, (s) => kinds(s).includes('confirm_ack'), 'the answer to the patient');
      assert.equal(snap.status, 'confirmed');
      // Give the record step time to fail for good (its retries run on the worker's clock, not the test server's).
      await new Promise((r) => setTimeout(r, 12_000));
      const status = (await a.handle.describe()).status.name;
      if (status !== 'RUNNING') {
        const failure: unknown = await a.handle.result().catch((err: unknown) => err);
        const events = (await a.handle.fetchHistory()).events!.slice(-6).map((e) => `${EventType[e.eventType!]} ${JSON.stringify(e.workflowExecutionFailedEventAttributes?.failure ?? e.markerRecordedEventAttributes?.failure ?? '').slice(0, 600)}`);
        assert.fail(`the lifecycle is ${status}: ${String((failure as { cause?: unknown }).cause ?? failure)} ${events.join('\n')}`);
      }
    } finally {
      await db.$executeRawUnsafe('ALTER TABLE "TimelineEntryAway" RENAME TO "TimelineEntry"');
    }
    // The next try comes a minute later.
    await env.sleep('2 minutes');
    await eventually(row, (r) => r.status === 'confirmed', 'the projection recorded after the outage');
    const kindsStored = (await db.timelineEntry.findMany({ where: { workflowId: a.workflowId } })).map((t) => t.kind);
    assert.ok(kindsStored.includes('appointment.confirmed') && kindsStored.includes('appointment.booked'), kindsStored.join(', '));
  });

  it('a re-plan that fails for good (a time zone the planner cannot read) leaves the appointment with staff, not a failed lifecycle', async () => {
    const a = await start({ timeZone: 'Mars/Olympus_Mons' });
    const moved = new Date(Date.parse(a.input.appointment.startsAt) + 24 * 3600_000).toISOString();
    await a.handle.signal(bookingUpdatedSignal, { eventId: 'move-1', appointment: { ...a.input.appointment, startsAt: moved } });
    const snap = await until(a, (s) => s.attentionReasons.includes('planning_failed'), 'the planning failure with staff', 60_000);
    assert.equal(snap.appointment.startsAt, moved);
    assert.ok(snap.timeline.some((t) => t.kind === 'planning.failed'));
    assert.ok(kinds(snap).includes('rescheduled_notice'), 'the patient still hears of the new time');
    assert.equal((await a.handle.describe()).status.name, 'RUNNING');
  });

  it('an auto-responder gets at most two automatic answers a day; the rest wait for staff', async () => {
    const a = await start();
    for (let i = 0; i < 6; i++) await reply(a, `Auto-reply: I am away until Monday (${i})`);
    const snap = await until(a, (s) => s.timeline.filter((t) => t.kind === 'reply.not_answered').length === 4, 'four replies left to staff');
    assert.equal(kinds(snap).filter((k) => k === 'holding').length, 2);
    assert.equal(snap.attentionReasons.filter((r) => r.startsWith('reply:')).length, 6);
    // A day later the clinic's holding answer may go again.
    await env.sleep('25 hours');
    await reply(a, 'Auto-reply: I am away until Monday (again)');
    const later = await until(a, (s) => kinds(s).filter((k) => k === 'holding').length === 3, 'a third holding answer a day later');
    assert.equal((await outboundMessages(db, a.workflowId)).filter((m) => m.kind === 'holding').length, 3);
    assert.equal(later.status, 'scheduled');
  });

  it('a booking update that happened before the last one applied is recorded and ignored', async () => {
    const a = await start();
    const booked = Date.parse(a.input.appointment.startsAt);
    const later = new Date(booked + 24 * 3600_000).toISOString();
    const earlier = new Date(booked + 2 * 3600_000).toISOString();
    const t0 = await env.currentTimeMs();
    // The second change (to the next day) arrives first; the first change (two hours later) arrives second.
    await a.handle.signal(bookingUpdatedSignal, {
      eventId: 'upd-2',
      occurredAt: new Date(t0 - 60_000).toISOString(),
      appointment: { ...a.input.appointment, startsAt: later },
    });
    await a.handle.signal(bookingUpdatedSignal, {
      eventId: 'upd-1',
      occurredAt: new Date(t0 - 120_000).toISOString(),
      appointment: { ...a.input.appointment, startsAt: earlier },
    });
    const snap = await until(a, (s) => s.timeline.some((t) => t.kind === 'booking.stale'), 'the stale update recorded');
    assert.equal(snap.appointment.startsAt, later);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subject: a.workflowId, action: 'booking.stale_ignored' } });
    assert.equal((audit.detail as { eventId: string }).eventId, 'upd-1');
  });

  it('500 replies to one appointment: bounded state and events, the whole timeline in PostgreSQL', async () => {
    const a = await start({ historyLimit: 2_000 });
    const replies = 500;
    for (let i = 0; i < replies; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => reply(a, `Is parking available near the clinic? (${i + j})`)));
    }
    await eventually(
      () => db.timelineEntry.count({ where: { workflowId: a.workflowId, kind: 'reply.classified' } }),
      (n) => n === replies,
      'every reply in the PostgreSQL timeline',
      240_000,
    );
    const snap = await snapshotOf(a.handle);
    assert.ok(snap.messages.length <= RECENT_MESSAGES);
    assert.ok(snap.timeline.length <= RECENT_TIMELINE);
    assert.match(snap.timeline.at(-1)!.detail ?? '', /parking|automatic answers/);
    // Two automatic answers; every reply still reached staff.
    assert.equal((await outboundMessages(db, a.workflowId)).filter((m) => m.kind === 'holding').length, 2);
    // Each reply is audited for staff; the attention list names the first twenty and says there are more.
    assert.equal(snap.attentionReasons.filter((r) => r.startsWith('reply:')).length, 21);
    assert.ok(snap.attentionReasons.includes('reply:more'));
    assert.equal(await db.auditEvent.count({ where: { subject: a.workflowId, action: 'reply.needs_attention' } }), replies);

    const runs = await historiesOf(env, a.handle);
    const figures = runs.map((h) => ({ events: h.events!.length, bytes: temporal.api.history.v1.History.encode(h).finish().length }));
    const largestEvent = Math.max(...runs.flatMap((h) => h.events!.map((e) => temporal.api.history.v1.HistoryEvent.encode(e).finish().length)));
    console.log(`      500 replies: ${runs.length} runs; events/bytes per run ${figures.map((f) => `${f.events}/${f.bytes}`).join(', ')}; largest event ${largestEvent} bytes`);
    // Bounded: no event grows with the conversation (a snapshot of the whole thread would).
    assert.ok(largestEvent < 64 * 1024, `largest event ${largestEvent} bytes`);
    assert.ok(runs.length > 1, 'the history limit hands the state to a new run');
  });
});

/** Every run's history, oldest first: from the latest run back through its "continued from" links. */
async function historiesOf(env: TestWorkflowEnvironment, handle: WorkflowHandle): Promise<temporal.api.history.v1.IHistory[]> {
  const histories: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
    histories.unshift(history);
    const started = history.events![0];
    const previous = started.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    if (started.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED || !previous) return histories;
    runId = previous;
  }
}
