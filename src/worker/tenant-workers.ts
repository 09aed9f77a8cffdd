// The executor side: one Temporal Worker per tenant task queue, hosting that tenant's skills.
// New tenants are picked up by polling the tenant registry, so no restart is needed.
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
  /** Server-side cap on this tenant's skill calls per second (provider throughput). */
  maxActivitiesPerSecond?: number;
  maxConcurrentActivities?: number;
}

export class TenantWorkers {
  private readonly running = new Map<string, { worker: Worker; done: Promise<void> }>();
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
      if (this.stopped || this.running.has(tenant.id)) continue;
      const settings = (tenant.channels ?? {}) as TenantSettings;
      const worker = await Worker.create({
        connection: this.opts.connection,
        namespace: this.opts.namespace,
        taskQueue: tenantTaskQueue(tenant.id),
        activities: createSkillActivities(this.opts.deps),
        maxTaskQueueActivitiesPerSecond: settings.maxActivitiesPerSecond,
        maxConcurrentActivityTaskExecutions: settings.maxConcurrentActivities ?? 20,
      });
      const done = worker.run().catch((err) => console.error(`[aro-worker] tenant ${tenant.id} worker failed:`, err));
      this.running.set(tenant.id, { worker, done });
    }
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    for (const { worker } of this.running.values()) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
    }
    await Promise.all([...this.running.values()].map((r) => r.done));
  }
}
