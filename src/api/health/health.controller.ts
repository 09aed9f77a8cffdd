// GET /healthz (the process answers) and GET /readyz (it can reach PostgreSQL and Temporal, and the
// workers in this process, if any, all run).
import { Controller, Get, HttpStatus, Inject, Logger, Optional, Res } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { ServerResponse } from 'node:http';
import type { Db } from '../../db/prisma';
import type { WorkerStatuses } from '../../worker/supervised-worker';
import { workerReadiness } from '../../worker/worker-readiness';
import { DB, TEMPORAL_CLIENT } from '../tokens';
import { WORKER_STATUSES } from './worker-statuses.token';

/** A probe that waits longer than this is as good as failed; orchestrators time out probes too. */
const CHECK_TIMEOUT_MS = 3_000;

type CheckResult = 'ok' | 'failed';

@Controller()
export class HealthController {
  private readonly logger = new Logger('readiness');

  constructor(
    @Inject(DB) private readonly db: Db,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Optional() @Inject(WORKER_STATUSES) private readonly workers?: WorkerStatuses,
  ) {}

  @Get('healthz')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readiness(@Res({ passthrough: true }) res: ServerResponse) {
    const [database, temporal] = await Promise.all([
      this.check('database', () => this.db.$queryRaw`select 1`),
      this.check('temporal', () =>
        this.temporal.connection.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          this.temporal.connection.workflowService.getSystemInfo({}),
        ),
      ),
    ]);
    // Errors stay in the log here too: this probe is public, the worker process's port is not.
    const workers = this.workers && workerReadiness(this.workers.statuses(), { withErrors: false });
    const ready = database === 'ok' && temporal === 'ok' && (workers?.ready ?? true);
    res.statusCode = ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
    return {
      status: ready ? 'ok' : 'unavailable',
      checks: { database, temporal, ...(workers ? { workers: workers.ready ? 'ok' : 'failed' } : {}) },
      ...(workers ? { queues: workers.queues } : {}),
    };
  }

  private async check(name: string, probe: () => Promise<unknown>): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([probe(), timeout]);
      return 'ok';
    } catch (err) {
      // The reason goes to the log only: a probe's answer is public, connection details are not.
      this.logger.warn(`${name} is not reachable: ${err instanceof Error ? err.message : String(err)}`);
      return 'failed';
    } finally {
      clearTimeout(timer);
    }
  }
}
