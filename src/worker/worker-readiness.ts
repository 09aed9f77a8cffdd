// Whether a process's workers are all serving, and what the readiness probe says about each task queue.
import type { WorkerState, WorkerStatus } from './supervised-worker';

export interface QueueReport {
  state: WorkerState;
  tenantId?: string;
  attempt?: number;
  nextTryAt?: string;
  restarts: number;
  lastError?: string;
}

export interface WorkerReadiness {
  ready: boolean;
  queues: Record<string, QueueReport>;
}

/**
 * Ready only while every worker runs: the core worker and each tenant's. `withErrors` adds each
 * queue's last error, for the worker process's own port; the API's public probe leaves it to the log.
 */
export function workerReadiness(statuses: WorkerStatus[], { withErrors }: { withErrors: boolean }): WorkerReadiness {
  const queues: Record<string, QueueReport> = {};
  for (const s of statuses) {
    queues[s.taskQueue] = {
      state: s.state,
      ...(s.tenantId ? { tenantId: s.tenantId } : {}),
      ...(s.state === 'restarting' ? { attempt: s.attempt, nextTryAt: s.nextTryAt?.toISOString() } : {}),
      restarts: s.restarts,
      ...(withErrors && s.lastError ? { lastError: s.lastError } : {}),
    };
  }
  return { ready: statuses.length > 0 && statuses.every((s) => s.state === 'running'), queues };
}
