// Under `npm run dev` the workers run in the API's process: their metrics join the API's /metrics.
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { WorkerStatuses } from '../../worker/supervised-worker';
import { registerWorkerMetrics } from '../../worker/worker-metrics';
import { WORKER_STATUSES } from '../health/worker-statuses.token';
import { ApiMetrics } from './api-metrics';

@Injectable()
export class WorkerQueueMetrics {
  constructor(metrics: ApiMetrics, @Optional() @Inject(WORKER_STATUSES) workers?: WorkerStatuses) {
    if (workers) registerWorkerMetrics(metrics.registry, workers);
  }
}
