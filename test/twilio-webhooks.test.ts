// Twilio's two webhooks through the HTTP contract (docs/contracts.md), against real PostgreSQL and a real
// Temporal dev server, signed by the twilio package's own helper for ARO's public URL (behind a
// proxy). No worker runs: what the API recorded and signalled is what is checked.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import twilio from 'twilio';
import { adoptEarlyReceipts } from '../src/activities/delivery-receipts';
import { startApi, type RunningApi } from '../src/api/main';
import { loadConfig, type AroConfig } from '../src/config';
import { createPrisma, type Db } from '../src/db/prisma';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { createTenant } from '../src/tenants/create-tenant';
import { configureTwilio } from '../src/tenants/twilio-setup';
import { newAccount, postForm, randomSid } from './support/local-twilio';
import { startTestDatabase, startTestTemporal, type TestDatabase, type TestTemporal } from './support/servers';
import { bookingSignature } from './support/signing';

const PUBLIC_URL = 'https://aro.clinic.example/aro';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

interface Signalled {
  name: string;
  payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('Twilio webhooks: inbound replies and delivery statuses', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let temporalServer: TestTemporal;
  let db: Db;
  let connection: Connection;
  let client: Client;
  let api: RunningApi;
  let config: AroConfig;
  /** The same API, but its Temporal is a port where nothing listens: an outage. */
  let cutOff: RunningApi;
  let tenantId: string;
  let webhookSecret: string;
  const account = newAccount();
  const clinicNumber = '+15005550006';
  let phoneSeq = 0;

  before(async function () {
    this.timeout(15 * 60_000);
    [database, temporalServer] = await Promise.all([startTestDatabase(), startTestTemporal()]);
    db = createPrisma(database.databaseUrl);
    connection = await Connection.connect({ address: temporalServer.address });
    client = new Client({ connection, namespace: temporalServer.namespace });
    config = loadConfig({
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      ARO_PUBLIC_URL: PUBLIC_URL,
      ARO_SECRETS_KEY: randomBytes(32).toString('base64'),
      ARO_LOG_LEVEL: 'error',
      // The fixed dates below lie in 2030, beyond the default two-year booking horizon.
      ARO_BOOKING_HORIZON_DAYS: '3650',
    });
    api = await startApi({ config, db, temporal: client, port: 0, host: '127.0.0.1' });
    const deadTemporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    cutOff = await startApi({ config: { ...config, ARO_TEMPORAL_CALL_TIMEOUT_MS: 1000 }, db, temporal: deadTemporal, port: 0, host: '127.0.0.1' });
    const created = await createTenant(db, { name: 'Harbour Dental', timeZone: 'America/Los_Angeles' });
    ({ webhookSecret } = created);
    tenantId = created.tenant.id;
    await configureTwilio(db, credentialCipher(config), tenantId, { ...account, from: clinicNumber, whatsappFrom: clinicNumber });
  });

  after(async function () {
    this.timeout(60_000);
    await api?.close();
    await cutOff?.close();
    await connection?.close();
    await db?.$disconnect();
    await temporalServer?.stop();
    await database?.stop();
  });

  const phone = () => `+1415555${String(1000 + ++phoneSeq).padStart(4, '0')}`;
  /** Where ARO listens (the proxy forwards here) and the public URL Twilio called and signed. */
  const local = (webhook: string, tenant = tenantId, apiUrl = api.url) => `${apiUrl}/webhooks/twilio/${tenant}/${webhook}`;
  const signedFor = (webhook: string, tenant = tenantId) => `${PUBLIC_URL}/webhooks/twilio/${tenant}/${webhook}`;

  /** Posts as Twilio does: the signature computed by the twilio package over the public URL and the form. */
  function post(
    webhook: 'inbound' | 'status',
    params: Record<string, string>,
    opts: { token?: string; signedUrl?: string; tenant?: string; apiUrl?: string } = {},
  ) {
    const tenant = opts.tenant ?? tenantId;
    const signature = twilio.getExpectedTwilioSignature(opts.token ?? account.authToken, opts.signedUrl ?? signedFor(webhook, tenant), params);
    return postForm(local(webhook, tenant, opts.apiUrl), params, { 'x-twilio-signature': signature });
  }

  /** A 503 that asks Twilio to come back: the error code given and a Retry-After in whole seconds. */
  function assertRetryLater(answer: { status: number; body: string; retryAfter: string | null }, error: string): void {
    assert.equal(answer.status, 503, answer.body);
    assert.equal(JSON.parse(answer.body).error, error);
    assert.match(answer.retryAfter ?? '', /^[1-9]\d*$/);
  }

  function inbound(from: string, body: string, extra: Record<string, string> = {}) {
    return {
      MessageSid: randomSid('SM'),
      AccountSid: account.accountSid,
      From: from,
      To: clinicNumber,
      Body: body,
      NumMedia: '0',
      ...extra,
    };
  }

  async function signalsOf(workflowId: string): Promise<Signalled[]> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).flatMap((event) => {
      const s = event.workflowExecutionSignaledEventAttributes;
      return s ? [{ name: s.signalName ?? '', payload: defaultPayloadConverter.fromPayload((s.input?.payloads as Payload[])[0]) }] : [];
    });
  }

  /** A booked appointment with a running lifecycle and the projection row the API writes as it starts it. */
  async function appointment(patientPhone: string, startsAt: string): Promise<string> {
    const externalId = `appt-${randomUUID()}`;
    const event = {
      id: `evt-${randomUUID()}`,
      type: 'appointment.created',
      occurredAt: new Date().toISOString(),
      appointment: { externalId, startsAt, patient: { name: 'Rosa Díaz', phone: patientPhone } },
    };
    const raw = JSON.stringify(event);
    const res = await fetch(`${api.url}/webhooks/booking/${tenantId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(webhookSecret, raw) },
      body: raw,
    });
    assert.equal(res.status, 202);
    return `appt:${tenantId}:${externalId}`;
  }

  describe('POST /webhooks/twilio/:tenantId/inbound', () => {
    it('answers empty TwiML at once and records a reply with no active appointment as unrouted, visible to the clinic', async () => {
      const from = phone();
      const params = inbound(from, 'Is parking free?');
      const answer = await post('inbound', params);
      assert.equal(answer.status, 200);
      assert.match(answer.contentType ?? '', /text\/xml/);
      assert.equal(answer.body, EMPTY_TWIML);
      const [message] = await db.message.findMany({ where: { tenantId, fromPhone: from } });
      assert.equal(message.providerMessageId, params.MessageSid);
      assert.equal(message.provider, 'twilio');
      assert.equal(message.appointmentId, null);
      assert.equal(message.body, 'Is parking free?');
      const audit = await db.auditEvent.findMany({ where: { tenantId, action: 'reply.unrouted', subject: message.id } });
      assert.equal(audit.length, 1);
    });

    it('routes a reply to the nearest upcoming of two appointments and records the choice', async () => {
      const from = phone();
      const later = await appointment(from, '2030-04-20T10:00:00-07:00');
      const nearer = await appointment(from, '2030-03-14T09:30:00-07:00');
      const params = inbound(from, 'YES');
      assert.equal((await post('inbound', params)).status, 200);

      const reply = (await signalsOf(nearer)).find((s) => s.name === 'inboundMessage');
      assert.ok(reply, 'the nearer appointment got the reply');
      assert.equal(reply.payload.messageId, params.MessageSid);
      assert.equal(reply.payload.body, 'YES');
      assert.equal((await signalsOf(later)).filter((s) => s.name === 'inboundMessage').length, 0);
      const [choice] = await db.auditEvent.findMany({ where: { tenantId, action: 'reply.routed' } });
      const detail = choice.detail as { chosen: { workflowId: string }; passedOver: { workflowId: string }[] };
      assert.equal(detail.chosen.workflowId, nearer);
      assert.deepEqual(detail.passedOver.map((p) => p.workflowId), [later]);
    });

    it('takes a WhatsApp reply as such', async () => {
      const from = phone();
      const workflowId = await appointment(from, '2030-05-02T09:00:00-07:00');
      assert.equal((await post('inbound', inbound(`whatsapp:${from}`, 'Sí', { To: `whatsapp:${clinicNumber}` }))).status, 200);
      const [message] = await db.message.findMany({ where: { tenantId, fromPhone: from } });
      assert.equal(message.channel, 'whatsapp');
      const reply = (await signalsOf(workflowId)).find((s) => s.name === 'inboundMessage');
      assert.equal(reply?.payload.channel, 'whatsapp');
    });

    it("writes Twilio's own opt-out and opt-in (OptOutType) to the consent ledger", async () => {
      const from = phone();
      const stop = inbound(from, 'STOP', { OptOutType: 'STOP' });
      assert.equal((await post('inbound', stop)).status, 200);
      let contact = await db.contact.findUniqueOrThrow({ where: { tenantId_phone: { tenantId, phone: from } }, include: { consents: true } });
      assert.equal(contact.optedOut, true);
      assert.deepEqual(contact.consents.map((c) => [c.change, c.source, c.messageId]), [['opt_out', 'provider', stop.MessageSid]]);

      assert.equal((await post('inbound', inbound(from, 'START', { OptOutType: 'START' }))).status, 200);
      contact = await db.contact.findUniqueOrThrow({ where: { tenantId_phone: { tenantId, phone: from } }, include: { consents: { orderBy: { at: 'asc' } } } });
      assert.equal(contact.optedOut, false);
      assert.deepEqual(contact.consents.map((c) => c.change), ['opt_out', 'opt_in']);
    });

    it('a replayed delivery (same signature, same MessageSid) records nothing new', async () => {
      const from = phone();
      const workflowId = await appointment(from, '2030-06-02T09:00:00-07:00');
      const params = inbound(from, 'YES');
      assert.equal((await post('inbound', params)).status, 200);
      assert.equal((await post('inbound', params)).status, 200);
      assert.equal(await db.message.count({ where: { tenantId, providerMessageId: params.MessageSid } }), 1);
      // Re-signalled (an earlier signal may have failed), with the same message id the workflow dedupes by.
      const replies = (await signalsOf(workflowId)).filter((s) => s.name === 'inboundMessage');
      assert.ok(replies.every((r) => r.payload.messageId === params.MessageSid));
    });

    it('answers 503 with Retry-After while Temporal is out, keeping the reply; the retry routes it once', async () => {
      const from = phone();
      const workflowId = await appointment(from, '2030-06-03T09:00:00-07:00');
      const params = inbound(from, 'YES');

      assertRetryLater(await post('inbound', params, { apiUrl: cutOff.url }), 'temporal_unavailable');
      // The patient's words are kept whatever Temporal does.
      assert.equal(await db.message.count({ where: { tenantId, providerMessageId: params.MessageSid } }), 1);
      assert.equal((await signalsOf(workflowId)).filter((s) => s.name === 'inboundMessage').length, 0);

      assert.equal((await post('inbound', params)).status, 200);
      const replies = (await signalsOf(workflowId)).filter((s) => s.name === 'inboundMessage');
      assert.deepEqual(replies.map((r) => r.payload.messageId), [params.MessageSid]);
    });

    const refusals: [string, (params: Record<string, string>) => Promise<{ status: number }>][] = [
      ['a forged signature (another auth token)', (p) => post('inbound', p, { token: randomBytes(16).toString('hex') })],
      ['a missing signature', (p) => postForm(local('inbound'), p)],
      ['a signature for another URL (the internal one, not the public URL)', (p) => post('inbound', p, { signedUrl: local('inbound') })],
      ['a field changed after signing', async (p) => {
        const signature = twilio.getExpectedTwilioSignature(account.authToken, signedFor('inbound'), p);
        return postForm(local('inbound'), { ...p, Body: 'CANCEL' }, { 'x-twilio-signature': signature });
      }],
    ];
    for (const [what, deliver] of refusals) {
      it(`403 for ${what}, recording nothing`, async () => {
        const from = phone();
        const answer = await deliver(inbound(from, 'YES'));
        assert.equal(answer.status, 403);
        assert.equal(await db.message.count({ where: { tenantId, fromPhone: from } }), 0);
      });
    }

    it('403 for a tenant without Twilio credentials, 404 for an unknown tenant', async () => {
      const { tenant } = await createTenant(db, { name: 'Dev Only Clinic', timeZone: 'America/Los_Angeles' });
      assert.equal((await post('inbound', inbound(phone(), 'hi'), { tenant: tenant.id })).status, 403);
      assert.equal((await post('inbound', inbound(phone(), 'hi'), { tenant: 't_nosuchclinic' })).status, 404);
    });
  });

  describe('POST /webhooks/twilio/:tenantId/status', () => {
    /**
     * An outbound message ARO sent for a running appointment, as messaging.send records it: with
     * Twilio's id, or (`pending`) as it is before Twilio answered the create, without it.
     */
    async function sentMessage(status = 'queued') {
      const to = phone();
      const workflowId = await appointment(to, '2030-07-01T09:00:00-07:00');
      const sid = randomSid('SM');
      const { id } = await db.message.create({
        data: {
          id: `m_${randomUUID()}`,
          tenantId,
          commandId: `${workflowId}:r0:booking_confirmation`,
          appointmentId: workflowId,
          direction: 'outbound',
          channel: 'sms',
          toPhone: to,
          kind: 'booking_confirmation',
          body: 'Hi Rosa',
          provider: 'twilio',
          ...(status === 'pending' ? {} : { providerMessageId: sid, sentAt: new Date() }),
          status,
        },
      });
      return { id, sid, to, workflowId };
    }
    const receipt = (sid: string, to: string, status: string, extra: Record<string, string> = {}) => ({
      AccountSid: account.accountSid,
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: to,
      From: clinicNumber,
      ApiVersion: '2010-04-01',
      ...extra,
    });
    const deliveries = async (workflowId: string) =>
      (await signalsOf(workflowId)).filter((s) => s.name === 'deliveryStatus').map((s) => s.payload);
    const statusOf = async (sid: string) => (await db.message.findFirstOrThrow({ where: { providerMessageId: sid } })).status;

    it('applies sent then delivered, signalling each to the appointment', async () => {
      const m = await sentMessage();
      assert.equal((await post('status', receipt(m.sid, m.to, 'sent'))).status, 204);
      assert.equal((await post('status', receipt(m.sid, m.to, 'delivered'))).status, 204);
      assert.equal(await statusOf(m.sid), 'delivered');
      assert.deepEqual(await deliveries(m.workflowId), [
        { providerMessageId: m.sid, status: 'sent' },
        { providerMessageId: m.sid, status: 'delivered' },
      ]);
    });

    it('a duplicate callback changes nothing and signals nothing again', async () => {
      const m = await sentMessage();
      const params = receipt(m.sid, m.to, 'delivered');
      assert.equal((await post('status', params)).status, 204);
      assert.equal((await post('status', params)).status, 204);
      assert.equal((await deliveries(m.workflowId)).length, 1);
      assert.equal(await db.webhookEvent.count({ where: { tenantId, source: 'twilio.status', eventId: `${m.sid}:delivered` } }), 1);
    });

    it('concurrent duplicates of a callback signal the appointment once', async () => {
      const m = await sentMessage();
      const params = receipt(m.sid, m.to, 'delivered');

      const answers = await Promise.all(Array.from({ length: 10 }, () => post('status', params)));

      for (const answer of answers) {
        if (answer.status !== 204) assertRetryLater(answer, 'delivery_in_progress');
      }
      assert.ok(answers.some((a) => a.status === 204));
      assert.deepEqual(await deliveries(m.workflowId), [{ providerMessageId: m.sid, status: 'delivered' }]);
      assert.equal(await statusOf(m.sid), 'delivered');
    });

    it('a callback refused while Temporal is out (503, Retry-After) is handed on once by the retry', async () => {
      const m = await sentMessage();
      const params = receipt(m.sid, m.to, 'delivered');

      assertRetryLater(await post('status', params, { apiUrl: cutOff.url }), 'temporal_unavailable');
      const ledger = { tenantId, source: 'twilio.status', eventId: `${m.sid}:delivered` };
      assert.equal((await db.webhookEvent.findUniqueOrThrow({ where: { tenantId_source_eventId: ledger } })).state, 'received');
      assert.deepEqual(await deliveries(m.workflowId), []);

      // The message moved already; the retry must still tell the workflow.
      assert.equal((await post('status', params)).status, 204);
      assert.equal((await post('status', params)).status, 204);
      assert.deepEqual(await deliveries(m.workflowId), [{ providerMessageId: m.sid, status: 'delivered' }]);
      assert.equal((await db.webhookEvent.findUniqueOrThrow({ where: { tenantId_source_eventId: ledger } })).state, 'applied');
    });

    it('out of order: a late "sent" never moves a delivered message back', async () => {
      const m = await sentMessage();
      assert.equal((await post('status', receipt(m.sid, m.to, 'delivered'))).status, 204);
      assert.equal((await post('status', receipt(m.sid, m.to, 'sent'))).status, 204);
      assert.equal((await post('status', receipt(m.sid, m.to, 'queued'))).status, 204);
      assert.equal(await statusOf(m.sid), 'delivered');
      assert.deepEqual((await deliveries(m.workflowId)).map((d) => d.status), ['delivered']);
    });

    it('records a failure with its error code and hands it to the appointment', async () => {
      const m = await sentMessage('sent');
      assert.equal((await post('status', receipt(m.sid, m.to, 'undelivered', { ErrorCode: '30003' }))).status, 204);
      const row = await db.message.findFirstOrThrow({ where: { providerMessageId: m.sid } });
      assert.equal(row.status, 'undelivered');
      assert.equal(row.errorCode, '30003');
      assert.ok(row.failedAt);
      assert.deepEqual(await deliveries(m.workflowId), [{ providerMessageId: m.sid, status: 'undelivered', errorCode: '30003' }]);
    });

    it('a receipt that overtakes the send is kept unmatched (a redelivery is a duplicate); the send adopts it as it stores the id', async () => {
      const { id, sid, to, workflowId } = await sentMessage('pending');
      assert.equal((await post('status', receipt(sid, to, 'sent'))).status, 204);
      assert.equal((await post('status', receipt(sid, to, 'undelivered', { ErrorCode: '30003' }))).status, 204);
      assert.equal((await post('status', receipt(sid, to, 'sent'))).status, 204);
      const ledger = () =>
        db.webhookEvent.findMany({ where: { tenantId, source: 'twilio.status', eventId: { startsWith: sid } }, orderBy: { eventId: 'asc' } });
      assert.deepEqual((await ledger()).map((e) => [e.eventId, e.state, (e.payload as { ErrorCode?: string }).ErrorCode]), [
        [`${sid}:sent`, 'unmatched', undefined],
        [`${sid}:undelivered`, 'unmatched', '30003'],
      ]);
      assert.deepEqual(await deliveries(workflowId), []);

      // messaging.send stores Twilio's id and answer, then takes what came before it.
      await db.message.update({ where: { id }, data: { providerMessageId: sid, status: 'queued' } });
      assert.deepEqual(await adoptEarlyReceipts(db, { tenantId, provider: 'twilio', providerMessageId: sid }), { status: 'undelivered', errorCode: '30003' });
      const row = await db.message.findUniqueOrThrow({ where: { id } });
      assert.ok(row.failedAt);
      assert.deepEqual((await ledger()).map((e) => e.state), ['applied', 'applied']);

      // Adopted once: a second look, or a redelivery, changes nothing.
      assert.deepEqual(await adoptEarlyReceipts(db, { tenantId, provider: 'twilio', providerMessageId: sid }), { status: 'undelivered', errorCode: '30003' });
      assert.equal((await post('status', receipt(sid, to, 'undelivered', { ErrorCode: '30003' }))).status, 204);
      assert.deepEqual(await db.message.findUniqueOrThrow({ where: { id } }), row);
      assert.deepEqual(await deliveries(workflowId), []);
    });

    it('403 for a forged callback, which changes nothing', async () => {
      const m = await sentMessage();
      const answer = await post('status', receipt(m.sid, m.to, 'failed'), { token: randomBytes(16).toString('hex') });
      assert.equal(answer.status, 403);
      assert.equal(await statusOf(m.sid), 'queued');
    });

    it('400 naming the field when MessageStatus is missing', async () => {
      const m = await sentMessage();
      const params: Record<string, string> = receipt(m.sid, m.to, 'sent');
      delete params.MessageStatus;
      const answer = await post('status', params);
      assert.equal(answer.status, 400);
      assert.deepEqual(JSON.parse(answer.body).fields.map((f: { field: string }) => f.field), ['MessageStatus']);
    });
  });
});
