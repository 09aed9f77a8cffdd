// The executor side: one supervised Temporal Worker per tenant task queue, hosting that tenant's
// skills. New tenants, and changed rate settings, are picked up by polling the tenant registry, so no
// restart is needed; a tenant's Worker that fails is restarted on its own (supervised-worker.ts).
import type { NativeConnection } from '@temporalio/worker';
import type { Db } from '../db/prisma';
import { createSkillActivities, type ActivityDeps } from '../activities';
import { log } from '../telemetry/logger';
import { tenantTaskQueue } from '../routing/tenant-task-queue';
import { SupervisedWorker, type WorkerStatus } from './supervised-worker';
import type { WorkerFactory } from './worker-factory';

export interface TenantWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  refreshMs: number;
  createWorker: WorkerFactory;
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

interface TenantWorker {
  supervisor: SupervisedWorker;
  /** The settings it was built with; a change replaces the worker. */
  settingsKey: string;
}

export class TenantWorkers {
  private readonly running = new Map<string, TenantWorker>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private stopped = false;

  constructor(private readonly opts: TenantWorkersOptions) {}

  /** Starts a worker for every tenant now and keeps polling for new ones. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refreshing ??= this.refresh()
        .catch((err: unknown) => log.error({ component: 'worker', err }, 'tenant refresh failed'))
        .finally(() => (this.refreshing = undefined));
    }, this.opts.refreshMs);
  }

  get taskQueues(): string[] {
    return [...this.running.keys()].map(tenantTaskQueue);
  }

  /** One per tenant queue; a worker being replaced after a settings change is not listed. */
  statuses(): WorkerStatus[] {
    return [...this.running.values()].map(({ supervisor }) => supervisor.status);
  }

  async refresh(): Promise<void> {
    const tenants = await (this.opts.deps.db as Db).tenant.findMany({ select: { id: true, channels: true } });
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
            taskQueue,
            activities: createSkillActivities(this.opts.deps, tenant.id),
            maxTaskQueueActivitiesPerSecond: maxActivitiesPerSecond,
            // The server's limit holds across every executor polling the queue; the worker's own keeps
            // this executor within it too. Both admit short bursts (bench/tenant-burst.ts: up to about
            // twice the rate within one second, the rate on average).
            maxActivitiesPerSecond,
            maxConcurrentActivityTaskExecutions: maxConcurrentActivities ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
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
    await Promise.all([...this.running.values()].map(({ supervisor }) => supervisor.shutdown()).concat(this.retiring));
  }
}
