// Payload encryption, end to end on the real Temporal dev server and PostgreSQL, a clinic on Twilio
// (the local Twilio-compatible server): what Temporal keeps of a lifecycle holds no patient's name,
// phone or message, failure messages included; with the key it all reads back; keys rotate; a
// missing or wrong key says so; and the API and the worker refuse to start without keys.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { aroDataConverter, requirePayloadEncryption } from '../src/temporal/data-converter';
import { AroPayloadCodec, KEY_ID_METADATA, parsePayloadKeys } from '../src/temporal/payload-codec';
import { createTenant } from '../src/tenants/create-tenant';
import { configureTwilio } from '../src/tenants/twilio-setup';
import { freePort } from '../src/toolchain/free-port';
import { inboundMessageSignal, snapshotQuery, type AppointmentSnapshot } from '../src/workflows/contracts';
import { runWorkers } from '../worker';
import { API_SCRIPT, WORKER_SCRIPT } from '../src/toolchain/aro-processes';
import { startAroStack, type AroStack } from './support/aro-stack';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { LocalTwilio, newAccount, postSigned, randomSid } from './support/local-twilio';
import { bookPatient, historyPayloads, historyBytes, metadataText, rawHistories } from './support/patient-payloads';

const EventType = temporal.api.enums.v1.EventType;
const keyEntry = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('payload encryption (real Temporal, PostgreSQL and a local Twilio)', function () {
  this.timeout(180_000);
  const keyA = keyEntry('a');
  const keyB = keyEntry('b');
  const account = newAccount();
  let twilioServer: LocalTwilio;
  let stack: AroStack;
  let tenant: { id: string; webhookSecret: string };
  const confirmed = { name: 'Marisol Quintanilla', phone: uniquePhone() };
  const refused = { name: 'Tobias Wexford-Lind', phone: uniquePhone() };
  const reply = 'Yes, Marisol will be there, bringing her inhaler';
  let confirmedId: string;
  let refusedId: string;

  const snapshot = (client: Client, workflowId: string) => client.workflow.getHandle(workflowId).query(snapshotQuery);
  const until = (workflowId: string, check: (s: AppointmentSnapshot) => boolean, what: string, client = stack.temporal) =>
    eventually(() => snapshot(client, workflowId), check, what, 60_000);

  before(async function () {
    this.timeout(15 * 60_000);
    twilioServer = await new LocalTwilio([account]).start();
    const apiPort = await freePort();
    stack = await startAroStack({
      ARO_API_PORT: String(apiPort),
      ARO_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      ARO_TWILIO_API_URL: twilioServer.url,
      ARO_SECRETS_KEY: randomBytes(32).toString('base64'),
      ARO_PAYLOAD_KEYS: keyA,
    });
    const created = await createTenant(stack.db, { name: 'Harbour Dental', timeZone: 'America/New_York' });
    tenant = { id: created.tenant.id, webhookSecret: created.webhookSecret };
    await configureTwilio(stack.db, credentialCipher(stack.config), tenant.id, { ...account, messagingServiceSid: randomSid('MG') });

    // A patient who confirms by reply, and one whose number Twilio refuses with a message quoting it.
    confirmedId = await bookPatient(stack.url, tenant, 'visit-confirmed', confirmed);
    await until(confirmedId, (s) => s.messages[0]?.status === 'delivered', 'the booking confirmation delivered');
    const inbound = { MessageSid: randomSid('SM'), AccountSid: account.accountSid, From: confirmed.phone, To: '+15005550006', Body: reply, NumMedia: '0' };
    assert.equal(await postSigned(account.authToken, `${stack.url}/webhooks/twilio/${tenant.id}/inbound`, inbound), 200);
    await until(confirmedId, (s) => s.status === 'confirmed' && s.messages.some((m) => m.kind === 'confirm_ack'), 'confirmed by reply');

    twilioServer.script(refused.phone, [{ status: 400, code: 21211, message: `The 'To' number ${refused.phone} is not a valid phone number.` }]);
    refusedId = await bookPatient(stack.url, tenant, 'visit-refused', refused);
    await until(refusedId, (s) => s.needsAttention, 'the refused confirmation');
  });

  after(async function () {
    this.timeout(60_000);
    await stack?.stop();
    await twilioServer?.stop();
  });

  it('keeps no name, phone or message body anywhere in the raw history, failure messages included; every payload names its key', async () => {
    const bodies = (await stack.db.message.findMany({ where: { appointmentId: { in: [confirmedId, refusedId] } } })).map((m) => m.body);
    assert.ok(bodies.length >= 4 && bodies.includes(reply), `the run's messages: ${bodies.length}`);
    const secrets = [confirmed.name, refused.name, confirmed.phone, refused.phone, confirmed.phone.slice(1), refused.phone.slice(1), ...bodies];

    // A client without ARO's codec: what anyone reading the cluster gets.
    const plain = new Client({ connection: stack.temporal.connection, namespace: stack.temporal.options.namespace });
    const histories = [...(await rawHistories(plain, confirmedId)), ...(await rawHistories(plain, refusedId))];
    assert.ok(histories.length >= 2);
    for (const history of histories) {
      const bytes = historyBytes(history);
      for (const secret of secrets) assert.equal(bytes.includes(Buffer.from(secret, 'utf8')), false, `${JSON.stringify(secret)} is in a raw history`);
      const payloads = historyPayloads(history);
      assert.ok(payloads.length > 0, 'the history has payloads');
      const inClear = payloads
        .filter(({ payload }) => metadataText(payload, 'encoding') !== 'binary/encrypted' || metadataText(payload, KEY_ID_METADATA) !== 'a')
        .map(({ path, payload }) => `${path}: ${Buffer.from(payload.data!).toString('utf8').slice(0, 300)}`);
      assert.deepEqual(inClear, [], 'every payload is encrypted under key a');
    }
    await assert.rejects(snapshot(plain, confirmedId), /binary\/encrypted/, 'a client without the codec reads nothing');

    // The refused send's failure travels encoded: its message in clear is only the SDK's placeholder.
    const refusedHistory = (await rawHistories(plain, refusedId))[0];
    const failed = refusedHistory.events!.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED);
    assert.ok(failed.length > 0, 'the refused send failed its activity');
    const failure = failed[0].activityTaskFailedEventAttributes!.failure!;
    assert.equal(failure.message, 'Encoded failure');
    assert.equal(failure.stackTrace, '');

    // With the key, the same bytes read back: the patient, the reply, and the failure quoting the number.
    const codec = new AroPayloadCodec(parsePayloadKeys(keyA, 'key A'));
    const [attributes] = await codec.decode([failure.encodedAttributes!]);
    assert.match(Buffer.from(attributes.data!).toString('utf8'), new RegExp(`The 'To' number \\${refused.phone} is not a valid phone number`));
    const decoded = (await codec.decode(historyPayloads(histories[0]).map((f) => f.payload))).map((p) => Buffer.from(p.data!).toString('utf8')).join('\n');
    for (const secret of [confirmed.name, confirmed.phone, reply]) assert.ok(decoded.includes(secret), `${secret} decodes from the history`);
  });

  it('carries no trace header without tracing: the start, the signals and the activities of a booking have no header at all', async () => {
    const plain = new Client({ connection: stack.temporal.connection, namespace: stack.temporal.options.namespace });
    const [history] = await rawHistories(plain, confirmedId);
    const headers = history.events!.flatMap((event) =>
      Object.entries(event)
        .filter(([key, value]) => key.endsWith('EventAttributes') && value?.header?.fields)
        .flatMap(([key, value]) => Object.keys(value.header.fields).map((field) => `${key}: ${field}`)),
    );
    assert.ok(history.events!.some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), 'the reply came as a signal');
    assert.deepEqual(headers, []);
  });

  it('rotates keys without downtime: workers on "b,a" read what "a" wrote and write with b; a client without the key says which', async () => {
    const before = (await rawHistories(stack.temporal, confirmedId))[0].events!.length;
    // The deployment restarted with the new key first: the old workers stop, the new ones replay the history.
    const rotated = loadConfig({ ...process.env, ARO_PAYLOAD_KEYS: `${keyB},${keyA}` });
    const config = { ...stack.config, ARO_PAYLOAD_KEYS: rotated.ARO_PAYLOAD_KEYS };
    await stack.workers.shutdown();
    const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
    const workers = await runWorkers({ config, db: stack.db, connection });
    try {
      const client = new Client({ connection: stack.temporal.connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: aroDataConverter(config) });
      await client.workflow.getHandle(confirmedId).signal(inboundMessageSignal, {
        messageId: randomSid('SM'),
        from: confirmed.phone,
        body: 'Where do I park?',
        channel: 'sms',
        receivedAt: new Date().toISOString(),
      });
      const snap = await until(confirmedId, (s) => s.messages.some((m) => m.kind === 'holding'), 'the holding answer after the rotation', client);
      assert.equal(snap.appointment.patient.name, confirmed.name, 'the input written under key a reads back');

      const events = (await rawHistories(stack.temporal, confirmedId))[0].events!;
      const keyIds = (slice: typeof events) => [...new Set(historyPayloads({ events: slice }).map((f) => `${metadataText(f.payload, KEY_ID_METADATA)}`))];
      assert.deepEqual(keyIds(events.slice(0, before)), ['a']);
      // The API here still runs with the old list, as one does mid-rotation: its signals (Twilio's
      // receipts) may come under a, and the rotated workers read them. What the rotated client and
      // workers write is under b.
      const fromApi = (e: (typeof events)[number]) => e.workflowExecutionSignaledEventAttributes?.signalName === 'deliveryStatus';
      const written = events.slice(before).filter((e) => !fromApi(e));
      assert.ok(written.some((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED), 'the holding answer was sent after the rotation');
      assert.deepEqual(keyIds(written), ['b'], 'everything the rotated processes write uses the first key');

      // The old key dropped too soon, or the wrong key under its id: a clear error, nothing decoded.
      const onlyB = new AroPayloadCodec(parsePayloadKeys(keyB, 'key B'));
      const underA = historyPayloads({ events: events.slice(0, 1) }).map((f) => f.payload);
      await assert.rejects(onlyB.decode(underA), /encrypted with key a, which is not in ARO_PAYLOAD_KEYS \(the keys given are b\)/);
      const wrongA = new AroPayloadCodec(parsePayloadKeys(keyEntry('a'), 'another key A'));
      await assert.rejects(wrongA.decode(underA), /encrypted with key a does not open with the key ARO_PAYLOAD_KEYS gives for a/);
      const clientWithC = new Client({
        connection: stack.temporal.connection,
        namespace: config.TEMPORAL_NAMESPACE,
        dataConverter: aroDataConverter({ ARO_PAYLOAD_KEYS: parsePayloadKeys(keyEntry('c'), 'key C') }),
      });
      await assert.rejects(snapshot(clientWithC, confirmedId), /encrypted with key b, which is not in ARO_PAYLOAD_KEYS \(the keys given are c\)/);
    } finally {
      await workers.shutdown();
      await connection.close();
    }
  });
});

