// Keeps one task queue's Temporal Worker running: a Worker that fails, or stops without being asked,
// is built again after an exponential back-off, and its state is always there to be read.
import type { Worker } from '@temporalio/worker';
import { log } from '../telemetry/logger';
import { RESTART_BACKOFF, restartDelayMs } from './restart-backoff';

export type WorkerState = 'running' | 'restarting' | 'stopped';

export interface WorkerStatus {
  taskQueue: string;
  /** The clinic this executor serves; absent for the core worker. */
  tenantId?: string;
  state: WorkerState;
  /** Failures in a row, back to 0 once it has run healthily for a while; while restarting, the number of the try to come. */
  attempt: number;
  /** While restarting: when the next try starts. */
  nextTryAt?: Date;
  /** Why it last failed, kept after it recovers. */
  lastError?: string;
  /** Restarts since this process started. */
  restarts: number;
}

/** What the probes and metrics read: the state of every task queue's worker in a process. */
export interface WorkerStatuses {
  statuses(): WorkerStatus[];
}

export interface SupervisedWorkerOptions {
  taskQueue: string;
  tenantId?: string;
  /** Builds a fresh Worker for each (re)start; a Worker that has stopped cannot run again. */
  create: () => Promise<Worker>;
  /** Restarts of the worker this one replaces, so the queue's count goes on rising. */
  restartsBefore?: number;
}

export class SupervisedWorker {
  private state: WorkerState = 'stopped';
  private attempt = 0;
  private runningSince = 0;
  private restarts = 0;
  private nextTryAt?: Date;
  private lastError?: string;
  private worker?: Worker;
  private stopping = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly opts: SupervisedWorkerOptions) {
    this.restarts = opts.restartsBefore ?? 0;
  }

  get status(): WorkerStatus {
    const { taskQueue, tenantId } = this.opts;
    return {
      taskQueue,
      ...(tenantId ? { tenantId } : {}),
      state: this.state,
      attempt: this.state === 'running' && this.ranHealthily(Date.now() - this.runningSince) ? 0 : this.attempt,
      ...(this.state === 'restarting' && this.nextTryAt ? { nextTryAt: this.nextTryAt } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      restarts: this.restarts,
    };
  }

  /**
   * Starts supervising; resolves once the first Worker runs or its start has failed (the status then
   * says `restarting` and the supervisor keeps trying).
   */
  start(): Promise<void> {
    if (this.loop) throw new Error(`worker for ${this.opts.taskQueue} is already supervised`);
    this.state = 'restarting';
    return new Promise<void>((firstTry) => {
      this.loop = this.supervise(firstTry);
    });
  }

  /** Stops the Worker (it finishes the tasks it holds) and the supervision; resolves when both have ended. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.loop;
  }

  private async supervise(firstTry: () => void): Promise<void> {
    while (!this.stopping) {
      const startedAt = Date.now();
      try {
        this.worker = await this.opts.create();
        const run = this.worker.run();
        // Asked to stop while it was being built: it still has to run to let go of its connection.
        if (this.stopping) {
          if (this.worker.getState() === 'RUNNING') this.worker.shutdown();
        } else {
          this.state = 'running';
          this.runningSince = Date.now();
        }
        firstTry();
        await run;
        if (this.stopping) break;
        throw new Error('stopped without being asked');
      } catch (err) {
        if (this.stopping) break;
        const delay = this.failed(err, Date.now() - startedAt);
        firstTry();
        await this.pause(delay);
        if (!this.stopping) this.restarts += 1;
      }
    }
    this.state = 'stopped';
    this.nextTryAt = undefined;
    firstTry();
  }

  private ranHealthily(ranForMs: number): boolean {
    return ranForMs >= RESTART_BACKOFF.healthyAfterMs;
  }

  /** Records a failure and returns the wait before the next try. */
  private failed(err: unknown, ranForMs: number): number {
    this.attempt = this.ranHealthily(ranForMs) ? 1 : this.attempt + 1;
    this.lastError = err instanceof Error ? err.message : String(err);
    const delay = restartDelayMs(this.attempt, RESTART_BACKOFF);
    this.nextTryAt = new Date(Date.now() + delay);
    this.state = 'restarting';
    log.error(
      { component: 'worker', taskQueue: this.opts.taskQueue, attempt: this.attempt, delayMs: delay, err },
      `${this.opts.taskQueue} worker failed (${this.lastError}); restart ${this.attempt} in ${delay} ms`,
    );
    return delay;
  }

  /** Waits out the back-off; shutdown() cuts it short. */
  private async pause(delay: number): Promise<void> {
    await new Promise<void>((resume) => {
      const timer = setTimeout(resume, delay);
      this.wake = () => {
        clearTimeout(timer);
        resume();
      };
    });
    this.wake = undefined;
  }
}
