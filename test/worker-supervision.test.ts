// A clinic's executor worker that stops is brought back by its supervisor, and the operator sees it
// happen: the worker process's /readyz and /metrics, and the API's under `npm run dev`, on the real
// Temporal dev server and a real PostgreSQL.
import assert from 'node:assert/strict';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { DEFAULT_TENANT_POOLS, poolTaskQueues, tenantTaskQueue } from '../src/routing/tenant-task-queue';
import { createTenant } from '../src/tenants/create-tenant';
import { RESTART_BACKOFF, restartDelayMs } from '../src/worker/restart-backoff';
import type { WorkerFactory } from '../src/worker/worker-factory';
import { startWorkerHttp, type RunningWorkerHttp } from '../src/worker/worker-http';
import { appointmentWorkflowId } from '../src/workflows/contracts';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { runWorkers } from '../worker';
import { startAroStack, type AroStack } from './support/aro-stack';
import { bookingSignature } from './support/signing';

const ZONE = 'Europe/Madrid';
/** Generous: each step waits for a state, never for a time. */
const WAIT_MS = 60_000;

// The probes answer JSON whose shape the assertions check.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function get(url: string): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: Json = null;
  try {
    body = JSON.parse(text);
  } catch {
    // /metrics answers text
  }
  return { status: res.status, body, text };
}

/** The value of one Prometheus sample, e.g. `aro_worker_state{task_queue="q",state="running"}`. */
function sample(metrics: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    const have = labelText.split(',');
    if (wanted.every((w) => have.includes(w))) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return undefined;
}

