// What each kind of reply makes the appointment workflow do, under the time-skipping server with
// the real activities and PostgreSQL: every intent's consequence, the CANCEL policy both ways, the
// tenant's confidence threshold, and the tenant's LLM consulted (and timing out) on unsure replies.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { createTenant } from '../src/tenants/create-tenant';
import { configureLlm } from '../src/tenants/llm-setup';
import { inboundMessageSignal, type AppointmentSnapshot, type Policy } from '../src/workflows/contracts';
import { runWorkers, type RunningWorkers } from '../worker';
import { CLINIC_ZONE, clinicTime, eventually, outboundMessages, snapshotOf, startAppointment, type StartedAppointment } from './support/lifecycle-harness';
import { LocalLlm } from './support/local-llm';
import { historyWithPayloadsDecoded, TEST_PAYLOAD_SETTINGS } from './support/payload-keys';
import { createTimeSkippingEnv, startTestDatabase } from './support/servers';

const kinds = (snap: AppointmentSnapshot) => snap.messages.filter((m) => m.direction === 'outbound').map((m) => m.kind);
const timeline = (snap: AppointmentSnapshot, kind: string) => snap.timeline.filter((t) => t.kind === kind).map((t) => t.detail);

describe('appointmentLifecycle: replies (time-skipping)', function () {
  this.timeout(120_000);
  let env: TestWorkflowEnvironment;
  let database: { databaseUrl: string; stop(): Promise<void> };
  let db: Db;
  let workers: RunningWorkers;
  let tenantId: string;
  let llmTenantId: string;
  const llm = new LocalLlm();
  const apiKey = `sk-${randomBytes(12).toString('hex')}`;

  before(async function () {
    this.timeout(300_000);
    [env, database] = await Promise.all([createTimeSkippingEnv(), startTestDatabase()]);
    db = createPrisma(database.databaseUrl);
    const config = loadConfig({ ARO_TENANT_REFRESH_MS: '200', ...TEST_PAYLOAD_SETTINGS, ARO_SECRETS_KEY: randomBytes(32).toString('base64') });
    tenantId = (await createTenant(db, { name: 'Harbour Clinic', timeZone: CLINIC_ZONE })).tenant.id;
    llmTenantId = (await createTenant(db, { name: 'Model Clinic', timeZone: CLINIC_ZONE })).tenant.id;
    await configureLlm(db, credentialCipher(config), llmTenantId, { baseUrl: await llm.start(), model: 'local-test', timeoutMs: 1_000, apiKey });
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

  const start = async (opts: { policy?: Partial<Policy>; locale?: string; tenant?: string } = {}) => {
    const a = await startAppointment(env, db, opts.tenant ?? tenantId, clinicTime(await env.currentTimeMs(), 5, 10), opts);
    await eventually(() => snapshotOf(a.handle), (s) => kinds(s).includes('booking_confirmation'), 'booking confirmation');
    return a;
  };
  const reply = async (a: StartedAppointment, body: string, messageId = `in-${randomBytes(4).toString('hex')}`) => {
    await a.handle.signal(inboundMessageSignal, { messageId, from: a.phone, body, channel: 'sms', receivedAt: new Date(await env.currentTimeMs()).toISOString() });
    return messageId;
  };
  const until = (a: StartedAppointment, check: (s: AppointmentSnapshot) => boolean, what: string) => eventually(() => snapshotOf(a.handle), check, what);
  const consents = async (a: StartedAppointment, tenant = tenantId) =>
    (await db.contact.findUniqueOrThrow({ where: { tenantId_phone: { tenantId: tenant, phone: a.phone } }, include: { consents: true } })).consents.map((c) => [
      c.change,
      c.source,
    ]);

  it('confirm: a Spanish "yes" in words confirms and thanks the patient in Spanish', async () => {
    const a = await start({ locale: 'es' });
    await reply(a, 'Sí, allí estaré sin falta');
    const snap = await until(a, (s) => s.status === 'confirmed' && kinds(s).includes('confirm_ack'), 'confirmation');
    assert.match(timeline(snap, 'reply.classified')[0]!, /^confirm \(0\.\d\d\)$/);
    assert.match((await outboundMessages(db, a.workflowId)).at(-1)!.body, /está confirmada/);
  });

  it('cancel: "please cancel my appointment" cancels at once, answers and closes', async () => {
    const a = await start();
    await reply(a, 'Please cancel my appointment');
    const final = await a.handle.result();
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(kinds(final), ['booking_confirmation', 'cancel_ack']);
  });

  it('cancel in other words ("I won\'t be able to make it") is asked back; YES then cancels', async () => {
    const a = await start();
    await reply(a, "So sorry, I won't be able to make it");
    let snap = await until(a, (s) => kinds(s).includes('cancel_question'), 'the cancel question');
    assert.equal(snap.status, 'scheduled');
    assert.match((await outboundMessages(db, a.workflowId)).at(-1)!.body, /Reply YES to cancel/);
    await reply(a, 'yes');
    const final = await a.handle.result();
    assert.equal(final.status, 'cancelled');
    assert.deepEqual(kinds(final), ['booking_confirmation', 'cancel_question', 'cancel_ack']);

    // Without a YES the appointment stands, and a later YES confirms it as usual.
    const b = await start();
    await reply(b, "I can't come");
    await until(b, (s) => kinds(s).includes('cancel_question'), 'the cancel question');
    await reply(b, 'Actually, what time is it again?');
    await until(b, (s) => kinds(s).includes('holding'), 'holding message');
    await reply(b, 'yes');
    snap = await until(b, (s) => kinds(s).includes('confirm_ack'), 'confirmation');
    assert.equal(snap.status, 'confirmed');
    assert.deepEqual(kinds(snap), ['booking_confirmation', 'cancel_question', 'holding', 'confirm_ack']);
  });

  it('reschedule: the proposed time, read in the clinic zone, reaches the clinic and the reschedule link', async () => {
    const a = await start({ policy: { rescheduleUrl: 'https://booking.example/reschedule' } });
    const sentAt = await env.currentTimeMs();
    const messageId = await reply(a, 'Could we do tomorrow at 4pm instead?');
    const snap = await until(a, (s) => kinds(s).includes('reschedule_link'), 'reschedule link');
    const proposed = DateTime.fromMillis(sentAt, { zone: CLINIC_ZONE }).plus({ days: 1 }).set({ hour: 16, minute: 0, second: 0, millisecond: 0 });
    assert.equal(snap.status, 'reschedule_requested');
    assert.equal(timeline(snap, 'appointment.reschedule_requested')[0], `Could we do tomorrow at 4pm instead? (proposed: ${proposed.toISODate()} 16:00)`);
    const link = new URL(snap.messages.find((m) => m.kind === 'reschedule_link')!.body.match(/https:\/\/\S+/)![0]);
    assert.equal(link.searchParams.get('proposed'), proposed.toUTC().toISO());
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subject: a.workflowId, action: 'appointment.reschedule_requested' } });
    assert.deepEqual((audit.detail as { messageId: string; proposedTime: { time: string } }).proposedTime.time, '16:00');
    assert.equal((audit.detail as { messageId: string }).messageId, messageId);
  });

  it('opt-out in words: recorded in the ledger as a reply, one confirmation; opt-in in words undoes it', async () => {
    const a = await start();
    await reply(a, 'please stop sending me these texts');
    await until(a, (s) => s.optedOut && kinds(s).includes('opt_out_ack'), 'opt-out');
    await reply(a, 'I would like to receive the reminders again');
    const snap = await until(a, (s) => !s.optedOut && kinds(s).includes('opt_in_ack'), 'opt-in');
    assert.deepEqual(kinds(snap), ['booking_confirmation', 'opt_out_ack', 'opt_in_ack']);
    assert.deepEqual(await consents(a), [
      ['opt_out', 'reply'],
      ['opt_in', 'reply'],
    ]);
  });

  it('help gets the help text; a question and an unreadable reply reach staff with a holding message', async () => {
    const a = await start();
    await reply(a, 'ayuda');
    await until(a, (s) => kinds(s).includes('help'), 'help text');
    const question = await reply(a, 'Do I need to bring my insurance card?');
    const nonsense = await reply(a, 'purple elephant');
    const snap = await until(a, (s) => kinds(s).filter((k) => k === 'holding').length === 2, 'two holding messages');
    assert.deepEqual(snap.attentionReasons, [`reply:${question}`, `reply:${nonsense}`]);
    assert.deepEqual(timeline(snap, 'reply.needs_attention'), ['Do I need to bring my insurance card?', 'purple elephant']);
    assert.equal(snap.status, 'scheduled');
  });

  it('CANCEL, default policy: opt-out recorded, the appointment stands, one message says so and how to undo it', async () => {
    const a = await start();
    await reply(a, 'CANCEL');
    const snap = await until(a, (s) => kinds(s).includes('opt_out_cancel_ask'), 'the one consent message');
    assert.equal(snap.status, 'scheduled');
    assert.equal(snap.optedOut, true);
    assert.deepEqual(snap.attentionReasons, ['cancel_keyword']);
    assert.deepEqual(await consents(a), [['opt_out', 'keyword']]);
    const body = (await outboundMessages(db, a.workflowId)).at(-1)!.body;
    assert.match(body, /no more messages/);
    assert.match(body, /still booked/);
    assert.match(body, /reply START/);
  });

  it('CANCEL, cancel_appointment policy: cancelled and opted out, one message says both and how to undo them', async () => {
    const a = await start({ policy: { cancelKeyword: 'cancel_appointment' } });
    await reply(a, 'Cancel');
    const final = await a.handle.result();
    assert.equal(final.status, 'cancelled');
    assert.equal(final.optedOut, true);
    assert.deepEqual(kinds(final), ['booking_confirmation', 'opt_out_cancelled']);
    assert.deepEqual(await consents(a), [['opt_out', 'keyword']]);
    const body = (await outboundMessages(db, a.workflowId)).at(-1)!.body;
    assert.match(body, /is cancelled/);
    assert.match(body, /no more messages/);
    assert.match(body, /call us; reply START/);
  });

  it("below the tenant's threshold a reply reaches staff, not the appointment", async () => {
    const strict = await start({ policy: { replyConfidenceThreshold: 0.95 } });
    await reply(strict, 'ok'); // read as confirm, 0.90
    let snap = await until(strict, (s) => kinds(s).includes('holding'), 'holding message');
    assert.equal(snap.status, 'scheduled');
    assert.match(timeline(snap, 'reply.classified')[0]!, /^confirm \(0\.90\)$/);

    const usual = await start();
    await reply(usual, 'No, I will be there'); // contradicts itself: 0.50
    snap = await until(usual, (s) => kinds(s).includes('holding'), 'holding message');
    assert.equal(snap.status, 'scheduled');
    assert.equal(snap.needsAttention, true);
  });

  it("asks the tenant's LLM when unsure, with the reply minimised and the key only in the activity", async () => {
    llm.on('Count on it', { answer: { intent: 'confirm', confidence: 0.92 } });
    const a = await start({ tenant: llmTenantId });
    await reply(a, 'Count on it, Ana Ruiz here, call +1 415 555 0199 if needed');
    const snap = await until(a, (s) => s.status === 'confirmed', 'confirmation by the LLM');
    assert.match(timeline(snap, 'reply.classified')[0]!, /^confirm \(0\.92\) by llm$/);
    const request = llm.requests.find((r) => r.reply.startsWith('Count on it'))!;
    assert.equal(request.reply, 'Count on it, [name] [name] here, call [phone] if needed');
    assert.equal(request.headers.authorization, `Bearer ${apiKey}`);
    const history = await historyWithPayloadsDecoded(await a.handle.fetchHistory());
    assert.ok(!history.includes(apiKey), 'the API key must not enter workflow history, not even encrypted');

    const sure = await start({ tenant: llmTenantId });
    const before = llm.requests.length;
    await reply(sure, 'Yes, see you then');
    await until(sure, (s) => s.status === 'confirmed', 'confirmation in-process');
    assert.equal(llm.requests.length, before, 'a reply the classifier is sure of never leaves ARO');
  });

  it('when the LLM times out, the in-process reading stands and the reply reaches staff', async () => {
    llm.on('grapefruit', { answer: { intent: 'confirm', confidence: 0.99 }, delayMs: 3_000 });
    const a = await start({ tenant: llmTenantId });
    await reply(a, 'grapefruit season again');
    const snap = await until(a, (s) => kinds(s).includes('holding'), 'holding message');
    assert.match(timeline(snap, 'reply.classified')[0]!, /^unknown \(0\.30\) llm timeout$/);
    assert.equal(snap.status, 'scheduled');
    assert.equal(snap.needsAttention, true);
  });
});
