// ARO running as in production for a test suite: a real PostgreSQL, the real Temporal dev server,
// the workers and the API on a free port, with settings the suite chooses. stop() tears all of it down.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startApi, type RunningApi } from '../../src/api/main';
import { loadConfig, type AroConfig } from '../../src/config';
import { createPrisma, type Db } from '../../src/db/prisma';
import type { WorkerFactory } from '../../src/worker/worker-factory';
import { runWorkers, type RunningWorkers } from '../../worker';
import { aroTemporalClient } from '../../src/temporal/aro-client';
import { TEST_PAYLOAD_SETTINGS } from './payload-keys';
import { startTestDatabase, startTestTemporal, type TestDatabase, type TestTemporal } from './servers';

export interface AroStack {
  url: string;
  config: AroConfig;
  databaseUrl: string;
  db: Db;
  temporal: Client;
  /** The Temporal Web UI (with the `temporalUi` option), else null. */
  temporalUiUrl: string | null;
  workers: RunningWorkers;
  stop(): Promise<void>;
}

export interface AroStackOptions {
  /** Builds the workers' Temporal Workers (the supervision suite keeps a handle on them). */
  createWorker?: WorkerFactory;
  /** The API's /readyz and /metrics cover the workers, as under `npm run dev`. */
  apiCoversWorkers?: boolean;
  /** Serve Temporal's Web UI, decoding payloads through `codecEndpoint` (the stack's own /codec needs a fixed ARO_API_PORT). */
  temporalUi?: { codecEndpoint: string };
}

export async function startAroStack(settings: Record<string, string> = {}, options: AroStackOptions = {}): Promise<AroStack> {
  let database: TestDatabase | undefined;
  let temporalServer: TestTemporal | undefined;
  let db: Db | undefined;
  let connection: Connection | undefined;
  let nativeConnection: NativeConnection | undefined;
  let workers: RunningWorkers | undefined;
  let api: RunningApi | undefined;
  const stop = async () => {
    await api?.close();
    await workers?.shutdown();
    await nativeConnection?.close();
    await connection?.close();
    await db?.$disconnect();
    await temporalServer?.stop();
    await database?.stop();
  };
  try {
    [database, temporalServer] = await Promise.all([startTestDatabase(), startTestTemporal({ ui: options.temporalUi })]);
    db = createPrisma(database.databaseUrl);
    const config = loadConfig({
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      ARO_TENANT_REFRESH_MS: '200',
      ARO_LOG_LEVEL: 'error',
      ...TEST_PAYLOAD_SETTINGS,
      // The stack's own Web UI may call its codec from the browser.
      ...(temporalServer.uiUrl ? { ARO_CODEC_CORS_ORIGINS: temporalServer.uiUrl } : {}),
      ...settings,
    });
    connection = await Connection.connect({ address: temporalServer.address });
    const temporal = aroTemporalClient(config, connection);
    nativeConnection = await NativeConnection.connect({ address: temporalServer.address });
    workers = await runWorkers({ config, db, connection: nativeConnection, createWorker: options.createWorker });
    // A free port unless the suite fixed one (e.g. to build ARO_PUBLIC_URL before starting).
    const port = settings.ARO_API_PORT ? config.ARO_API_PORT : 0;
    api = await startApi({ config, db, temporal, ...(options.apiCoversWorkers ? { workers } : {}), port, host: '127.0.0.1' });
    return { url: api.url, config, databaseUrl: database.databaseUrl, db, temporal, temporalUiUrl: temporalServer.uiUrl, workers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
