// Tenants at scale (docs/tenants-at-scale.md): the router's hashes, pooled tenants sending through a
// shared pool queue with their own credentials and send rate, dedicated tenants on their own queue,
// a move between the two, and two sharded worker processes each serving only their shard — on the
// real Temporal dev server and PostgreSQL, with Twilio played by the local Twilio-compatible server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { createPooledSkillActivities } from '../src/activities';
import { admitPooledSend } from '../src/activities/tenant-send-pace';
import { createTwilioProvider } from '../src/activities/providers/twilio';
import { loadConfig } from '../src/config';
import { credentialCipher } from '../src/secrets/credential-cipher';
import { poolTaskQueue, skillRoute, tenantPool, tenantShard, tenantTaskQueue } from '../src/routing/tenant-task-queue';
import { createTenant } from '../src/tenants/create-tenant';
import { changeTenantExecutor, nextExecutor } from '../src/tenants/tenant-executor';
import { configureTwilio } from '../src/tenants/twilio-setup';
import { SupervisedAroProcess } from '../src/toolchain/aro-processes';
import { runOperatorCli } from './support/operator-cli';
import { TEST_PAYLOAD_SETTINGS } from './support/payload-keys';
import { freePort } from '../src/toolchain/free-port';
import { appointmentWorkflowId, ErrorType, type SendMessageCommand, type SendOutcome } from '../src/workflows/contracts';
import { startAroStack, type AroStack } from './support/aro-stack';
import { eventually, uniquePhone } from './support/lifecycle-harness';
import { LocalTwilio, newAccount, randomSid, type LocalTwilioAccount } from './support/local-twilio';
import { bookingSignature } from './support/signing';

const WAIT_MS = 120_000;
const clinicIds = Array.from({ length: 1000 }, (_, i) => `clinic-${i}`);

describe('the tenant router', function () {
  it('puts each tenant in one shard and one pool, spread evenly, the same in every process', function () {
    const perShard = [0, 0, 0, 0];
    for (const id of clinicIds) perShard[tenantShard(id, 4)] += 1;
    for (const count of perShard) assert.ok(count > 200 && count < 300, `shards of 1000 tenants: ${perShard.join(', ')}`);
    // Pinned: a worker and an API of another release must route the same tenant the same way.
    assert.deepEqual(
      ['clinic-0', 'clinic-1', 't_5a8573417b47bf1d'].map((id) => [tenantShard(id, 8), tenantPool(id, 4)]),
      [
        [5, 2],
        [6, 3],
        [5, 2],
      ],
    );
  });

  it('moves only the tenants of a new shard when shards are added', function () {
    for (let shards = 1; shards < 16; shards++) {
      const moved = clinicIds.filter((id) => tenantShard(id, shards + 1) !== tenantShard(id, shards));
      for (const id of moved) assert.equal(tenantShard(id, shards + 1), shards, `${id} moved between old shards`);
      assert.ok(moved.length < (2 * clinicIds.length) / (shards + 1), `${moved.length} of 1000 moved from ${shards} to ${shards + 1} shards`);
    }
  });

  it('routes dedicated tenants to their own queue and pooled ones to a pool, with the tenant as fairness key', function () {
    assert.deepEqual(skillRoute({ id: 'clinic-7', executor: 'dedicated' }, 4), { taskQueue: 'aro-tenant-clinic-7' });
    const pooled = skillRoute({ id: 'clinic-7', executor: 'pooled' }, 4);
    assert.deepEqual(pooled, { taskQueue: poolTaskQueue(tenantPool('clinic-7', 4)), fairnessKey: 'clinic-7' });
    assert.deepEqual(skillRoute({ id: 'clinic-7', executor: 'leaving-dedicated' }, 4), pooled);
  });

  it('refuses a shard outside the shard count, naming the setting', function () {
    assert.throws(() => loadConfig({ ARO_TENANT_SHARDS: '2', ARO_TENANT_SHARD: '2' }), /ARO_TENANT_SHARD: must be below ARO_TENANT_SHARDS \(2\)/);
    assert.throws(() => loadConfig({ ARO_TENANT_POOLS: '0' }), /ARO_TENANT_POOLS/);
    assert.equal(loadConfig({ ARO_TENANT_SHARDS: '3', ARO_TENANT_SHARD: '2' }).ARO_TENANT_SHARD, 2);
  });

  it('moves a clinic to the pool through leaving-dedicated, and back at once', function () {
    assert.equal(nextExecutor('dedicated', 'pooled'), 'leaving-dedicated');
    assert.equal(nextExecutor('leaving-dedicated', 'release-dedicated-queue'), 'pooled');
    assert.deepEqual(nextExecutor('dedicated', 'release-dedicated-queue'), { refused: 'the tenant is dedicated, not leaving a dedicated queue' });
    assert.equal(nextExecutor('pooled', 'dedicated'), 'dedicated');
  });
});

