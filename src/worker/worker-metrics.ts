// Prometheus metrics of supervised workers, read from their statuses at each scrape, and of the skills
// they run (src/telemetry/skill-metrics.ts).
import { Counter, Gauge, type Registry } from 'prom-client';
import { registerSkillMetrics } from '../telemetry/skill-metrics';
import type { WorkerState, WorkerStatuses } from './supervised-worker';

const STATES: WorkerState[] = ['running', 'restarting', 'stopped'];

/** Registers the worker metrics in `registry` (the worker process's own, or the API's under `npm run dev`). */
export function registerWorkerMetrics(registry: Registry, workers: WorkerStatuses): void {
  new Gauge({
    name: 'aro_worker_state',
    help: "1 for each task queue's current worker state (running, restarting, stopped), 0 for the others.",
    labelNames: ['task_queue', 'state'] as const,
    registers: [registry],
    collect() {
      // Rebuilt at each scrape, so that a queue whose worker was replaced leaves no stale series.
      this.reset();
      for (const { taskQueue, state } of workers.statuses()) {
        for (const candidate of STATES) this.set({ task_queue: taskQueue, state: candidate }, candidate === state ? 1 : 0);
      }
    },
  });
  // The supervisors count restarts themselves; the counter catches up with them at each scrape.
  const counted = new Map<string, number>();
  new Counter({
    name: 'aro_worker_restarts_total',
    help: 'Restarts of a task queue worker after it failed, since the process started.',
    labelNames: ['task_queue'] as const,
    registers: [registry],
    collect() {
      for (const { taskQueue, restarts } of workers.statuses()) {
        const seen = counted.get(taskQueue) ?? 0;
        this.inc({ task_queue: taskQueue }, Math.max(0, restarts - seen));
        counted.set(taskQueue, Math.max(seen, restarts));
      }
    },
  });
  registerSkillMetrics(registry);
}