describe('payload keys: settings', () => {
  it('refuses a malformed ARO_PAYLOAD_KEYS, naming the entry and never echoing a key', () => {
    const key = randomBytes(32).toString('base64');
    const short = randomBytes(16).toString('base64');
    const refusals: [string, RegExp][] = [
      [key, /ARO_PAYLOAD_KEYS\[0\]: must be <keyId>:<base64 32-byte key>/],
      [`k 1:${key}`, /ARO_PAYLOAD_KEYS\[0\]: the key id must be 1 to 64 letters/],
      [`k1:${key},k2:${short}`, /ARO_PAYLOAD_KEYS\[1\] \(key id k2\): must be 32 bytes/],
      [`k1:${key},k1:${randomBytes(32).toString('base64')}`, /ARO_PAYLOAD_KEYS: key id k1 is listed twice/],
    ];
    for (const [setting, expected] of refusals) {
      assert.throws(() => loadConfig({ ARO_PAYLOAD_KEYS: setting }), (err: Error) => {
        assert.match(err.message, expected);
        assert.ok(!err.message.includes(key) && !err.message.includes(short), 'the error shows no key');
        return true;
      });
    }
    assert.deepEqual(loadConfig({ ARO_PAYLOAD_KEYS: ` k2:${key} , k1:${key}` }).ARO_PAYLOAD_KEYS.map((k) => k.id), ['k2', 'k1']);
  });

  it('the API and the worker refuse to start without keys, unless plaintext is allowed in so many words', async () => {
    const refusal = /ARO_PAYLOAD_KEYS is not set.*ARO_ALLOW_PLAINTEXT_PAYLOADS=1/;
    assert.throws(() => requirePayloadEncryption(loadConfig({})), refusal);
    assert.doesNotThrow(() => requirePayloadEncryption(loadConfig({ ARO_ALLOW_PLAINTEXT_PAYLOADS: '1' })));
    assert.doesNotThrow(() => requirePayloadEncryption(loadConfig({ ARO_PAYLOAD_KEYS: keyEntry('k1') })));
    for (const script of [API_SCRIPT, WORKER_SCRIPT]) {
      const env = { PATH: process.env.PATH, DATABASE_URL: 'postgresql://aro@127.0.0.1:1/aro', TEMPORAL_ADDRESS: '127.0.0.1:1' };
      const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      // The refusal is the process's last log line (JSON on stdout); stderr would carry a crash.
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1, output);
      assert.match(output.replace(/\n/g, ' '), refusal);
    }
  });
});
