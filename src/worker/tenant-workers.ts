// The executor side: one supervised Temporal Worker per pool queue (skills of every pooled tenant),
// and one per dedicated tenant queue of this process's shard, hosting that tenant's skills. New
// tenants, moves between pool and own queue, and changed rate settings are picked up by polling the
// tenant registry, so no restart is needed; a Worker that fails is restarted on its own
// (supervised-worker.ts).
import type { DataConverter } from '@temporalio/common';
import type { NativeConnection } from '@temporalio/worker';
import type { Db } from '../db/prisma';
import { createPooledSkillActivities, createSkillActivities, type ActivityDeps } from '../activities';
import { poolTaskQueues, servesDedicatedQueue, tenantShard, tenantTaskQueue } from '../routing/tenant-task-queue';
import { log } from '../telemetry/logger';
import { SupervisedWorker, type WorkerStatus } from './supervised-worker';
import type { WorkerFactory } from './worker-factory';

export interface TenantWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  dataConverter: DataConverter;
  deps: ActivityDeps;
  refreshMs: number;
  createWorker: WorkerFactory;
  /** This process serves the dedicated queues of the tenants whose shard (of `count`) is `index`. */
  shard: { count: number; index: number };
  /** Pool queues, all served by every process. */
  pools: number;
  poolMaxConcurrentActivities: number;
}

interface TenantSettings {
  /**
   * Server-side cap on this tenant's skill calls per second, enforced by Temporal for the whole
   * task queue (every worker polling it): set it to the tenant's provider throughput.
   */
  maxActivitiesPerSecond?: number;
  maxConcurrentActivities?: number;
}

const DEFAULT_MAX_CONCURRENT_ACTIVITIES = 20;
/**
 * Long polls a dedicated queue's Worker keeps open, scaled by the server's feedback (a backlog asks
 * for more, an empty poll for fewer). A Temporal frontend holds at most 1,200 polls of one kind per
 * namespace (`frontend.namespaceCount`), across every worker process, so what counts is the idle
 * cost, and the SDK only shrinks a queue's polls once the server has sent it a scaling decision: a
 * queue that has carried no task keeps `initial`. Hence 1 to start and 1 at rest, which leaves room
 * for about 1,170 dedicated clinics beside one process's core and pool polls (docs/tenants-at-scale.md).
 * A fixed 2 made a reminder storm's sends wait for those two polls (1,000 due at once: schedule-to-start
 * p90 8.2 s); growing to 10 (the SDK's old fixed number) on a backlog brought it to 1.0 s (measured
 * starting from 2, not from 1).
 */
const DEDICATED_QUEUE_POLLERS = { type: 'autoscaling', minimum: 1, initial: 1, maximum: 10 } as const;
/**
 * The pools serve every pooled clinic, so they see the load a clinic alone does not: they grow with a
 * backlog up to the SDK's old fixed 10 and come back to 2 at rest (a poll waiting while the other
 * carries a task). Every worker process polls every pool, so 2 rather than 10 at rest keeps the pools'
 * share of the 1,200 small as processes are added.
 */
const POOL_QUEUE_POLLERS = { type: 'autoscaling', minimum: 2, initial: 2, maximum: 10 } as const;

interface TenantWorker {
  supervisor: SupervisedWorker;
  /** The settings it was built with; a change replaces the worker. */
  settingsKey: string;
}

export class TenantWorkers {
  private readonly running = new Map<string, TenantWorker>();
  private readonly pools: SupervisedWorker[];
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private stopped = false;

  constructor(private readonly opts: TenantWorkersOptions) {
    // One set of skills for all pools: each call serves the tenant of the lifecycle that scheduled it.
    const activities = createPooledSkillActivities(opts.deps);
    this.pools = poolTaskQueues(opts.pools).map(
      (taskQueue) =>
        new SupervisedWorker({
          taskQueue,
          create: () =>
            opts.createWorker({
              connection: opts.connection,
              namespace: opts.namespace,
              dataConverter: opts.dataConverter,
              taskQueue,
              activities,
              maxConcurrentActivityTaskExecutions: opts.poolMaxConcurrentActivities,
              activityTaskPollerBehavior: POOL_QUEUE_POLLERS,
            }),
        }),
    );
  }