interface Clinic {
  id: string;
  webhookSecret: string;
  account: LocalTwilioAccount;
}

describe('pooled and dedicated tenants on Temporal and PostgreSQL', function () {
  this.timeout(WAIT_MS * 2);
  const POOLS = 2;
  let stack: AroStack;
  let twilio: LocalTwilio;
  const accounts = { a: newAccount(), b: newAccount(), c: newAccount() };
  let pooledA: Clinic;
  let pooledB: Clinic;
  let dedicatedC: Clinic;

  before(async function () {
    this.timeout(15 * 60_000);
    twilio = await new LocalTwilio(Object.values(accounts)).start();
    twilio.deliverySteps = [];
    const apiPort = await freePort();
    stack = await startAroStack({
      ARO_API_PORT: String(apiPort),
      ARO_PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      ARO_TWILIO_API_URL: twilio.url,
      ARO_SECRETS_KEY: randomBytes(32).toString('base64'),
      ARO_TENANT_POOLS: String(POOLS),
      // A move between queues reaches bookings with the next tenant read: at once here.
      ARO_TENANT_CACHE_TTL_MS: '0',
    });
    const clinic = async (name: string, executor: 'dedicated' | 'pooled', account: LocalTwilioAccount, rate: number): Promise<Clinic> => {
      const created = await createTenant(stack.db, { name, timeZone: 'America/New_York', executor });
      await configureTwilio(stack.db, credentialCipher(stack.config), created.tenant.id, {
        ...account,
        messagingServiceSid: randomSid('MG'),
        maxMessagesPerSecond: rate,
      });
      return { id: created.tenant.id, webhookSecret: created.webhookSecret, account };
    };
    pooledA = await clinic('Pool Clinic A', 'pooled', accounts.a, 1);
    pooledB = await clinic('Pool Clinic B', 'pooled', accounts.b, 50);
    dedicatedC = await clinic('Large Clinic C', 'dedicated', accounts.c, 50);
    await eventually(async () => stack.workers.tenants.taskQueues, (queues) => queues.includes(tenantTaskQueue(dedicatedC.id)), 'the dedicated worker', WAIT_MS);
  });

  after(async function () {
    await stack?.stop();
    await twilio?.stop();
  });

  /** Books through the signed booking webhook; answers the lifecycle's workflow id. */
  async function book(clinic: Clinic, externalId: string): Promise<string> {
    const raw = JSON.stringify({
      id: `evt-${externalId}`,
      type: 'appointment.created',
      occurredAt: DateTime.now().toISO(),
      appointment: { externalId, startsAt: DateTime.now().plus({ days: 5 }).toISO(), patient: { name: 'Rosa Díaz', phone: uniquePhone() } },
    });
    const res = await fetch(`${stack.url}/webhooks/booking/${clinic.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-aro-signature': bookingSignature(clinic.webhookSecret, raw) },
      body: raw,
    });
    assert.equal(res.status, 202, await res.text());
    return appointmentWorkflowId(clinic.id, externalId);
  }

  /** The pools' skills as a worker builds them, to call one directly as a given lifecycle. */
  const pooledSkills = () =>
    createPooledSkillActivities({
      db: stack.db,
      providers: { twilio: createTwilioProvider({ apiBaseUrl: twilio.url, timeoutMs: 5_000 }) },
      cipher: credentialCipher(stack.config),
      publicUrl: stack.config.ARO_PUBLIC_URL,
      planLimits: stack.config.ARO_PLAN_LIMITS,
    });

  /** A booking confirmation for `tenantId`'s clinic, scheduled by the lifecycle of `externalId` at clinic `scheduledBy`. */
  function confirmationCommand(tenantId: string, scheduledBy: string, externalId: string, patient: { name: string; phone: string }): SendMessageCommand {
    const workflowId = appointmentWorkflowId(scheduledBy, externalId);
    return {
      tenantId,
      commandId: `${workflowId}:confirm`,
      workflowId,
      appointmentExternalId: externalId,
      to: patient.phone,
      patientName: patient.name,
      channel: 'sms',
      template: 'booking_confirmation',
      urgency: 'transactional',
      at: new Date().toISOString(),
      appointment: { externalId, startsAt: DateTime.now().plus({ days: 2 }).toISO()!, durationMinutes: 30, patient },
      policy: { quietHours: null, frequencyCap: null, whatsappDeliveryWindow: null } as unknown as SendMessageCommand['policy'],
    };
  }

  const sentBy = (account: LocalTwilioAccount) => twilio.messages.filter((m) => m.accountSid === account.accountSid);

  /** Where the lifecycle scheduled its first messaging.send, as its history records it. */
  async function firstSendRoute(workflowId: string): Promise<{ taskQueue: string; fairnessKey: string }> {
    const history = await eventually(
      () => stack.temporal.workflow.getHandle(workflowId).fetchHistory(),
      (h) => (h.events ?? []).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'messaging.send'),
      `${workflowId} scheduling a send`,
      WAIT_MS,
    );
    const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'messaging.send')!;
    const attributes = scheduled.activityTaskScheduledEventAttributes!;
    return { taskQueue: attributes.taskQueue?.name ?? '', fairnessKey: attributes.priority?.fairnessKey ?? '' };
  }

  it("sends a pooled tenant's messages through its pool, with its own Twilio account", async function () {
    const [a, b] = [await book(pooledA, 'pool-a-1'), await book(pooledB, 'pool-b-1')];
    assert.deepEqual(await firstSendRoute(a), { taskQueue: poolTaskQueue(tenantPool(pooledA.id, POOLS)), fairnessKey: pooledA.id });
    assert.deepEqual(await firstSendRoute(b), { taskQueue: poolTaskQueue(tenantPool(pooledB.id, POOLS)), fairnessKey: pooledB.id });
    // Twilio has a message before the send records its sid: wait for both records.
    const rows = await eventually(
      () => stack.db.message.findMany({ where: { appointmentId: { in: [a, b] } }, select: { tenantId: true, providerMessageId: true } }),
      (list) => new Set(list.filter((row) => row.providerMessageId).map((row) => row.tenantId)).size === 2,
      'both confirmations recorded as sent',
      WAIT_MS,
    );
    assert.ok(sentBy(accounts.a).length >= 1 && sentBy(accounts.b).length >= 1);
    for (const row of rows) {
      const account = row.tenantId === pooledA.id ? accounts.a : accounts.b;
      assert.ok(sentBy(account).some((m) => m.sid === row.providerMessageId), `${row.tenantId}'s message went out through its own account`);
    }
    assert.equal(sentBy(accounts.c).length, 0);
    // No worker of its own: the pools serve it.
    assert.ok(!stack.workers.tenants.taskQueues.includes(tenantTaskQueue(pooledA.id)));
  });

  it("keeps a pooled tenant's send rate in the shared pool", async function () {
    const before = sentBy(accounts.a).length;
    await Promise.all(['pool-a-2', 'pool-a-3', 'pool-a-4'].map((externalId) => book(pooledA, externalId)));
    const sent = await eventually(async () => sentBy(accounts.a).slice(before), (list) => list.length >= 3, "clinic A's three confirmations", WAIT_MS);
    const times = sent.map((m) => m.dateCreated.getTime()).sort((x, y) => x - y);
    // One a second: three admitted sends span at least two seconds (slowness only widens the gaps).
    assert.ok(times[2] - times[0] >= 1_900, `three sends at 1/s arrived ${times[2] - times[0]} ms apart`);
  });

  it('admits one send per slot when sends of one pooled tenant race each other', async function () {
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => admitPooledSend(stack.db, pooledA.id, 1)));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as { type?: string; nextRetryDelay?: unknown });
    assert.ok(outcomes.filter((o) => o.status === 'fulfilled').length <= 1, 'at most one of five sends in the same instant is admitted at 1/s');
    for (const failure of refused) {
      assert.equal(failure.type, ErrorType.TenantPaced);
      assert.ok(failure.nextRetryDelay, 'a refused send is retried when its turn is due');
    }
  });

  it('takes a send slot only for a message that goes: the retry of a completed send answers at once, at 1/s', async function () {
    const skills = pooledSkills();
    const phone = uniquePhone();
    const command = confirmationCommand(pooledA.id, pooledA.id, 'paced-retry', { name: 'Rosa Díaz', phone });
    const { workflowId } = command;
    const send = (): Promise<SendOutcome> => new MockActivityEnvironment({ workflowExecution: { workflowId, runId: 'run' } }).run(skills['messaging.send'], command);
    // The clinic sends one a second: the first try waits for its slot as Temporal's retry would.
    let first: SendOutcome | undefined;
    while (!first) {
      first = await send().catch(async (err: { type?: string; nextRetryDelay?: number }) => {
        if (err.type !== ErrorType.TenantPaced) throw err;
        await new Promise((resolve) => setTimeout(resolve, Number(err.nextRetryDelay)));
        return undefined;
      });
    }
    assert.equal(first.status, 'sent');
    // Within the same second: a pace slot taken by the retry would refuse it with TenantPaced.
    assert.deepEqual(await send(), first);
    assert.equal(twilio.sentTo(phone).length, 1);
  });

  it("refuses a pooled command naming another tenant than the scheduling lifecycle's: no credentials opened, nothing recorded", async function () {
    const skills = pooledSkills();
    const command = confirmationCommand(pooledA.id, pooledB.id, 'intruder', { name: 'Mallory', phone: uniquePhone() });
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: command.workflowId, runId: 'run' } });
    const sentBefore = twilio.messages.length;
    await assert.rejects(env.run(skills['messaging.send'], command), (err: { type?: string; message: string }) => {
      assert.equal(err.type, ErrorType.InvalidCommand);
      assert.match(err.message, /scheduled by appt:.*a lifecycle of another tenant/);
      return true;
    });
    assert.equal(twilio.messages.length, sentBefore);
    assert.equal(await stack.db.skillInvocation.count({ where: { tenantId: pooledA.id, commandId: command.commandId } }), 0);
  });

  it('keeps a dedicated tenant on its own queue, with no fairness key', async function () {
    const workflowId = await book(dedicatedC, 'large-1');
    assert.deepEqual(await firstSendRoute(workflowId), { taskQueue: tenantTaskQueue(dedicatedC.id), fairnessKey: '' });
    await eventually(async () => sentBy(accounts.c).length, (n) => n >= 1, "clinic C's confirmation", WAIT_MS);
  });

  it('serves a clinic leaving its own queue on both until the operator releases it', async function () {
    assert.equal(await changeTenantExecutor(stack.db, dedicatedC.id, 'pooled', 'test'), 'leaving-dedicated');
    const moved = await book(dedicatedC, 'large-2');
    assert.equal((await firstSendRoute(moved)).taskQueue, poolTaskQueue(tenantPool(dedicatedC.id, POOLS)));
    assert.ok(stack.workers.tenants.taskQueues.includes(tenantTaskQueue(dedicatedC.id)), 'its own queue is still served');
    assert.equal(await changeTenantExecutor(stack.db, dedicatedC.id, 'release-dedicated-queue', 'test'), 'pooled');
    await eventually(async () => stack.workers.tenants.taskQueues, (queues) => !queues.includes(tenantTaskQueue(dedicatedC.id)), 'its own queue let go', WAIT_MS);
    const audit = await stack.db.auditEvent.findMany({ where: { tenantId: dedicatedC.id, action: 'settings.executor_changed' } });
    assert.equal(audit.length, 2);
  });
});

