// The executor side: one Temporal Worker per tenant task queue, hosting that tenant's skills.
// New tenants, and changed rate settings, are picked up by polling the tenant registry, so no
// restart is needed.
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Db } from '../db/prisma';
import { createSkillActivities, type ActivityDeps } from '../activities';
import { tenantTaskQueue } from '../routing/tenant-task-queue';

export interface TenantWorkersOptions {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  refreshMs: number;
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
  worker: Worker;
  done: Promise<void>;
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
        .catch((err) => console.error('[aro-worker] tenant refresh failed:', err))
        .finally(() => (this.refreshing = undefined));
    }, this.opts.refreshMs);
  }

  get taskQueues(): string[] {
    return [...this.running.keys()].map(tenantTaskQueue);
  }

  async refresh(): Promise<void> {
    const tenants = await (this.opts.deps.db as Db).tenant.findMany({ select: { id: true, channels: true } });
    for (const tenant of tenants) {
      if (this.stopped) return;
      const { maxActivitiesPerSecond, maxConcurrentActivities } = (tenant.channels ?? {}) as TenantSettings;
      const settingsKey = JSON.stringify([maxActivitiesPerSecond, maxConcurrentActivities]);
      const current = this.running.get(tenant.id);
      if (current?.settingsKey === settingsKey) continue;
      // The new worker polls beside the old one until the old one has finished what it holds.
      if (current) this.retire(current);
      const worker = await Worker.create({
        connection: this.opts.connection,
        namespace: this.opts.namespace,
        taskQueue: tenantTaskQueue(tenant.id),
        activities: createSkillActivities(this.opts.deps, tenant.id),
        maxTaskQueueActivitiesPerSecond: maxActivitiesPerSecond,
        // The server's limit holds across every executor polling the queue; the worker's own keeps
        // this executor within it too. Both admit short bursts (bench/tenant-burst.ts: up to about
        // twice the rate within one second, the rate on average).
        maxActivitiesPerSecond,
        maxConcurrentActivityTaskExecutions: maxConcurrentActivities ?? DEFAULT_MAX_CONCURRENT_ACTIVITIES,
      });
      const done = worker.run().catch((err) => console.error(`[aro-worker] tenant ${tenant.id} worker failed:`, err));
      this.running.set(tenant.id, { worker, done, settingsKey });
    }
  }

  private readonly retiring: Promise<void>[] = [];

  private retire({ worker, done }: TenantWorker): void {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    this.retiring.push(done);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    for (const { worker } of this.running.values()) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
    await Promise.all([...this.running.values()].map((r) => r.done).concat(this.retiring));
  }
}