describe("supervised workers: a clinic's executor that stops comes back, and the probes say so meanwhile", function () {
  this.timeout(5 * 60_000);
  let stack: AroStack | undefined;
  let workerHttp: RunningWorkerHttp | undefined;
  let clinic: { id: string; webhookSecret: string };
  let other: { id: string };

  /** Every Worker built for each task queue, in order: the real ones, from Temporal's Worker.create. */
  const built = new Map<string, Worker[]>();
  /**
   * The task queues whose Workers are built for a namespace the Temporal server does not have, so each
   * of their restarts fails as a real one does when the server refuses the worker.
   */
  const refused = new Set<string>();
  const createWorker: WorkerFactory = async (options) => {
    const worker = await Worker.create(refused.has(options.taskQueue) ? { ...options, namespace: 'aro-no-such-namespace' } : options);
    built.set(options.taskQueue, [...(built.get(options.taskQueue) ?? []), worker]);
    return worker;
  };

  before(async function () {
    this.timeout(15 * 60_000);
    // Both shapes at once: the API sharing the workers' process (`npm run dev`), and the worker
    // process's own port (`npm run worker`).
    stack = await startAroStack({}, { createWorker, apiCoversWorkers: true });
    workerHttp = await startWorkerHttp({ workers: stack.workers, port: 0, host: '127.0.0.1' });
    // Clinics with their own queues: each has its own supervised Worker to stop.
    const created = await createTenant(stack.db, { name: 'Clínica Norte', timeZone: ZONE, defaultLocale: 'es', executor: 'dedicated' });
    clinic = { id: created.tenant.id, webhookSecret: created.webhookSecret };
    other = (await createTenant(stack.db, { name: 'Clínica Sur', timeZone: ZONE, executor: 'dedicated' })).tenant;
  });

  const workerProbe = () => get(`${workerHttp!.url}/readyz`);
  const apiProbe = () => get(`${stack!.url}/readyz`);
  const metricsOfBothShapes = async () => Promise.all([`${workerHttp!.url}/metrics`, `${stack!.url}/metrics`].map(async (url) => ({ url, text: (await get(url)).text })));

  /** Books an appointment at the clinic and waits for its confirmation: a skill run on the clinic's queue. */
  async function bookAndConfirm(externalId: string): Promise<void> {
    const startsAt = DateTime.now().setZone(ZONE).plus({ days: 3 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    const raw = JSON.stringify({
      id: `evt-${externalId}`,
      type: 'appointment.created',
      occurredAt: DateTime.now().setZone(ZONE).toISO(),
      appointment: {
        externalId,
        startsAt: startsAt.toISO(),
        durationMinutes: 30,
        patient: { name: 'Marta Ruiz', phone: uniquePhone(), locale: 'es' },
      },
    });
    const booked = await fetch(`${stack!.url}/webhooks/booking/${clinic.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(clinic.webhookSecret, raw) },
      body: raw,
    });
    assert.equal(booked.status, 202);
    const workflowId = appointmentWorkflowId(clinic.id, externalId);
    const sent = await eventually(
      () => stack!.db.message.findMany({ where: { appointmentId: workflowId, direction: 'outbound' } }),
      (rows) => rows.length === 1,
      `the confirmation of ${externalId}`,
      WAIT_MS,
    );
    assert.equal(sent[0].kind, 'booking_confirmation');
  }

  after(async function () {
    this.timeout(60_000);
    await workerHttp?.close();
    await stack?.stop();
  });

  it('restarting then running, readiness failing then recovering, and the clinic messaged after', async () => {
    const queue = tenantTaskQueue(clinic.id);
    const otherQueue = tenantTaskQueue(other.id);

    // The worker picks new clinics up on its own.
    // Beside the core queue and the pools, which every worker serves from its start.
    const expected = ['aro-core', ...poolTaskQueues(DEFAULT_TENANT_POOLS), queue, otherQueue].sort();
    const ready = await eventually(workerProbe, (r) => r.status === 200 && Object.keys(r.body.queues).length === expected.length, 'both clinics served', WAIT_MS);
    assert.deepEqual(Object.keys(ready.body.queues).sort(), expected);
    assert.equal((await apiProbe()).status, 200);

    // The stricken clinic's Worker stops without its supervisor asking, and its restarts fail until
    // the server takes them again; the test reads the probes in between, whatever the machine's speed.
    refused.add(queue);
    const [first] = built.get(queue)!;
    first.shutdown();

    // Its restarts keep failing, so it stays `restarting` with a rising try number until let go.
    const down = await eventually(workerProbe, (r) => r.body?.queues?.[queue]?.attempt >= 2, 'the first restart failing', WAIT_MS);
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'unavailable');
    assert.equal(down.body.queues[queue].state, 'restarting');
    assert.match(down.body.queues[queue].lastError, /aro-no-such-namespace/);
    assert.ok(!Number.isNaN(Date.parse(down.body.queues[queue].nextTryAt)), 'restarting says when it tries next');
    // One clinic's trouble is its own: the core and the other clinic go on.
    assert.equal(down.body.queues['aro-core'].state, 'running');
    assert.equal(down.body.queues[otherQueue].state, 'running');

    const apiDown = await apiProbe();
    assert.equal(apiDown.status, 503);
    assert.equal(apiDown.body.checks.workers, 'failed');
    assert.equal(apiDown.body.queues[queue].state, 'restarting');
    assert.equal(apiDown.body.queues[queue].lastError, undefined, "the API's public probe keeps errors to the log");

    for (const { url, text } of await metricsOfBothShapes()) {
      assert.equal(sample(text, 'aro_worker_state', { task_queue: queue, state: 'restarting' }), 1, url);
      assert.equal(sample(text, 'aro_worker_state', { task_queue: queue, state: 'running' }), 0, url);
      assert.equal(sample(text, 'aro_worker_state', { task_queue: otherQueue, state: 'running' }), 1, url);
    }

    refused.delete(queue);
    const back = await eventually(workerProbe, (r) => r.status === 200, 'the worker process ready again', WAIT_MS);
    assert.equal(back.body.queues[queue].state, 'running');
    const { restarts } = back.body.queues[queue];
    assert.ok(restarts >= 2, `restarted ${restarts} times: once refused, then taken`);
    assert.equal(built.get(queue)!.length, 2, 'a fresh Worker replaced the stopped one');
    assert.equal(built.get(otherQueue)!.length, 1, "the other clinic's Worker was never touched");
    assert.equal((await apiProbe()).status, 200);
    for (const { url, text } of await metricsOfBothShapes()) {
      assert.equal(sample(text, 'aro_worker_state', { task_queue: queue, state: 'running' }), 1, url);
      assert.equal(sample(text, 'aro_worker_restarts_total', { task_queue: queue }), restarts, url);
      assert.equal(sample(text, 'aro_worker_restarts_total', { task_queue: otherQueue }), 0, url);
    }

    // The clinic's skills run again: a booking gets its confirmation, sent by an activity on its queue.
    await bookAndConfirm('after-clinic-restart');
  });

  it('the core worker too: restarting then running, and appointments go on after', async () => {
    refused.add('aro-core');
    const [first] = built.get('aro-core')!;
    first.shutdown();

    const down = await eventually(workerProbe, (r) => r.body?.queues?.['aro-core']?.attempt >= 2, 'the core worker refused a restart', WAIT_MS);
    assert.equal(down.status, 503);
    assert.equal(down.body.queues['aro-core'].state, 'restarting');
    assert.match(down.body.queues['aro-core'].lastError, /aro-no-such-namespace/);
    assert.equal(down.body.queues[tenantTaskQueue(clinic.id)].state, 'running');
    const apiDown = await apiProbe();
    assert.equal(apiDown.status, 503);
    assert.equal(apiDown.body.queues['aro-core'].state, 'restarting');

    refused.delete('aro-core');
    await eventually(workerProbe, (r) => r.status === 200, 'the worker process ready again', WAIT_MS);
    assert.equal((await apiProbe()).status, 200);
    for (const { url, text } of await metricsOfBothShapes()) {
      assert.equal(sample(text, 'aro_worker_state', { task_queue: 'aro-core', state: 'running' }), 1, url);
    }
    // Workflows run on the core queue: a new booking is handled end to end again.
    await bookAndConfirm('after-core-restart');
  });

  it('at start-up, a core worker that cannot start stops runWorkers with the reason', async () => {
    const connection = await NativeConnection.connect({ address: stack!.config.TEMPORAL_ADDRESS });
    try {
      await assert.rejects(
        runWorkers({ config: { ...stack!.config, TEMPORAL_NAMESPACE: 'aro-no-such-namespace' }, db: stack!.db, connection }),
        /the core worker on aro-core did not start: .*aro-no-such-namespace/,
      );
    } finally {
      // Throws if a Worker built for the failed start still held the connection.
      await connection.close();
    }
  });
});

describe('restart back-off', () => {
  const backoff = RESTART_BACKOFF;

  it('doubles from the first wait, drawn from the upper half of each step', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => restartDelayMs(n, backoff, () => 1)), [1_000, 2_000, 4_000, 8_000]);
    assert.deepEqual([1, 2, 3, 4].map((n) => restartDelayMs(n, backoff, () => 0)), [500, 1_000, 2_000, 4_000]);
  });

  it('never waits longer than the cap, however many failures in a row', () => {
    for (const attempt of [7, 8, 50, 5_000]) {
      assert.equal(restartDelayMs(attempt, backoff, () => 1), 60_000);
      assert.equal(restartDelayMs(attempt, backoff, () => 0), 30_000);
    }
  });
});