  /** Starts the pool workers and a worker for every dedicated tenant of this shard now, and keeps polling for new ones. */
  async start(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.start()));
    await this.refresh();
    this.timer = setInterval(() => {
      this.refreshing ??= this.refresh()
        .catch((err: unknown) => log.error({ component: 'worker', err }, 'tenant refresh failed'))
        .finally(() => (this.refreshing = undefined));
    }, this.opts.refreshMs);
  }

  /** The pool queues, then the dedicated tenant queues this process serves. */
  get taskQueues(): string[] {
    return [...this.pools.map((pool) => pool.status.taskQueue), ...[...this.running.keys()].map(tenantTaskQueue)];
  }

  /** One per pool and per dedicated tenant queue; a worker being replaced after a settings change is not listed. */
  statuses(): WorkerStatus[] {
    return [...this.pools.map((pool) => pool.status), ...[...this.running.values()].map(({ supervisor }) => supervisor.status)];
  }

  async refresh(): Promise<void> {
    const { count, index } = this.opts.shard;
    // Pooled tenants need nothing of this process beyond the pools: only the others are read.
    const dedicated = await (this.opts.deps.db as Db).tenant.findMany({
      where: { executor: { not: 'pooled' } },
      select: { id: true, channels: true, executor: true },
    });
    const tenants = dedicated.filter((tenant) => servesDedicatedQueue(tenant.executor) && tenantShard(tenant.id, count) === index);
    const served = new Set(tenants.map((tenant) => tenant.id));
    // Moved to the pool for good (or deleted): its own queue is no longer served here.
    for (const [tenantId, worker] of this.running) {
      if (served.has(tenantId)) continue;
      this.running.delete(tenantId);
      this.retire(worker);
    }
    for (const tenant of tenants) {
      if (this.stopped) return;
      const { maxActivitiesPerSecond, maxConcurrentActivities } = (tenant.channels ?? {}) as TenantSettings;
      const settingsKey = JSON.stringify([maxActivitiesPerSecond, maxConcurrentActivities]);
      const current = this.running.get(tenant.id);
      if (current?.settingsKey === settingsKey) continue;
      const taskQueue = tenantTaskQueue(tenant.id);
      const supervisor = new SupervisedWorker({
        taskQueue,
        tenantId: tenant.id,
        restartsBefore: current?.supervisor.status.restarts,
        create: () =>
          this.opts.createWorker({
            connection: this.opts.connection,
            namespace: this.opts.namespace,
            dataConverter: this.opts.dataConverter,
            taskQueue,
            activities: createSkillActivities(this.opts.deps, tenant.id),
            maxTaskQueueActivitiesPerSecond: maxActivitiesPerSecond,
            // The server's limit holds across every executor polling the queue; the worker's own keeps
            // this executor within it too. Both admit short bursts (bench/tenant-burst.ts: up to about
            // twice the rate within one second, the rate on average).
            maxActivitiesPerSecond,
            maxConcurrentActivityTaskExecutions: maxConcurrentActivities ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
            activityTaskPollerBehavior: DEDICATED_QUEUE_POLLERS,
          }),
      });
      // A clinic whose worker cannot start is reported (restarting) and retried; the others go on.
      // Listed once its first start is over, so that a clinic being picked up never reads as down,
      // and a replaced worker stops only then: the new one polls beside it until it has finished
      // what it holds.
      await supervisor.start();
      if (current) this.retire(current);
      this.running.set(tenant.id, { supervisor, settingsKey });
    }
  }

  private readonly retiring: Promise<void>[] = [];

  private retire({ supervisor }: TenantWorker): void {
    this.retiring.push(supervisor.shutdown());
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    const supervisors = [...this.pools, ...[...this.running.values()].map(({ supervisor }) => supervisor)];
    await Promise.all(supervisors.map((supervisor) => supervisor.shutdown()).concat(this.retiring));
  }
}
