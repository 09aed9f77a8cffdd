// Horizontal scale on the real Temporal cluster (four service processes on PostgreSQL): two ARO worker
// processes share the work, a SIGKILL of one loses nothing, and a third started later takes work with
// nothing restarted. Who did what is read from the workflows' histories: each workflow-task and
// activity-task event names the worker that ran it (`<pid>@<host>`, the SDK's default identity).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { stringify } from 'yaml';
import { createTenant } from '../src/tenants/create-tenant';
import { freePortBelow } from '../src/toolchain/free-port';
import { CLUSTER_DYNAMIC_CONFIG, clusterPortsFrom, freeClusterPorts, TEMPORAL_SERVICES, validateDynamicConfig } from '../src/toolchain/temporal-cluster';
import { ensureTemporalServer } from '../src/toolchain/temporal-server';
import { appointmentWorkflowId, snapshotQuery } from '../src/workflows/contracts';
import { startAroCluster, type AroCluster } from './support/aro-cluster';
import { graphqlClient } from './support/graphql-client';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { bookingSignature } from './support/signing';

const ZONE = 'America/New_York';
/** Lifecycles booked in one go; work sharing is looked for over up to MAX_BATCHES of them. */
const BATCH = 12;
const MAX_BATCHES = 8;
/** Reaching the expected state may wait out a killed worker's timeouts (skill activities: 1 minute). */
const SETTLE_MS = 4 * 60_000;

interface Booked {
  workflowId: string;
  phone: string;
}

/** A task a worker ran, from the workflow's history. */
interface WorkerTask {
  kind: 'workflow task' | 'activity task';
  pid: number;
  at: number;
}

