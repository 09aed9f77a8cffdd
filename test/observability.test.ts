// What an operator sees of ARO running as deployed — the API and the worker as processes, a clinic on
// Twilio (a local Twilio-compatible server), a local OpenTelemetry collector — after one booking that
// is confirmed, delivered and answered, and one whose number Twilio refuses: one trace from the webhook
// to Twilio's HTTP call, the Temporal SDK's metrics beside ARO's, and JSON logs at each process's level
// that never name the patient, their number or their messages.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { createPrisma } from '../src/db/prisma';
import { freePort } from '../src/toolchain/free-port';
import { appointmentWorkflowId } from '../src/workflows/contracts';
import { CLI_SCRIPT, SupervisedAroProcess } from '../src/toolchain/aro-processes';
import { eventually } from './support/lifecycle-harness';
import { LocalTwilio, newAccount, postSigned, randomSid } from './support/local-twilio';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { TEST_PAYLOAD_SETTINGS } from './support/payload-keys';
import { prometheusSamples } from './support/prometheus-text';
import { startTestDatabase, startTestTemporal, type TestDatabase, type TestTemporal } from './support/servers';
import { bookingSignature } from './support/signing';

const execFileAsync = promisify(execFile);
const TIME_ZONE = 'America/New_York';

interface Patient {
  externalId: string;
  name: string;
  phone: string;
}

function newPatient(externalId: string, name: string): Patient {
  return { externalId, name, phone: `+1555${1_000_000 + Math.floor(Math.random() * 8_999_999)}` };
}

/** The ways a log could spell a patient's number: E.164, its digits alone, and the national digits. */
function phoneSpellings(phone: string): string[] {
  return [phone, phone.slice(1), phone.slice(2)];
}

