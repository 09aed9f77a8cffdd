// End to end through Twilio: the worker sends with the real `twilio` client to a local
// Twilio-compatible server, whose signed status callbacks and the patient's signed replies come
// back through ARO's webhooks — then everything the run left behind (logs, workflow histories, HTTP
// answers, the database) is scanned for the clinic's auth token.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import { Client as PgClient } from 'pg';
import type { Db } from '../src/db/prisma';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { createTenant } from '../src/tenants/create-tenant';
import { configureTwilio } from '../src/tenants/twilio-setup';
import { freePort } from '../src/toolchain/free-port';
import { appointmentWorkflowId, snapshotQuery, type AppointmentSnapshot } from '../src/workflows/contracts';
import { startAroStack, type AroStack } from './support/aro-stack';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { LocalTwilio, newAccount, postSigned, randomSid } from './support/local-twilio';
import { historyWithPayloadsDecoded } from './support/payload-keys';
import { bookingSignature } from './support/signing';

const ZONE = 'America/New_York';

/** Everything written to stdout and stderr while installed (still written through). */
function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (original: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = tap(originals.out);
  process.stderr.write = tap(originals.err);
  return {
    text: () => chunks.join(''),
    restore: () => {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}

describe('end to end through Twilio: send, delivery receipts, replies, and no auth token anywhere', function () {
  this.timeout(120_000);
  let stack: AroStack;
  let db: Db;
  let client: Client;
  let twilioServer: LocalTwilio;
  let output: ReturnType<typeof captureOutput>;
  let tenant: { id: string; webhookSecret: string; apiKey: string };
  const account = newAccount();
  const httpAnswers: string[] = [];

  before(async function () {
    this.timeout(15 * 60_000);
    output = captureOutput();
    twilioServer = await new LocalTwilio([account]).start();
    const apiPort = await freePort();
    stack = await startAroStack({
      ARO_API_PORT: String(apiPort),
      // Twilio reaches ARO here: the status callback URL of every message is built from it.
      ARO_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      ARO_TWILIO_API_URL: twilioServer.url,
      ARO_SECRETS_KEY: randomBytes(32).toString('base64'),
      // As much logging as ARO does, so the scan below has the most to look through.
      ARO_LOG_LEVEL: 'debug',
    });
    ({ db, temporal: client } = stack);
    const created = await createTenant(db, { name: 'Harbour Dental', timeZone: ZONE });
    tenant = { id: created.tenant.id, webhookSecret: created.webhookSecret, apiKey: created.apiKey };
    await configureTwilio(db, credentialCipher(stack.config), tenant.id, {
      ...account,
      messagingServiceSid: randomSid('MG'),
      whatsappFrom: '+15005550007',
      maxMessagesPerSecond: 10,
    });
  });

  after(async function () {
    this.timeout(60_000);
    output?.restore();
    await twilioServer?.stop();
    await stack?.stop();
  });

  async function fetchText(path: string, init?: RequestInit): Promise<{ status: number; text: string }> {
    const res = await fetch(`${stack.url}${path}`, init);
    const text = await res.text();
    httpAnswers.push(text);
    return { status: res.status, text };
  }

  async function book(externalId: string, phone: string): Promise<string> {
    const startsAt = DateTime.now().setZone(ZONE).plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const raw = JSON.stringify({
      id: `evt-${externalId}`,
      type: 'appointment.created',
      occurredAt: DateTime.now().toISO(),
      appointment: { externalId, startsAt: startsAt.toISO(), patient: { name: 'Rosa Díaz', phone } },
    });
    const answer = await fetchText(`/webhooks/booking/${tenant.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(tenant.webhookSecret, raw) },
      body: raw,
    });
    assert.equal(answer.status, 202, answer.text);
    return appointmentWorkflowId(tenant.id, externalId);
  }

  const snapshot = (workflowId: string) => client.workflow.getHandle(workflowId).query(snapshotQuery);
  const until = (workflowId: string, check: (s: AppointmentSnapshot) => boolean, what: string) =>
    eventually(() => snapshot(workflowId), check, what);

  it('sends the booking confirmation through Twilio; the signed receipts mark it delivered; a signed reply confirms', async () => {
    const phone = uniquePhone();
    const workflowId = await book('visit-1', phone);
    const delivered = await until(workflowId, (s) => s.messages[0]?.status === 'delivered', 'the confirmation delivered');
    const [sent] = twilioServer.sentTo(phone);
    assert.equal(delivered.messages[0].providerMessageId, sent.sid);
    assert.deepEqual(
      twilioServer.callbacks.filter((c) => c.sid === sent.sid).map((c) => [c.status, c.answer]),
      [['sent', 204], ['delivered', 204]],
    );

    const reply = { MessageSid: randomSid('SM'), AccountSid: account.accountSid, From: phone, To: '+15005550006', Body: 'YES', NumMedia: '0' };
    assert.equal(await postSigned(account.authToken, `${stack.url}/webhooks/twilio/${tenant.id}/inbound`, reply), 200);
    const confirmed = await until(workflowId, (s) => s.status === 'confirmed' && s.messages.some((m) => m.kind === 'confirm_ack'), 'confirmed');
    assert.deepEqual(confirmed.messages.map((m) => [m.direction, m.kind ?? null]), [
      ['outbound', 'booking_confirmation'],
      ['inbound', null],
      ['outbound', 'confirm_ack'],
    ]);
    assert.equal(twilioServer.sentTo(phone).length, 2);
    const usage = await db.messageUsage.findMany({ where: { tenantId: tenant.id } });
    assert.equal(usage[0].messages, 2);
  });

  it('an undelivered receipt and a refused number both reach the clinic as needs attention', async () => {
    const unreachable = uniquePhone();
    twilioServer.deliverTo(unreachable, [{ status: 'sent' }, { status: 'undelivered', errorCode: 30003 }]);
    const first = await book('visit-2', unreachable);
    const snap = await until(first, (s) => s.needsAttention, 'the undelivered confirmation');
    assert.deepEqual(snap.attentionReasons, ['delivery_failed:booking_confirmation']);
    assert.ok(snap.timeline.some((t) => t.kind === 'message.failed' && t.detail === 'booking_confirmation: undelivered (30003)'));

    const invalid = uniquePhone();
    twilioServer.script(invalid, [{ status: 400, code: 21211, message: `The 'To' number ${invalid} is not a valid phone number.` }]);
    const second = await book('visit-3', invalid);
    const refused = await until(second, (s) => s.needsAttention, 'the refused confirmation');
    assert.match(refused.timeline.find((t) => t.kind === 'message.failed')!.detail!, /Twilio 21211 \(invalid To number\)/);
  });

  /** The delivery statuses signalled to the appointment (as its history recorded them). */
  async function deliverySignals(workflowId: string): Promise<number> {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'deliveryStatus').length;
  }

  it("receipts that overtake Twilio's answer to the create are kept, and applied as the send stores the id; a redelivery changes nothing", async () => {
    const phone = uniquePhone();
    twilioServer.receiptsBeforeAnswer(phone);
    const workflowId = await book('visit-4', phone);
    const snap = await until(workflowId, (s) => s.messages.length > 0, 'the confirmation sent');
    const [sent] = twilioServer.sentTo(phone);
    // Both were answered before the create was: the send's answer said "accepted".
    assert.deepEqual(
      twilioServer.callbacks.filter((c) => c.sid === sent.sid).map((c) => [c.status, c.answer]),
      [['sent', 204], ['delivered', 204]],
    );
    assert.equal(snap.messages[0].providerMessageId, sent.sid);
    assert.equal(snap.messages[0].status, 'delivered');
    const row = await db.message.findFirstOrThrow({ where: { providerMessageId: sent.sid } });
    assert.equal(row.status, 'delivered');
    assert.ok(row.deliveredAt);
    const ledger = () =>
      db.webhookEvent.findMany({ where: { tenantId: tenant.id, source: 'twilio.status', eventId: { startsWith: sent.sid } }, orderBy: { eventId: 'asc' } });
    assert.deepEqual((await ledger()).map((e) => [e.eventId, e.state]), [[`${sent.sid}:delivered`, 'applied'], [`${sent.sid}:sent`, 'applied']]);

    // Twilio delivers again: duplicates, with no second effect anywhere.
    assert.equal(await twilioServer.sendStatus(sent, 'sent'), 204);
    assert.equal(await twilioServer.sendStatus(sent, 'delivered'), 204);
    assert.deepEqual(await db.message.findFirstOrThrow({ where: { providerMessageId: sent.sid } }), row);
    assert.deepEqual((await ledger()).map((e) => e.state), ['applied', 'applied']);
    assert.equal(await deliverySignals(workflowId), 0);
    assert.deepEqual((await snapshot(workflowId)).messages, snap.messages);
  });

  it('an undelivered receipt that overtakes the answer to the create still reaches the clinic as needs attention', async () => {
    const phone = uniquePhone();
    twilioServer.receiptsBeforeAnswer(phone);
    twilioServer.deliverTo(phone, [{ status: 'sent' }, { status: 'undelivered', errorCode: 30003 }]);
    const workflowId = await book('visit-5', phone);
    const snap = await until(workflowId, (s) => s.messages.length > 0, 'the confirmation sent');
    assert.equal(snap.messages[0].status, 'undelivered');
    assert.deepEqual(snap.attentionReasons, ['delivery_failed:booking_confirmation']);
    assert.ok(snap.timeline.some((t) => t.kind === 'message.failed' && t.detail === 'booking_confirmation: undelivered (30003)'));
    const row = await db.message.findFirstOrThrow({ where: { providerMessageId: twilioServer.sentTo(phone)[0].sid } });
    assert.deepEqual([row.status, row.errorCode, row.failedAt !== null], ['undelivered', '30003', true]);
  });

  it("finds the auth token in no log, workflow history, HTTP answer or database row of the run", async () => {
    await twilioServer.settled();
    for (const path of ['/healthz', '/readyz', '/metrics']) await fetchText(path);
    // What the clinic sees: its settings, templates and appointments, failures included.
    const graphql = await fetchText('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.apiKey}` },
      body: JSON.stringify({
        query: `query Scan {
          me { id name plan channels { provider maxMessagesPerSecond twilio { from messagingServiceSid whatsappFrom } } templates { kind channel body } }
          appointments(first: 20) { totalCount }
          confirmed: appointment(externalId: "visit-1") { status messages { body status kind } timeline { kind detail } }
          refused: appointment(externalId: "visit-3") { attentionReasons timeline { kind detail } }
        }`,
      }),
    });
    assert.equal(graphql.status, 200, graphql.text);
    const answer = JSON.parse(graphql.text) as { errors?: unknown; data: { me: { channels: { provider: string } }; refused: { timeline: { detail: string | null }[] } } };
    assert.equal(answer.errors, undefined, graphql.text);
    assert.equal(answer.data.me.channels.provider, 'twilio');
    assert.ok(answer.data.refused.timeline.some((t) => t.detail?.includes('Twilio 21211')), 'the GraphQL answer shows the failure');
    const token = account.authToken;
    const basic = Buffer.from(`${account.accountSid}:${token}`).toString('base64');
    const needles = [token, basic, Buffer.from(token).toString('base64')];

    // The histories as stored, each followed by its payloads decrypted: the token must be in neither.
    const histories: Buffer[] = [];
    for await (const wf of client.workflow.list({ query: `AroTenantId = '${tenant.id}'` })) {
      histories.push(await historyWithPayloadsDecoded(await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory()));
    }
    assert.ok(histories.length >= 3, `expected the run's workflows, found ${histories.length}`);

    const pg = new PgClient({ connectionString: stack.databaseUrl });
    await pg.connect();
    const rows: string[] = [];
    try {
      const tables = await pg.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
      for (const { tablename } of tables.rows) {
        const dump = await pg.query(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`);
        rows.push(...dump.rows.map((r: { row: string }) => r.row));
      }
    } finally {
      await pg.end();
    }

    // The control: the token was really used (Twilio saw it), so finding it nowhere means something.
    assert.ok(twilioServer.requests.length > 0);
    const logs = output.text();
    assert.ok(logs.length > 0 && histories.length > 0 && httpAnswers.length > 0 && rows.length > 0);
    for (const needle of needles) {
      assert.ok(!logs.includes(needle), 'the auth token is in the logs');
      assert.ok(!histories.some((h) => h.includes(needle)), 'the auth token is in a workflow history');
      assert.ok(!httpAnswers.some((a) => a.includes(needle)), 'the auth token is in an HTTP answer');
      assert.ok(!rows.some((r) => r.includes(needle)), 'the auth token is in the database');
    }
  });
});