describe('ARO on a Temporal cluster: horizontal scale', function () {
  // The first run on a machine builds the Temporal server (about 10 minutes on 2 cores).
  this.timeout(10 * 60_000);
  let cluster: AroCluster;
  let tenant: { id: string; webhookSecret: string };

  before(async function () {
    this.timeout(40 * 60_000);
    cluster = await startAroCluster(2);
    const graphql = graphqlClient(cluster.apiUrl);
    const created = await createTenant(cluster.db, { name: 'Harbour Dental', timeZone: ZONE });
    tenant = { id: created.tenant.id, webhookSecret: created.webhookSecret };
    // No quiet hours: a run at night must not wait for the morning.
    const updated = await graphql(created.apiKey, 'mutation($input: PolicyInput!) { updatePolicy(input: $input) { policyVersion } }', {
      input: { quietHours: null },
    });
    assert.equal(updated.errors, undefined, JSON.stringify(updated.errors));
  });

  after(async function () {
    this.timeout(120_000);
    await cluster?.stop();
  });

  async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<number> {
    const res = await fetch(`${cluster.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    await res.arrayBuffer();
    return res.status;
  }

  async function book(): Promise<Booked> {
    const externalId = `visit-${randomUUID()}`;
    const phone = uniquePhone();
    const raw = JSON.stringify({
      id: `evt-${randomUUID()}`,
      type: 'appointment.created',
      occurredAt: DateTime.now().toISO(),
      appointment: {
        externalId,
        startsAt: DateTime.now().setZone(ZONE).plus({ days: 3 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 }).toISO(),
        durationMinutes: 30,
        patient: { name: 'Sam Rivera', phone, locale: 'en' },
      },
    });
    const status = await post(`/webhooks/booking/${tenant.id}`, raw, { 'x-aro-signature': bookingSignature(tenant.webhookSecret, raw) });
    assert.equal(status, 202, `booking ${externalId} answered ${status}`);
    return { workflowId: appointmentWorkflowId(tenant.id, externalId), phone };
  }

  async function bookBatch(count: number): Promise<Booked[]> {
    return Promise.all(Array.from({ length: count }, () => book()));
  }

  async function reply(booked: Booked, body: string): Promise<void> {
    const status = await post(`/dev/inbound/${tenant.id}`, JSON.stringify({ from: booked.phone, body }));
    assert.equal(status, 202, `the reply from ${booked.phone} answered ${status}`);
  }

  const outboundKinds = async (workflowId: string): Promise<string[]> =>
    (
      await cluster.db.message.findMany({ where: { appointmentId: workflowId, direction: 'outbound' }, orderBy: { createdAt: 'asc' } })
    ).map((m) => m.kind ?? '');

  /** Every lifecycle has sent exactly these messages, once each. */
  async function allSent(booked: Booked[], kinds: string[]): Promise<void> {
    for (const { workflowId } of booked) {
      await eventually(() => outboundKinds(workflowId), (sent) => sent.length >= kinds.length, `${kinds.join(', ')} of ${workflowId}`, SETTLE_MS);
      assert.deepEqual(await outboundKinds(workflowId), kinds, `${workflowId} sent something twice or out of order`);
    }
  }

  async function tasksOf(workflowId: string): Promise<WorkerTask[]> {
    const history = await cluster.temporal.workflow.getHandle(workflowId).fetchHistory();
    const tasks: WorkerTask[] = [];
    for (const event of history.events ?? []) {
      const started = event.workflowTaskStartedEventAttributes ?? event.activityTaskStartedEventAttributes;
      if (!started?.identity) continue;
      tasks.push({
        kind: event.workflowTaskStartedEventAttributes ? 'workflow task' : 'activity task',
        pid: Number(started.identity.split('@')[0]),
        at: Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6),
      });
    }
    return tasks;
  }

  async function tasksOfAll(booked: Booked[]): Promise<WorkerTask[]> {
    return (await Promise.all(booked.map((b) => tasksOf(b.workflowId)))).flat();
  }

  /** Books batches until every process in `pids` has run both kinds of task (or gives up after MAX_BATCHES). */
  async function bookUntilShared(pids: number[]): Promise<{ booked: Booked[]; tasks: WorkerTask[] }> {
    const booked: Booked[] = [];
    let tasks: WorkerTask[] = [];
    const ranBoth = (pid: number) =>
      tasks.some((t) => t.pid === pid && t.kind === 'workflow task') && tasks.some((t) => t.pid === pid && t.kind === 'activity task');
    for (let batch = 0; batch < MAX_BATCHES && !pids.every(ranBoth); batch++) {
      const more = await bookBatch(BATCH);
      await allSent(more, ['booking_confirmation']);
      booked.push(...more);
      tasks = await tasksOfAll(booked);
    }
    return { booked, tasks };
  }

  const pidOf = (worker: AroCluster['workers'][number]): number => {
    assert.ok(worker.pid !== undefined, `${worker.name} has no process`);
    return worker.pid;
  };

  it('shares workflow and activity tasks between two worker processes', async () => {
    const pids = cluster.workers.map(pidOf);
    const { booked, tasks } = await bookUntilShared(pids);
    for (const pid of pids) {
      for (const kind of ['workflow task', 'activity task'] as const) {
        const count = tasks.filter((t) => t.pid === pid && t.kind === kind).length;
        assert.ok(count > 0, `worker process ${pid} ran no ${kind} in ${booked.length} lifecycles`);
      }
    }
    assert.deepEqual(new Set(tasks.map((t) => t.pid)), new Set(pids), 'a task ran somewhere other than the two workers');
  });

  it('loses nothing when one worker process is SIGKILLed: its lifecycles and activities go on in the other', async () => {
    const [victim, survivor] = cluster.workers;
    const victimPid = pidOf(victim);
    const survivorPid = pidOf(survivor);
    // Lifecycles the victim holds in its cache and is running tasks for when it dies.
    const before = await bookBatch(BATCH);
    await allSent(before, ['booking_confirmation']);
    const during = bookBatch(BATCH);
    const killedAt = Date.now();
    await victim.kill('SIGKILL');
    const booked = [...before, ...(await during), ...(await bookBatch(BATCH))];

    // Every lifecycle booked before, during and after the kill is confirmed by its patient's reply: new
    // workflow tasks and a send for each, the victim's ones included.
    await allSent(booked, ['booking_confirmation']);
    await Promise.all(booked.map((b) => reply(b, 'yes')));
    await allSent(booked, ['booking_confirmation', 'confirm_ack']);
    for (const { workflowId } of booked) {
      const snapshot = await cluster.temporal.workflow.getHandle(workflowId).query(snapshotQuery);
      assert.equal(snapshot.status, 'confirmed', `${workflowId} is ${snapshot.status}`);
    }

    const tasks = await tasksOfAll(booked);
    assert.ok(
      tasks.some((t) => t.pid === victimPid && t.at < killedAt),
      'the killed worker ran none of these lifecycles before it died, so its death proves nothing',
    );
    // Events are stamped by the server; allow a second of skew around the kill.
    const afterKill = tasks.filter((t) => t.at > killedAt + 1_000);
    assert.ok(afterKill.length > 0);
    assert.deepEqual([...new Set(afterKill.map((t) => t.pid))], [survivorPid], 'only the survivor runs tasks after the kill');
    const taken = await Promise.all(
      before.map(async (b) => {
        const own = await tasksOf(b.workflowId);
        return own.some((t) => t.pid === victimPid && t.at < killedAt) && own.some((t) => t.pid === survivorPid && t.at > killedAt);
      }),
    );
    assert.ok(taken.some(Boolean), 'no lifecycle the killed worker ran went on in the survivor');
    const failed = await cluster.temporal.workflow.count(`AroTenantId = '${tenant.id}' AND ExecutionStatus != 'Running'`);
    assert.equal(failed.count, 0, 'a lifecycle ended (failed or terminated)');
  });

  it('a third worker process started later takes work, and nothing else restarts', async () => {
    const apiPid = cluster.api.pid;
    const survivor = cluster.workers[1];
    const survivorPid = pidOf(survivor);
    const third = await cluster.addWorker();
    const thirdPid = pidOf(third);
    const { booked, tasks } = await bookUntilShared([thirdPid]);
    for (const kind of ['workflow task', 'activity task'] as const) {
      assert.ok(
        tasks.some((t) => t.pid === thirdPid && t.kind === kind),
        `the third worker ran no ${kind} in ${booked.length} lifecycles`,
      );
    }
    assert.equal(cluster.api.pid, apiPid, 'the API process was restarted');
    assert.equal(survivor.pid, survivorPid, 'the surviving worker process was restarted');
    assert.deepEqual([cluster.api, ...cluster.workers].flatMap((p) => p.unexpectedExits), [], 'a process exited on its own');
  });
});

describe('Temporal cluster ports', () => {
  // Temporal stores a service's membership port in a SMALLINT column: a larger one stops the service.
  it('keeps every membership port at or below 32767', async () => {
    const drawn = await freeClusterPorts(false);
    for (const name of TEMPORAL_SERVICES) assert.ok(drawn.services[name].membership <= 32_767, `${name}: ${drawn.services[name].membership}`);
    for (let i = 0; i < 20; i++) assert.ok((await freePortBelow(20_000)) < 20_000);
  });

  it('lays out npm run cluster\'s ports from the frontend\'s, and refuses one that would pass the ceiling', () => {
    const ports = clusterPortsFrom(7333, 8333);
    assert.deepEqual(ports.services.frontend, { grpc: 7333, membership: 7033, metrics: 7353 });
    assert.deepEqual(ports.services.worker, { grpc: 7339, membership: 7039, metrics: 7359 });
    assert.equal(ports.frontendHttp, 7343);
    assert.doesNotThrow(() => clusterPortsFrom(33_061, null));
    assert.throws(() => clusterPortsFrom(33_062, null), /membership ports above 32767.*choose 33061 or lower/);
  });
});

describe('Temporal cluster dynamic config', function () {
  // The first run on a machine builds the Temporal server.
  this.timeout(40 * 60_000);
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'aro-dynamic-config-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  // The server ignores keys it does not know: a misspelt fairness key would leave fairness off unseen.
  it('passes the server\'s own check, which refuses a misspelt key or a wrong type', async () => {
    const { server } = await ensureTemporalServer();
    const write = async (name: string, content: object) => {
      const file = join(dir, name);
      await writeFile(file, stringify(content));
      return file;
    };
    await validateDynamicConfig(server, await write('ours.yaml', CLUSTER_DYNAMIC_CONFIG));
    await assert.rejects(validateDynamicConfig(server, await write('misspelt.yaml', { 'matching.enableFairnes': [{ value: true }] })), /unregistered key/);
    await assert.rejects(validateDynamicConfig(server, await write('wrong-type.yaml', { 'matching.enableFairness': [{ value: 7 }] })), /validation failed/);
  });
});
