// The worker process: the core worker (appointment workflows and bookkeeping on aro-core) and
// one executor worker per tenant queue (skills). `npm run worker` runs it against DATABASE_URL
// and TEMPORAL_ADDRESS; `npm run dev` runs it in-process.
import { NativeConnection, Worker } from '@temporalio/worker';
import { createBookkeepingActivities } from './src/activities';
import { createDevOutbox } from './src/activities/providers/dev-outbox';
import type { MessagingProvider } from './src/activities/providers/messaging-provider';
import { createTwilioProvider } from './src/activities/providers/twilio';
import { loadConfig, type AroConfig } from './src/config';
import { createPrisma, type Db } from './src/db/prisma';
import { credentialCipher } from './src/secrets/credential-cipher';
import { TenantWorkers } from './src/worker/tenant-workers';
import { workflowBundle } from './src/worker/workflow-bundle';

export interface RunWorkersOptions {
  config: AroConfig;
  db: Db;
  connection: NativeConnection;
  /** Messaging providers by name, beside the built-in dev outbox and Twilio. */
  providers?: Record<string, MessagingProvider>;
  /** How many workflows the core worker keeps in memory (the SDK's default when absent). */
  maxCachedWorkflows?: number;
}

export interface RunningWorkers {
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
  const core = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.ARO_CORE_TASK_QUEUE,
    workflowBundle: await workflowBundle(),
    activities: createBookkeepingActivities({ db }),
    maxCachedWorkflows: opts.maxCachedWorkflows,
  });
  const tenants = new TenantWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    deps: {
      db,
      providers,
      cipher: credentialCipher(config),
      publicUrl: config.ARO_PUBLIC_URL,
      planLimits: config.ARO_PLAN_LIMITS,
    },
    refreshMs: config.ARO_TENANT_REFRESH_MS,
  });
  await tenants.start();
  const coreDone = core.run();
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      if (core.getState() === 'RUNNING') core.shutdown();
      await Promise.all([coreDone, tenants.shutdown()]);
    })();
    return stopping;
  };
  return { tenants, done: coreDone.then(() => shutdown()), shutdown };
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is required (or run `npm run dev`)');
  const db = createPrisma(config.DATABASE_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const workers = await runWorkers({ config, db, connection });
  console.log(`[aro-worker] polling ${config.ARO_CORE_TASK_QUEUE} and ${workers.tenants.taskQueues.length} tenant queue(s)`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void workers.shutdown());
  await workers.done;
  await connection.close();
  await db.$disconnect();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