describe('two sharded worker processes', function () {
  this.timeout(WAIT_MS * 2);
  let stack: AroStack;
  let logDir: string;
  const workers: SupervisedAroProcess[] = [];
  const ports: number[] = [];
  const tenantsOf: string[][] = [[], []];

  before(async function () {
    this.timeout(15 * 60_000);
    // The stack's own workers are shard 0 of 2 too, so they take none of shard 1's tenants.
    stack = await startAroStack({ ARO_TENANT_SHARDS: '2', ARO_TENANT_SHARD: '0' });
    // Random ids, as ARO gives them, until each shard has two.
    for (let i = 0; tenantsOf[0].length < 2 || tenantsOf[1].length < 2; i++) {
      const { tenant } = await createTenant(stack.db, { name: `Sharded Clinic ${i}`, timeZone: 'UTC', executor: 'dedicated' });
      tenantsOf[tenantShard(tenant.id, 2)].push(tenant.id);
    }
    logDir = mkdtempSync(join(tmpdir(), 'aro-shards-'));
    for (const shard of [0, 1]) {
      ports[shard] = await freePort();
      workers[shard] = new SupervisedAroProcess(
        'worker',
        {
          DATABASE_URL: stack.databaseUrl,
          TEMPORAL_ADDRESS: stack.config.TEMPORAL_ADDRESS,
          ARO_WORKER_HTTP_PORT: String(ports[shard]),
          ARO_TENANT_SHARDS: '2',
          ARO_TENANT_SHARD: String(shard),
          ...TEST_PAYLOAD_SETTINGS,
          ARO_LOG_LEVEL: 'error',
        },
        logDir,
        `worker-shard-${shard}`,
      );
    }
    await Promise.all(workers.map((worker) => worker.start()));
  });

  after(async function () {
    await Promise.all(workers.map((worker) => worker.stop()));
    await stack?.stop();
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  it("serves each dedicated tenant's queue in its own shard's process only, and the pools in both", async function () {
    for (const shard of [0, 1]) {
      const res = await fetch(`http://127.0.0.1:${ports[shard]}/readyz`);
      const { queues } = (await res.json()) as { queues: Record<string, unknown> };
      const served = Object.keys(queues);
      for (const id of tenantsOf[shard]) assert.ok(served.includes(tenantTaskQueue(id)), `shard ${shard} serves ${id}`);
      for (const id of tenantsOf[1 - shard]) assert.ok(!served.includes(tenantTaskQueue(id)), `shard ${shard} leaves ${id} to the other shard`);
      for (let pool = 0; pool < stack.config.ARO_TENANT_POOLS; pool++) assert.ok(served.includes(poolTaskQueue(pool)), `shard ${shard} serves pool ${pool}`);
    }
  });

  it("moves a clinic with the operator's CLI, refusing a release it does not need and changing nothing", async function () {
    const env = { ...process.env, DATABASE_URL: stack.databaseUrl };
    const id = tenantsOf[1][0];
    const refused = await runOperatorCli(['tenant', 'executor', '--id', id, '--release-dedicated-queue'], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /the tenant is dedicated, not leaving a dedicated queue/);
    const twoAtOnce = await runOperatorCli(['tenant', 'executor', '--id', id, '--pooled', '--dedicated'], env);
    assert.notEqual(twoAtOnce.code, 0);
    assert.match(twoAtOnce.output, /give one of --dedicated, --pooled, --release-dedicated-queue/);
    assert.equal((await stack.db.tenant.findUniqueOrThrow({ where: { id } })).executor, 'dedicated');
    const moved = await runOperatorCli(['tenant', 'executor', '--id', id, '--pooled'], env);
    assert.equal(moved.code, 0, moved.output);
    assert.match(moved.output, /is leaving-dedicated: new appointments run in a shared pool queue/);
    const audit = await stack.db.auditEvent.findMany({ where: { tenantId: id, action: 'settings.executor_changed' } });
    assert.deepEqual(audit.map((entry) => entry.detail), [{ executor: { from: 'dedicated', to: 'leaving-dedicated' } }]);
    assert.match(audit[0].actor, /^operator-cli:/);
  });
});
