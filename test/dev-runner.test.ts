// `npm run dev` as a user runs it: starts everything, writes dev.json, serves a booking and a
// reply, stops cleanly on Ctrl-C (SIGINT), and after a restart still has the data.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DateTime } from 'luxon';
import { createPrisma } from '../src/db/prisma';
import { freePort } from '../src/toolchain/free-port';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { prometheusSamples } from './support/prometheus-text';
import { bookingSignature } from './support/signing';

const DEV_SCRIPT = path.resolve(__dirname, '../scripts/dev.js');
const CLI_SCRIPT = path.resolve(__dirname, '../src/cli/aro.js');

interface DevState {
  apiUrl: string;
  temporalAddress: string;
  temporalUiUrl: string | null;
  databaseUrl: string;
  operatorKey: string;
  payloadKeys: string;
  codecUrl: string;
  demoTenant: { id: string; apiKey: string; webhookSecret: string };
}

describe('npm run dev', function () {
  this.timeout(240_000);
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let running: ChildProcess | undefined;
  let output = '';

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'aro-dev-'));
    await chmod(dataDir, 0o755); // PostgreSQL runs as `postgres` when we are root
    env = {
      ...process.env,
      ARO_DEV_DATA_DIR: dataDir,
      ARO_API_PORT: String(await freePort()),
      ARO_DEV_PG_PORT: String(await freePort()),
      ARO_DEV_TEMPORAL_PORT: String(await freePort()),
      ARO_DEV_TEMPORAL_UI_PORT: String(await freePort()),
      ARO_LOG_LEVEL: 'warn',
    };
  });

  after(async () => {
    running?.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<DevState> {
    output = '';
    running = spawn(process.execPath, [DEV_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    running.stdout!.on('data', (d) => (output += d));
    running.stderr!.on('data', (d) => (output += d));
    await eventually(
      async () => output,
      (o) => o.includes('ARO is running') || running!.exitCode !== null,
      'npm run dev to be ready',
      120_000,
    );
    assert.ok(output.includes('ARO is running'), output);
    return JSON.parse(await readFile(path.join(dataDir, 'dev.json'), 'utf8')) as DevState;
  }

  async function stop(): Promise<number | null> {
    const child = running!;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    const code = await exited;
    running = undefined;
    return code;
  }

  it('runs everything, keeps the data across Ctrl-C and a restart', async () => {
    const first = await start();
    assert.equal(first.apiUrl, `http://127.0.0.1:${env.ARO_API_PORT}`);
    assert.equal(first.temporalUiUrl, `http://127.0.0.1:${env.ARO_DEV_TEMPORAL_UI_PORT}`);
    // The Web UI decodes through the API's codec.
    assert.equal(first.codecUrl, `http://127.0.0.1:${env.ARO_API_PORT}/codec`);
    const uiSettings = (await (await fetch(`${first.temporalUiUrl}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    assert.equal(uiSettings.Codec?.Endpoint, first.codecUrl);
    assert.match(first.payloadKeys, /^dev-1:/);
    assert.equal(first.demoTenant.id, 'demo');
    assert.match(first.demoTenant.apiKey, /^aro_/);
    assert.equal((await fetch(`${first.apiUrl}/readyz`)).status, 200);
    assert.equal((await fetch(first.temporalUiUrl!)).status, 200);

    const phone = uniquePhone();
    const body = JSON.stringify({
      id: 'evt-dev-1',
      type: 'appointment.created',
      occurredAt: DateTime.now().toISO(),
      appointment: { externalId: 'dev-1', startsAt: DateTime.now().plus({ days: 3 }).toISO(), patient: { name: 'Sam Park', phone } },
    });
    const booked = await fetch(`${first.apiUrl}/webhooks/booking/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(first.demoTenant.webhookSecret, body) },
      body,
    });
    assert.equal(booked.status, 202);
    const db = createPrisma(first.databaseUrl);
    try {
      await eventually(() => db.message.count({ where: { toPhone: phone } }), (n) => n === 1, 'the booking confirmation');
    } finally {
      await db.$disconnect();
    }
    // The API answers for the workers in its process: its /metrics carries the Temporal SDK's and the skills'.
    // (The message row is written before the send returns, and counted after.)
    const sentOf = (text: string) => prometheusSamples(text, 'aro_messages_total').find((s) => s.labels.tenant === 'demo' && s.labels.status === 'sent');
    const metrics = await eventually(async () => (await fetch(`${first.apiUrl}/metrics`)).text(), (text) => sentOf(text) !== undefined, 'the sent message counted');
    assert.ok(prometheusSamples(metrics, 'temporal_workflow_task_execution_latency_seconds_count').some((s) => s.value >= 1), metrics);
    const sent = sentOf(metrics);
    assert.equal(sent?.labels.channel, 'sms');
    assert.equal(sent?.value, 1);

    assert.equal(await stop(), 0);
    // Everything it started has stopped: the ports are free again.
    await assert.rejects(fetch(`${first.apiUrl}/healthz`));

    const second = await start();
    assert.equal(second.demoTenant.apiKey, first.demoTenant.apiKey, 'the demo tenant and its key survive a restart');
    assert.match(first.operatorKey, /^aro_op_/);
    assert.equal(second.operatorKey, first.operatorKey, 'the generated operator key survives a restart');
    assert.equal(second.payloadKeys, first.payloadKeys, 'the generated payload key survives a restart: open workflows need it');
    const me = await fetch(`${second.apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${second.demoTenant.apiKey}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    assert.deepEqual(await me.json(), { data: { me: { id: 'demo' } } });
    const again = createPrisma(second.databaseUrl);
    try {
      assert.equal(await again.message.count({ where: { toPhone: phone } }), 1);
    } finally {
      await again.$disconnect();
    }
    const connection = await Connection.connect({ address: second.temporalAddress });
    try {
      const handle = new Client({ connection }).workflow.getHandle('appt:demo:dev-1');
      assert.equal((await handle.describe()).status.name, 'RUNNING');
    } finally {
      await connection.close();
    }

    // The operator CLI finds the running dev database by itself.
    const cli = spawn(process.execPath, [CLI_SCRIPT, 'tenant', 'list', '--json'], { env: { ...env, DATABASE_URL: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let listed = '';
    cli.stdout!.on('data', (d) => (listed += d));
    const cliCode = await new Promise<number | null>((resolve) => cli.once('exit', resolve));
    assert.equal(cliCode, 0);
    assert.ok((JSON.parse(listed) as { id: string }[]).some((t) => t.id === 'demo'), listed);

    assert.equal(await stop(), 0);
  });
});
