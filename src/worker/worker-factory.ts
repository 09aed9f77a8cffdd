// What builds a Temporal Worker from its options: Temporal's own Worker.create, unless a caller hands
// another (the supervision test keeps a handle on the Workers it builds).
import { Worker, type WorkerOptions } from '@temporalio/worker';

export type WorkerFactory = (options: WorkerOptions) => Promise<Worker>;

export const createTemporalWorker: WorkerFactory = (options) => Worker.create(options);
