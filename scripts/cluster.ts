// `npm run cluster`: ARO in its production shape on this machine — the embedded PostgreSQL holding ARO's
// database and Temporal's two, the real Temporal server as four service processes (frontend, history,
// matching, worker) with fairness on, its Web UI, and ARO's API and worker processes, each supervised
// (restarted when it exits on its own). Writes where everything is to .data/cluster.json; Ctrl-C stops
// everything, ARO first, PostgreSQL last.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../src/config';
import { applyMigrations } from '../src/db/migrate';
import { createPrisma } from '../src/db/prisma';
import { generatePayloadKey } from '../src/temporal/payload-codec';
import { devOperatorKey } from '../src/tenants/operator-key';
import { SupervisedAroProcess } from '../src/toolchain/aro-processes';
import { startPostgres } from '../src/toolchain/embedded-postgres';
import { CLUSTER_MAX_CONNECTIONS, clusterPortsFrom, startTemporalClusterBeside, type RunningService } from '../src/toolchain/temporal-cluster';
import { TEMPORAL_SERVER_VERSION, TEMPORAL_UI_SERVER_VERSION } from '../src/toolchain/temporal-server';
import { demoTenant, previousState, type LocalState } from './demo-tenant';
import { portSetting, sharedLocalSettings } from './local-settings';
import { stopInOrderOnSignals } from './stop-in-order';

/** Settings of the cluster's own servers; ARO's processes read theirs from src/config.ts. */
const clusterSettings = z.object({
  ARO_CLUSTER_PG_PORT: portSetting.default(5434),
  // Not 7233/8233/3000: `npm run dev` may run beside the cluster.
  ARO_CLUSTER_TEMPORAL_PORT: portSetting.default(7333),
  ARO_CLUSTER_TEMPORAL_UI_PORT: portSetting.default(8333),
  ARO_CLUSTER_API_PORT: portSetting.default(3100),
  ARO_CLUSTER_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  ...sharedLocalSettings,
});
const settings = clusterSettings.parse(process.env);
const DATA_DIR = path.resolve(settings.ARO_DEV_DATA_DIR);
const CLUSTER_DIR = path.join(DATA_DIR, 'cluster');
const LOG_DIR = path.join(CLUSTER_DIR, 'logs');
const STATE_FILE = path.join(DATA_DIR, 'cluster.json');

interface AroProcessState {
  name: string;
  pid: number | undefined;
  url: string;
  logFile: string;
}

interface ClusterState extends LocalState {
  /** ARO_PAYLOAD_KEYS: generated once and kept here, as workflows written under a key need it to be read. */
  payloadKeys: string;
  temporal: { version: string; uiVersion: string; configDir: string; services: RunningService[] };
  /** The API and the workers: each worker answers /healthz, /readyz and /metrics on its own port. */
  aro: AroProcessState[];
}

