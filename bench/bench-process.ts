// One part of the benchmarked system in a process of its own, so that its memory and CPU are its own:
// ARO's API (`api`) and workers (`aro`), configured from the same environment variables as `npm run api`
// and `npm run worker`, or the bare baseline worker (`bare`). Forked by bench/processes.ts with
// --expose-gc; tells its parent when it is ready and answers `memory` requests over IPC.
import { Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startApi } from '../src/api/main';
import { loadConfig } from '../src/config';
import { createPrisma } from '../src/db/prisma';
import { aroTemporalClient } from '../src/temporal/aro-client';
import { runWorkers } from '../worker';
import * as bareActivities from './baseline/bare-activities';

export const BARE_TASK_QUEUE = 'bench-bare';

export type BenchProcessKind = 'api' | 'aro' | 'bare';

export interface HeldMemory {
  heapUsed: number;
  rss: number;
}

export type BenchProcessMessage = { type: 'ready'; url?: string } | { type: 'memory'; memory: HeldMemory };

/** Heap and RSS after full collections, so that what remains is what is held. */
function heldMemory(): HeldMemory {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('a benchmark process needs --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

interface Running {
  url?: string;
  /** Resolves when the part has stopped by itself or after stop(). */
  done: Promise<unknown>;
  stop(): Promise<void>;
}

async function startPart(kind: string, maxCachedWorkflows: number): Promise<Running> {
  const config = loadConfig();
  if (kind === 'api') {
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
    // With the pool settings `npm run api` uses (ARO_DB_POOL_SIZE, ARO_DB_ACQUIRE_TIMEOUT_MS).
    const db = createPrisma(config.DATABASE_URL, config);
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const temporal = aroTemporalClient(config, connection);
    const api = await startApi({ config, db, temporal, port: 0, host: '127.0.0.1' });
    let stopped: () => void = () => {};
    const done = new Promise<void>((resolve) => (stopped = resolve));
    return {
      url: api.url,
      done,
      stop: async () => {
        await api.close();
        await connection.close();
        await db.$disconnect();
        stopped();
      },
    };
  }
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  if (kind === 'aro') {
    if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required');
    const db = createPrisma(config.DATABASE_URL);
    const workers = await runWorkers({ config, db, connection, maxCachedWorkflows });
    return {
      done: workers.done,
      stop: async () => {
        await workers.shutdown();
        await connection.close();
        await db.$disconnect();
      },
    };
  }
  if (kind === 'bare') {
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: BARE_TASK_QUEUE,
      workflowsPath: require.resolve('./baseline/bare-workflows'),
      activities: bareActivities,
      maxCachedWorkflows,
    });
    const done = worker.run();
    return {
      done,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done;
        await connection.close();
      },
    };
  }
  throw new Error(`unknown part ${JSON.stringify(kind)}: api, aro or bare`);
}

async function main(kind: string, maxCachedWorkflows: number): Promise<void> {
  const part = await startPart(kind, maxCachedWorkflows);
  const send = (message: BenchProcessMessage) => process.send?.(message);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'memory') send({ type: 'memory', memory: heldMemory() });
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= part.stop());
  // The parent going away (even killed) ends this process too: the benchmark leaves nothing behind.
  process.on('disconnect', () => void stop());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop());
  send({ type: 'ready', url: part.url });
  await part.done;
  await stop();
  process.exit(0);
}

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3])).catch((err) => {
    console.error(`[bench ${process.argv[2]}]`, err);
    process.exit(1);
  });
}
