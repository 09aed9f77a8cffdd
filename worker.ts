// The worker process: the core worker (appointment workflows and bookkeeping on aro-core) and
// one executor worker per tenant queue (skills). `npm run worker` runs it against DATABASE_URL
// and TEMPORAL_ADDRESS; `npm run dev` runs it in-process. Every Worker is supervised (restarted
// when it fails); the process answers probes and scrapes on ARO_WORKER_HTTP_PORT, logs JSON lines and,
// when configured, exports traces.
import { NativeConnection } from '@temporalio/worker';
import { createBookkeepingActivities } from './src/activities';
import { createDevOutbox } from './src/activities/providers/dev-outbox';
import type { MessagingProvider } from './src/activities/providers/messaging-provider';
import { createTwilioProvider } from './src/activities/providers/twilio';
import { loadConfig, type AroConfig } from './src/config';
import { createPrisma, type Db } from './src/db/prisma';
import { credentialCipher } from './src/secrets/credential-cipher';
import { log, setLogLevel } from './src/telemetry/logger';
import { installTemporalRuntime } from './src/telemetry/temporal-runtime';
import { startTracing, tracedWorkers, type Tracing } from './src/telemetry/tracing';
import { aroDataConverter, requirePayloadEncryption } from './src/temporal/data-converter';
import { SupervisedWorker, type WorkerStatuses } from './src/worker/supervised-worker';
import { TenantWorkers } from './src/worker/tenant-workers';
import { createTemporalWorker, type WorkerFactory } from './src/worker/worker-factory';
import { startWorkerHttp } from './src/worker/worker-http';
import { workflowBundle } from './src/worker/workflow-bundle';

/**
 * Workflow tasks the core worker holds at once (the SDK's default is 40). A lifecycle step records
 * itself in a local activity, and its workflow task holds a slot until the record is written: with
 * 40, a reminder storm's tasks waited for slots held by records (1,000 reminders due at once on the dev
 * server: workflow task schedule-to-start p99 19 s; with 200, 7 s, and the drain rate from 50 to 65 a
 * second). A slot costs nothing while the worker is idle.
 */
const CORE_WORKFLOW_TASK_SLOTS = 200;

export interface RunWorkersOptions {
  config: AroConfig;
  db: Db;
  connection: NativeConnection;
  /** Messaging providers by name, beside the built-in dev outbox and Twilio. */
  providers?: Record<string, MessagingProvider>;
  /** How many workflows the core worker keeps in memory (the SDK's default when absent). */
  maxCachedWorkflows?: number;
  /** Builds each Worker; Temporal's Worker.create unless given. */
  createWorker?: WorkerFactory;
  /** Where the workers' spans go; absent, none are exported. */
  tracing?: Tracing;
}

export interface RunningWorkers extends WorkerStatuses {
  tenants: TenantWorkers;
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function runWorkers(opts: RunWorkersOptions): Promise<RunningWorkers> {
  const { config, db, connection } = opts;
  const providers = {
    dev: createDevOutbox(),
    twilio: createTwilioProvider({ apiBaseUrl: config.ARO_TWILIO_API_URL, timeoutMs: config.ARO_TWILIO_TIMEOUT_MS }),
    ...opts.providers,
  };
  const createWorker = tracedWorkers(opts.createWorker ?? createTemporalWorker, opts.tracing);
  const dataConverter = aroDataConverter(config);
  const bundle = await workflowBundle({ traced: opts.tracing !== undefined });
  const core = new SupervisedWorker({
    taskQueue: config.ARO_CORE_TASK_QUEUE,
    create: () =>
      createWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.ARO_CORE_TASK_QUEUE,
        workflowBundle: bundle,
        dataConverter,
        activities: createBookkeepingActivities({ db }),
        maxCachedWorkflows: opts.maxCachedWorkflows,
        maxConcurrentWorkflowTaskExecutions: CORE_WORKFLOW_TASK_SLOTS,
      }),
  });
  await core.start();
  if (core.status.state !== 'running') {
    // At start-up a failure is most likely the settings (address, namespace): say so at once.
    await core.shutdown();
    throw new Error(`the core worker on ${config.ARO_CORE_TASK_QUEUE} did not start: ${core.status.lastError}`);
  }
  const tenants = new TenantWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter,
    deps: {
      db,
      providers,
      cipher: credentialCipher(config),
      publicUrl: config.ARO_PUBLIC_URL,
      planLimits: config.ARO_PLAN_LIMITS,
      tenantCacheTtlMs: config.ARO_TENANT_CACHE_TTL_MS,
    },
    refreshMs: config.ARO_TENANT_REFRESH_MS,
    createWorker,
    shard: { count: config.ARO_TENANT_SHARDS, index: config.ARO_TENANT_SHARD },
    pools: config.ARO_TENANT_POOLS,
    poolMaxConcurrentActivities: config.ARO_POOL_MAX_CONCURRENT_ACTIVITIES,
  });
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= Promise.all([core.shutdown(), tenants.shutdown()]).then(() => stopped());
    return stopping;
  };
  try {
    await tenants.start();
  } catch (err) {
    await shutdown();
    throw err;
  }
  return { tenants, done, shutdown, statuses: () => [core.status, ...tenants.statuses()] };
}

async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.ARO_LOG_LEVEL);
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (or run `npm run dev`)');
  requirePayloadEncryption(config);
  const db = createPrisma(config.DATABASE_URL);
  const sdkMetrics = await installTemporalRuntime(config);
  const tracing = startTracing(config, 'aro-worker');
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const workers = await runWorkers({ config, db, connection, tracing });
  const http = await startWorkerHttp({ workers, sdkMetrics, port: config.ARO_WORKER_HTTP_PORT });
  log.info(
    { component: 'worker', taskQueues: [config.ARO_CORE_TASK_QUEUE, ...workers.tenants.taskQueues], url: http.url },
    `polling ${config.ARO_CORE_TASK_QUEUE} and ${workers.tenants.taskQueues.length} skill queue(s) (shard ${config.ARO_TENANT_SHARD} of ${config.ARO_TENANT_SHARDS}); probes and metrics on ${http.url}`,
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void workers.shutdown());
  await workers.done;
  await http.close();
  await tracing?.shutdown();
  await connection.close();
  await db.$disconnect();
}

if (require.main === module) {
  main().catch((err) => {
    log.fatal({ component: 'worker', err }, 'the worker stopped');
    process.exit(1);
  });
}