async function main(): Promise<void> {
  const { stops, stopAll } = stopInOrderOnSignals('aro-cluster');
  try {
    await mkdir(LOG_DIR, { recursive: true, mode: 0o755 });
    const pg = await startPostgres({
      dataDir: path.join(CLUSTER_DIR, 'postgres'),
      port: settings.ARO_CLUSTER_PG_PORT,
      maxConnections: CLUSTER_MAX_CONNECTIONS,
    });
    stops.push(pg.stop);
    const databaseUrl = pg.databaseUrl;
    const applied = await applyMigrations(databaseUrl);
    if (applied.length > 0) console.log(`[aro-cluster] applied migrations: ${applied.join(', ')}`);

    const namespace = loadConfig({ ...process.env, DATABASE_URL: databaseUrl }).TEMPORAL_NAMESPACE;
    console.log('[aro-cluster] starting the Temporal services (the first run builds the server, which takes minutes)');
    const temporal = await startTemporalClusterBeside(databaseUrl, {
      // Its configuration goes to config/, its services' logs beside ARO's in logs/.
      dir: CLUSTER_DIR,
      ports: clusterPortsFrom(settings.ARO_CLUSTER_TEMPORAL_PORT, settings.ARO_CLUSTER_TEMPORAL_UI_PORT),
      namespace,
    });
    stops.push(temporal.stop);

    const previous = await previousState<ClusterState>(STATE_FILE);
    const operatorKey = devOperatorKey(process.env.ARO_OPERATOR_KEY, previous.operatorKey);
    const payloadKeys = process.env.ARO_PAYLOAD_KEYS || previous.payloadKeys || generatePayloadKey('cluster-1');
    const db = createPrisma(databaseUrl);
    const tenant = await demoTenant(db, settings.ARO_DEV_DEMO_TIMEZONE, previous.demoTenant?.apiKey).finally(() => db.$disconnect());

    const env = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: namespace,
      ARO_OPERATOR_KEY: operatorKey,
      ARO_PAYLOAD_KEYS: payloadKeys,
      ARO_API_PORT: String(settings.ARO_CLUSTER_API_PORT),
      // Patients' replies can be played through POST /dev/inbound, as under `npm run dev`.
      ARO_DEV_MODE: '1',
    };
    const apiUrl = `http://127.0.0.1:${settings.ARO_CLUSTER_API_PORT}`;
    const api = new SupervisedAroProcess('api', env, LOG_DIR);
    const aro: { part: SupervisedAroProcess; url: string }[] = [{ part: api, url: apiUrl }];
    for (let i = 1; i <= settings.ARO_CLUSTER_WORKERS; i++) {
      const httpPort = settings.ARO_CLUSTER_API_PORT + i;
      aro.push({
        part: new SupervisedAroProcess('worker', { ...env, ARO_WORKER_HTTP_PORT: String(httpPort) }, LOG_DIR, `worker-${i}`),
        url: `http://127.0.0.1:${httpPort}`,
      });
    }
    for (const { part } of aro) stops.push(() => part.stop());
    await Promise.all(aro.map(({ part }) => part.start()));

    const state: ClusterState = {
      apiUrl,
      temporalAddress: temporal.address,
      temporalUiUrl: temporal.uiUrl,
      databaseUrl,
      operatorKey,
      payloadKeys,
      demoTenant: tenant,
      temporal: { version: TEMPORAL_SERVER_VERSION, uiVersion: TEMPORAL_UI_SERVER_VERSION, configDir: temporal.configDir, services: temporal.services },
      aro: aro.map(({ part, url }) => ({ name: part.name, pid: part.pid, url, logFile: path.join(LOG_DIR, `${part.name}.log`) })),
    };
    await writeFile(STATE_FILE, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    const shown = (file: string) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
    console.log(
      [
        '',
        'ARO is running on a Temporal cluster (Ctrl-C stops it):',
        `  API             ${apiUrl}   (dev replies: POST ${apiUrl}/dev/inbound/${tenant.id})`,
        ...aro.slice(1).map(({ part, url }) => `  ${part.name.padEnd(15)} pid ${part.pid}, probes and metrics on ${url}`),
        `  Temporal        ${temporal.address}   (server ${TEMPORAL_SERVER_VERSION}, fairness on)`,
        ...temporal.services.map((s) => `    ${s.name.padEnd(13)} ${s.address}${s.metricsUrl ? `   metrics ${s.metricsUrl}` : ''}   (pid ${s.pid})`),
        `  PostgreSQL      ${databaseUrl}   (+ databases temporal, temporal_visibility)`,
        `  GraphQL         ${apiUrl}/graphql   (operator key ${operatorKey})`,
        `  demo tenant     ${tenant.id} (${tenant.timeZone})`,
        `    API key         ${tenant.apiKey}`,
        `    webhook secret  ${tenant.webhookSecret}`,
        `  logs            ${shown(LOG_DIR)}`,
        `  all of it in    ${shown(STATE_FILE)}`,
        `  book a demo appointment: node dist/scripts/demo-booking.js --cluster +14155550123`,
        '',
      ].join('\n'),
    );
  } catch (err) {
    console.error(`[aro-cluster] ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    await stopAll();
    process.exit(1);
  }
}

void main();