describe('observability: traces, metrics and logs of ARO as deployed', function () {
  this.timeout(5 * 60_000);
  const account = newAccount();
  const confirmed = newPatient('obs-confirmed', 'Philippa Quartermaine');
  const refused = newPatient('obs-refused', 'Bartholomew Fairweather');
  const REPLY = "yes I'll be there";
  let twilio: LocalTwilio;
  let collector: OtlpReceiver;
  let database: TestDatabase | undefined;
  let temporalServer: TestTemporal | undefined;
  let logDir: string;
  let api: SupervisedAroProcess | undefined;
  let worker: SupervisedAroProcess | undefined;
  let apiUrl: string;
  let workerUrl: string;
  let tenant: { id: string; webhookSecret: string };
  let failed = false;

  const book = async (patient: Patient) => {
    const startsAt = DateTime.now().setZone(TIME_ZONE).plus({ days: 4 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const raw = JSON.stringify({
      id: `evt-${patient.externalId}`,
      type: 'appointment.created',
      occurredAt: new Date().toISOString(),
      appointment: { externalId: patient.externalId, startsAt: startsAt.toISO(), patient: { name: patient.name, phone: patient.phone } },
    });
    const res = await fetch(`${apiUrl}/webhooks/booking/${tenant.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(tenant.webhookSecret, raw) },
      body: raw,
    });
    assert.equal(res.status, 202, await res.text());
  };
  const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

  before(async function () {
    this.timeout(5 * 60_000);
    logDir = await mkdtemp(join(tmpdir(), 'aro-observability-'));
    twilio = await new LocalTwilio([account]).start();
    collector = await new OtlpReceiver().start();
    [database, temporalServer] = await Promise.all([startTestDatabase(), startTestTemporal()]);
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    workerUrl = `http://127.0.0.1:${workerPort}`;
    const env = {
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      ARO_API_PORT: String(apiPort),
      ARO_WORKER_HTTP_PORT: String(workerPort),
      ARO_PUBLIC_URL: apiUrl,
      ARO_TWILIO_API_URL: twilio.url,
      ARO_SECRETS_KEY: randomBytes(32).toString('base64'),
      ARO_TENANT_REFRESH_MS: '500',
      ...TEST_PAYLOAD_SETTINGS,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      // OpenTelemetry's own setting: spans leave every 200 ms rather than every 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const aro = async (args: string[], extra: Record<string, string> = {}) =>
      (await execFileAsync(process.execPath, [CLI_SCRIPT, ...args], { env: { ...process.env, ...env, ...extra } })).stdout;
    tenant = JSON.parse(await aro(['tenant', 'create', '--name', 'Lantern Clinic', '--timezone', TIME_ZONE, '--json'])) as typeof tenant;
    await aro(['tenant', 'twilio', '--id', tenant.id, '--account-sid', account.accountSid, '--messaging-service-sid', randomSid('MG')], {
      TWILIO_AUTH_TOKEN: account.authToken,
    });
    // The API logs warnings and errors only, the worker everything: each process keeps to its own level.
    api = new SupervisedAroProcess('api', { ...env, ARO_LOG_LEVEL: 'warn' }, logDir);
    worker = new SupervisedAroProcess('worker', { ...env, ARO_LOG_LEVEL: 'debug' }, logDir);
    await Promise.all([api.start(), worker.start()]);

    // Twilio refuses the second patient's number, quoting it, as it does.
    twilio.script(refused.phone, [{ status: 400, code: 21211, message: `The 'To' number ${refused.phone} is not a valid phone number.` }]);
    await book(confirmed);
    await book(refused);
    const confirmation = await eventually(async () => twilio.sentTo(confirmed.phone), (sent) => sent.length > 0, 'the booking confirmation at Twilio', 60_000);
    await twilio.settled();
    const reply = await postSigned(account.authToken, `${apiUrl}/webhooks/twilio/${tenant.id}/inbound`, {
      MessageSid: randomSid('SM'),
      AccountSid: account.accountSid,
      From: confirmed.phone,
      To: confirmation[0].from ?? '+15005550006',
      Body: REPLY,
      NumMedia: '0',
    });
    assert.equal(reply, 200);
    // Everything the tests look at has happened once the refused send is recorded as failed.
    const db = createPrisma(database.databaseUrl);
    try {
      await eventually(() => db.message.count({ where: { toPhone: refused.phone, status: 'failed' } }), (n) => n === 1, 'the refused send recorded', 60_000);
    } finally {
      await db.$disconnect();
    }
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'passed') failed = true;
  });

  after(async function () {
    this.timeout(60_000);
    await api?.stop();
    await worker?.stop();
    await temporalServer?.stop();
    await database?.stop();
    await twilio?.stop();
    await collector?.stop();
    // A failure's logs are kept for reading.
    if (failed) console.log(`the processes' logs: ${logDir}`);
    else await rm(logDir, { recursive: true, force: true });
  });

  it('follows one booking in one trace: webhook, Temporal start, workflow, messaging.send activity, Twilio call', async () => {
    const workflowId = appointmentWorkflowId(tenant.id, confirmed.externalId);
    const trace = (spans: ReceivedSpan[]) => {
      const run = spans.find((s) => s.name === 'RunActivity:messaging.send' && s.attributes.temporalWorkflowId === workflowId);
      return run ? spans.filter((s) => s.traceId === run.traceId) : [];
    };
    // Every send of the appointment (the confirmation, then the answer to the reply), each as the
    // workflow schedules it, the activity runs it and it calls Twilio.
    const sends = (spans: ReceivedSpan[]) =>
      spans
        .filter((s) => s.name === 'RunActivity:messaging.send')
        .map((run) => ({
          run,
          schedule: spans.find((s) => s.spanId === run.parentSpanId && s.name === 'StartActivity:messaging.send'),
          twilioCall: spans.find((s) => s.parentSpanId === run.spanId && s.name === 'twilio POST Messages'),
        }));
    const spans = await eventually(
      async () => trace(collector.spans),
      (found) =>
        ['webhook booking', 'StartWorkflow:appointmentLifecycle'].every((name) => found.some((s) => s.name === name)) &&
        // Twilio's record agrees: one message for each send in the trace.
        sends(found).length === twilio.sentTo(confirmed.phone).length &&
        sends(found).every((send) => send.schedule && send.twilioCall),
      `the webhook, the start and each send down to Twilio in the trace of ${workflowId}`,
      60_000,
    );
    const one = (name: string) => {
      const matching = spans.filter((s) => s.name === name);
      assert.equal(matching.length, 1, `${name}: ${JSON.stringify(matching)}`);
      return matching[0];
    };
    const [webhook, start] = ['webhook booking', 'StartWorkflow:appointmentLifecycle'].map(one);
    // Each step is the child of the one before: the API's spans, the workflow's (exported by the
    // worker through its sink) and the activity's, down to the provider's HTTP call.
    assert.equal(webhook.parentSpanId, undefined, 'the webhook span is the root');
    assert.equal(webhook.service, 'aro-api');
    assert.equal(start.parentSpanId, webhook.spanId);
    assert.equal(start.service, 'aro-api');
    for (const { schedule, twilioCall } of sends(spans)) {
      // Scheduled inside the workflow's run, whose span ends (and is exported) only when the appointment's lifecycle does.
      assert.equal(schedule!.service, 'aro-worker');
      assert.ok(schedule!.parentSpanId && !spans.some((s) => s.spanId === schedule!.parentSpanId && s.service === 'aro-api'));
      assert.equal(twilioCall!.service, 'aro-worker');
      assert.equal(twilioCall!.attributes['aro.tenant_id'], tenant.id);
    }
    assert.ok(sends(spans).length >= 1);
    assert.deepEqual(collector.refused, []);
    // The refused send's span says why, as Twilio said it, without the number Twilio quoted.
    const refusedWorkflowId = appointmentWorkflowId(tenant.id, refused.externalId);
    const refusedRun = await eventually(
      async () => collector.spans.find((s) => s.name === 'RunActivity:messaging.send' && s.attributes.temporalWorkflowId === refusedWorkflowId),
      (span) => span !== undefined,
      "the refused send's span",
    );
    assert.match(refusedRun!.statusMessage ?? '', /Twilio 21211 .*The 'To' number \[phone\] is not a valid phone number/);
    // Nothing about the patients travels to the tracing backend.
    const exported = JSON.stringify(collector.spans);
    for (const secret of [confirmed.name, refused.name, ...phoneSpellings(confirmed.phone), ...phoneSpellings(refused.phone)]) {
      assert.ok(!exported.includes(secret), `the spans carry ${secret}`);
    }
  });

  it("shows the Temporal SDK's worker metrics beside ARO's own, with the values of the run", async () => {
    const workerMetrics = await eventually(
      () => scrape(workerUrl),
      (text) =>
        prometheusSamples(text, 'aro_replies_total').some((s) => s.labels.intent === 'confirm') &&
        prometheusSamples(text, 'aro_messages_total').some((s) => s.labels.status === 'failed'),
      "the reply's classification and the refused send in the worker's metrics",
      60_000,
    );
    // The SDK's own series, from its Rust core.
    for (const name of [
      'temporal_workflow_task_execution_latency_seconds_count',
      'temporal_activity_execution_latency_seconds_count',
      'temporal_sticky_cache_size',
      'temporal_worker_task_slots_available',
    ]) {
      assert.ok(prometheusSamples(workerMetrics, name).length > 0, `${name} missing from the worker's /metrics`);
    }
    const executions = prometheusSamples(workerMetrics, 'temporal_workflow_task_execution_latency_seconds_count');
    assert.ok(executions.some((s) => s.value >= 1), `no workflow task executed: ${JSON.stringify(executions)}`);

    const sent = (status: string) =>
      prometheusSamples(workerMetrics, 'aro_messages_total').filter((s) => s.labels.tenant === tenant.id && s.labels.channel === 'sms' && s.labels.status === status);
    assert.ok(sent('sent').reduce((n, s) => n + s.value, 0) >= 1, 'a sent SMS counted');
    assert.deepEqual(
      sent('failed').map((s) => [s.labels.reason, s.value]),
      [['21211', 1]],
      "the refused number counted as failed for good, with Twilio's code",
    );
    assert.equal(prometheusSamples(workerMetrics, 'aro_worker_state').find((s) => s.labels.task_queue === 'aro-core' && s.labels.state === 'running')?.value, 1);

    const apiMetrics = await eventually(
      () => scrape(apiUrl),
      (text) => prometheusSamples(text, 'aro_appointments_needing_attention').some((s) => s.labels.tenant === tenant.id && s.value >= 1),
      'the refused booking needing attention',
      60_000,
    );
    const one = (name: string, labels: Record<string, string>) =>
      prometheusSamples(apiMetrics, name).find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    assert.equal(one('aro_webhook_deliveries_total', { source: 'booking', outcome: 'accepted' }), 2);
    assert.equal(one('aro_webhook_delivery_duration_seconds_count', { source: 'booking', outcome: 'accepted' }), 2);
    assert.equal(one('aro_webhook_deliveries_total', { source: 'twilio_inbound', outcome: 'accepted' }), 1);
    assert.ok((one('aro_message_receipts_total', { channel: 'sms', status: 'delivered' }) ?? 0) >= 1, 'a delivery receipt counted');
    assert.equal(one('aro_appointments_needing_attention', { tenant: tenant.id }), 1);
    const sentThisMonth = one('aro_plan_messages_sent', { tenant: tenant.id, plan: 'individual' }) ?? 0;
    assert.ok(sentThisMonth >= 1, 'messages counted against the plan');
    assert.equal(one('aro_plan_usage_ratio', { tenant: tenant.id, plan: 'individual' }), sentThisMonth / 1000);
  });

  it("logs JSON lines at each process's level, with no patient's name, number or words in them", async () => {
    await api?.stop();
    await worker?.stop();
    const lines = async (process: SupervisedAroProcess) => {
      const text = await readFile(process.logFile, 'utf8');
      return { text, entries: text.split('\n').filter((l) => l && !l.startsWith('--- ')).map((l) => JSON.parse(l) as Record<string, unknown>) };
    };
    const apiLog = await lines(api!);
    const workerLog = await lines(worker!);
    const levels = (entries: Record<string, unknown>[]) => new Set(entries.map((e) => e.level));
    // The API at `warn` wrote nothing below it (it would have written its start-up and routes at info).
    for (const level of levels(apiLog.entries)) assert.ok(['warn', 'error', 'fatal'].includes(String(level)), `the API logged at ${level}`);
    // The worker at `debug` did, its own lines and the Temporal SDK's through the same logger.
    assert.ok(levels(workerLog.entries).has('debug'), 'no debug line from the worker');
    assert.ok(workerLog.entries.some((e) => e.component === 'temporal'), "no Temporal SDK line in the worker's log");
    assert.ok(workerLog.entries.some((e) => e.component === 'worker' && String(e.msg).startsWith('polling')));
    // The failure Twilio answered quotes the number: it was logged, scrubbed.
    assert.ok(workerLog.text.includes('21211') && workerLog.text.includes('[phone]'), "the refused send's failure is not in the worker's log, scrubbed");

    const confirmation = twilio.sentTo(confirmed.phone)[0].body;
    for (const [name, log] of [['API', apiLog.text], ['worker', workerLog.text]] as const) {
      for (const secret of [confirmed.name, refused.name, ...phoneSpellings(confirmed.phone), ...phoneSpellings(refused.phone), confirmation, REPLY]) {
        assert.ok(!log.includes(secret), `the ${name}'s log holds "${secret}"`);
      }
    }
  });
});
