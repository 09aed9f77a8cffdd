// ARO deployed on the real Temporal cluster, for the horizontal-scale suite: a throwaway PostgreSQL
// holding ARO's database and Temporal's two, the four Temporal services, and ARO's API and worker
// processes (each `node dist/...` under its supervisor) on free ports. stop() tears all of it down.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPrisma, type Db } from '../../src/db/prisma';
import { SupervisedAroProcess } from '../../src/toolchain/aro-processes';
import { freePort } from '../../src/toolchain/free-port';
import { CLUSTER_MAX_CONNECTIONS } from '../../src/toolchain/temporal-cluster';
import { TEST_PAYLOAD_SETTINGS, testDataConverter } from './payload-keys';
import { startTestDatabase, startTestTemporalCluster, type TestDatabase, type TestTemporalCluster } from './servers';

export interface AroCluster {
  apiUrl: string;
  db: Db;
  temporal: Client;
  api: SupervisedAroProcess;
  /** Every worker process started so far, killed ones included, in start order. */
  workers: SupervisedAroProcess[];
  /** Starts one more worker process (worker-<n>) and resolves once it polls. */
  addWorker(): Promise<SupervisedAroProcess>;
  /** The processes' logs. */
  logDir: string;
  stop(): Promise<void>;
}

export async function startAroCluster(workerCount: number, settings: Record<string, string> = {}): Promise<AroCluster> {
  const logDir = await mkdtemp(join(tmpdir(), 'aro-cluster-'));
  let database: TestDatabase | undefined;
  let cluster: TestTemporalCluster | undefined;
  let db: Db | undefined;
  let connection: Connection | undefined;
  const processes: SupervisedAroProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await connection?.close();
    await db?.$disconnect();
    await cluster?.stop();
    await database?.stop();
    await rm(logDir, { recursive: true, force: true });
  };
  try {
    database = await startTestDatabase({ maxConnections: CLUSTER_MAX_CONNECTIONS });
    cluster = await startTestTemporalCluster(database);
    const apiPort = await freePort();
    const env = {
      DATABASE_URL: database.databaseUrl,
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_NAMESPACE: cluster.namespace,
      ARO_API_PORT: String(apiPort),
      ARO_DEV_MODE: '1',
      ARO_TENANT_REFRESH_MS: '500',
      ARO_LOG_LEVEL: 'warn',
      ...TEST_PAYLOAD_SETTINGS,
      ...settings,
    };
    const workers: SupervisedAroProcess[] = [];
    const addWorker = async () => {
      const name = `worker-${workers.length + 1}`;
      const worker = new SupervisedAroProcess('worker', { ...env, ARO_WORKER_HTTP_PORT: String(await freePort()) }, logDir, name);
      workers.push(worker);
      processes.push(worker);
      await worker.start();
      return worker;
    };
    const api = new SupervisedAroProcess('api', env, logDir);
    processes.push(api);
    await Promise.all([api.start(), ...Array.from({ length: workerCount }, () => addWorker())]);
    db = createPrisma(database.databaseUrl);
    connection = await Connection.connect({ address: cluster.address });
    const temporal = new Client({ connection, namespace: cluster.namespace, dataConverter: testDataConverter() });
    return { apiUrl: `http://127.0.0.1:${apiPort}`, db, temporal, api, workers, addWorker, logDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
