// Runs the real Temporal server in its production shape: frontend, history, matching and worker as
// separate processes on PostgreSQL (persistence and visibility in databases of their own, schemas set
// up and upgraded by the server's sql tool), fairness on in dynamic config, ARO's namespace and
// search attributes registered, and optionally the Web UI server in front of the frontend.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { stringify } from 'yaml';
import { runCommand } from './commands';
import { createDatabaseIfMissing } from './embedded-postgres';
import { freePort, freePortBelow } from './free-port';
import { registerSearchAttributes } from './search-attributes';
import { startServerProcess, type ServerProcess } from './server-process';
import { waitForFrontend } from './temporal-dev-server';
import { ensureTemporalServer, ensureTemporalUiServer, postgresSchemaDir, type TemporalServerTools } from './temporal-server';
import { searchAttributes } from '../workflows/contracts';

const execFileAsync = promisify(execFile);

/**
 * In start order. On a fresh database the first service to start writes the cluster's metadata, and
 * services racing to do it fail: the frontend starts alone, and the others once it answers.
 */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  /** Ringpop: how the services find each other (kept in PostgreSQL in a SMALLINT column: at most 32767). */
  membership: number;
  /** Prometheus scrape endpoint (/metrics). */
  metrics: number;
}

export interface TemporalClusterPorts {
  services: Record<TemporalService, ServicePorts>;
  /** The frontend's HTTP API (Nexus callbacks, the HTTP/JSON API). */
  frontendHttp: number;
  /** The Web UI; null runs no UI. */
  ui: number | null;
}

export interface PostgresAccount {
  port: number;
  user: string;
  password: string;
}

export interface StartTemporalClusterOptions {
  tools: TemporalServerTools;
  /** The Web UI server binary; needed when ports.ui is set. */
  uiServer?: string;
  /** The server module's schema/postgresql/v12 directory. */
  schemaDir: string;
  /** The PostgreSQL (on 127.0.0.1) that holds Temporal's two databases; the account must be allowed to create databases. */
  postgres: PostgresAccount;
  /** Where the generated configuration and the services' logs go. */
  dir: string;
  ports: TemporalClusterPorts;
  namespace: string;
  /** How long each step may take to come up. Default 120 s. */
  startTimeoutMs?: number;
}

export interface RunningService {
  name: TemporalService | 'ui';
  pid: number;
  /** host:port of its gRPC API, or the UI's URL. */
  address: string;
  /** Its Prometheus endpoint (none for the UI). */
  metricsUrl: string | null;
  logFile: string;
}

export interface RunningTemporalCluster {
  /** host:port of the frontend, for TEMPORAL_ADDRESS. */
  address: string;
  namespace: string;
  uiUrl: string | null;
  services: RunningService[];
  configDir: string;
  /** Stops the UI and the services in the reverse of their start order; safe to call twice. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
export const PERSISTENCE_DATABASE = 'temporal';
export const VISIBILITY_DATABASE = 'temporal_visibility';
/** Fixed when the persistence schema is first set up: it cannot change later. */
const HISTORY_SHARDS = 4;
/**
 * Connections each service may hold to Temporal's two databases: history does most of the writing.
 * With ARO's pools beside them they fit in CLUSTER_MAX_CONNECTIONS.
 */
const POOLS: Record<TemporalService, { persistence: number; visibility: number }> = {
  history: { persistence: 20, visibility: 5 },
  matching: { persistence: 10, visibility: 2 },
  frontend: { persistence: 10, visibility: 5 },
  worker: { persistence: 5, visibility: 2 },
};
/** max_connections for a PostgreSQL that holds the cluster's databases beside ARO's (PostgreSQL's default is 100). */
export const CLUSTER_MAX_CONNECTIONS = 250;
/** How long closed workflows stay queryable. */
const RETENTION = '3 days';
/** Temporal's cluster_membership table keeps the port as SMALLINT. */
const MAX_MEMBERSHIP_PORT = 32_767;
/** Offsets from the frontend's gRPC port, after Temporal's own 7233/7234/7235/7239. */
const SERVICE_OFFSET: Record<TemporalService, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };
/** Membership ports sit this far below the gRPC ones (Temporal's 6933 below 7233). */
const MEMBERSHIP_BELOW = 300;

/**
 * The ports `npm run cluster` uses, fixed by the frontend's: services at +0/+1/+2/+6 (frontend,
 * history, matching, worker, as Temporal's 7233/7234/7235/7239), their membership ports 300 below,
 * their metrics 20 above, and the frontend's HTTP port at +10 (Temporal's 7243).
 */
export function clusterPortsFrom(frontendPort: number, uiPort: number | null): TemporalClusterPorts {
  const highest = MAX_MEMBERSHIP_PORT + MEMBERSHIP_BELOW - SERVICE_OFFSET.worker;
  if (frontendPort > highest) {
    throw new Error(`the Temporal frontend port ${frontendPort} would put membership ports above ${MAX_MEMBERSHIP_PORT}, which Temporal cannot store: choose ${highest} or lower`);
  }
  const services = Object.fromEntries(
    TEMPORAL_SERVICES.map((name) => {
      const grpc = frontendPort + SERVICE_OFFSET[name];
      return [name, { grpc, membership: grpc - MEMBERSHIP_BELOW, metrics: grpc + 20 }];
    }),
  ) as Record<TemporalService, ServicePorts>;
  return { services, frontendHttp: frontendPort + 10, ui: uiPort };
}

/** Every port from the kernel's free ones: for tests and benchmarks that run beside anything. */
export async function freeClusterPorts(withUi: boolean): Promise<TemporalClusterPorts> {
  const services = {} as Record<TemporalService, ServicePorts>;
  for (const name of TEMPORAL_SERVICES) {
    services[name] = { grpc: await freePort(), membership: await freePortBelow(MAX_MEMBERSHIP_PORT + 1), metrics: await freePort() };
  }
  return { services, frontendHttp: await freePort(), ui: withUi ? await freePort() : null };
}

/** The server's static configuration for one service, after the module's config/development-postgres12.yaml. */
function serverConfig(options: StartTemporalClusterOptions, service: TemporalService, dynamicConfigFile: string): object {
  const { postgres, ports } = options;
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${HOST}:${postgres.port}`,
      connectProtocol: 'tcp',
      user: postgres.user,
      password: postgres.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const frontend = `${HOST}:${ports.services.frontend.grpc}`;
  return {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        'postgres-default': datastore(PERSISTENCE_DATABASE, POOLS[service].persistence),
        'postgres-visibility': datastore(VISIBILITY_DATABASE, POOLS[service].visibility),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: HOST },
      // One file per service only for this: each process serves its own metrics port.
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `${HOST}:${ports.services[service].metrics}` } },
    },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((name) => [
        name,
        {
          rpc: {
            grpcPort: ports.services[name].grpc,
            membershipPort: ports.services[name].membership,
            bindOnLocalHost: true,
            ...(name === 'frontend' ? { httpPort: ports.frontendHttp } : {}),
          },
        },
      ]),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: frontend } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/**
 * Dynamic config: fairness, so that clinics share the core queue fairly (README "Operations"); the
 * dev server's visibility rate, which ARO's operators' list queries need more than the default 10/s.
 */
export const CLUSTER_DYNAMIC_CONFIG = {
  'matching.enableFairness': [{ value: true }],
  'frontend.namespaceRPS.visibility': [{ value: 100 }],
};

/** Creates Temporal's two databases when missing, then sets up and upgrades their schemas to this version's. */
async function prepareDatabases(options: StartTemporalClusterOptions): Promise<void> {
  const { postgres, tools, schemaDir } = options;
  // The sql tool reads its connection from SQL_* variables: the password stays out of process listings.
  const env = {
    ...process.env,
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: HOST,
    SQL_PORT: String(postgres.port),
    SQL_USER: postgres.user,
    SQL_PASSWORD: postgres.password,
  };
  for (const [database, schema] of [
    [PERSISTENCE_DATABASE, 'temporal'],
    [VISIBILITY_DATABASE, 'visibility'],
  ] as const) {
    await createDatabaseIfMissing({ ...postgres, database });
    // Version tables at 0.0 (a no-op once the schema is newer), then every versioned step not yet applied.
    await runCommand(tools.sql, ['--db', database, 'setup-schema', '-v', '0.0'], { env });
    await runCommand(tools.sql, ['--db', database, 'update-schema', '-d', join(schemaDir, schema, 'versioned')], { env });
  }
}

/**
 * The server's own check of a dynamic config file's keys and value types. It only warns (and exits 0),
 * and the server itself ignores a key it does not know: here a warning fails the start, so that a
 * misspelt `matching.enableFairness` cannot leave fairness silently off.
 */
export async function validateDynamicConfig(server: string, file: string): Promise<void> {
  const { stdout, stderr } = await execFileAsync(server, ['validate-dynamic-config', file]);
  const warnings = `${stdout}\n${stderr}`.split('\n').filter((line) => line.includes('warning:'));
  if (warnings.length > 0) throw new Error(`the Temporal server finds fault with its dynamic config ${file}:\n${warnings.join('\n')}`);
}

/** Registers the namespace, retried while the services are still joining. */
async function registerNamespace(address: string, namespace: string, deadline: number, exitReason: () => string | null): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    for (;;) {
      try {
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
        return;
      } catch (err) {
        if ((err as { code?: number }).code === 6 /* ALREADY_EXISTS */) return;
        const exited = exitReason();
        if (exited !== null) throw new Error(`a Temporal service ${exited} while the namespace ${namespace} was being registered`);
        if (Date.now() > deadline) throw new Error(`could not register the namespace ${namespace}: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  } finally {
    await connection.close();
  }
}

/** Registers ARO's search attributes and waits until the frontend lists them (SQL visibility maps them per namespace). */
async function registerAroSearchAttributes(address: string, namespace: string, deadline: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await registerSearchAttributes(connection, namespace);
    for (;;) {
      const listed = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = Object.values(searchAttributes).filter(({ name }) => !(name in (listed.customAttributes ?? {})));
      if (missing.length === 0) return;
      if (Date.now() > deadline) throw new Error(`search attributes ${missing.map((m) => m.name).join(', ')} are still not listed`);
      await sleep(500);
    }
  } finally {
    await connection.close();
  }
}

/**
 * Polls until history and matching answer through the frontend: a lookup of a workflow that does not
 * exist (history says NOT_FOUND) and a task queue's description (matching). Until then a start fails.
 */
async function waitForHistoryAndMatching(address: string, namespace: string, deadline: number, exitReason: () => string | null): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    for (;;) {
      try {
        await connection.workflowService
          .describeWorkflowExecution({ namespace, execution: { workflowId: 'aro-cluster-probe' } })
          .catch((err: { code?: number }) => {
            if (err.code !== 5 /* NOT_FOUND */) throw err;
          });
        await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'aro-cluster-probe' } });
        return;
      } catch (err) {
        const exited = exitReason();
        if (exited !== null) throw new Error(`a Temporal service ${exited}`);
        if (Date.now() > deadline) throw new Error(`history and matching did not answer through the frontend: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  } finally {
    await connection.close();
  }
}

async function waitForUi(url: string, deadline: number, server: ServerProcess): Promise<void> {
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    const exited = server.exitReason();
    if (exited !== null) throw new Error(`the Temporal Web UI server ${exited}:\n${server.log.join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await sleep(250);
  }
  throw new Error(`the Temporal Web UI at ${url} did not answer (last error: ${lastError})`);
}

export async function startTemporalCluster(options: StartTemporalClusterOptions): Promise<RunningTemporalCluster> {
  const { tools, ports, namespace } = options;
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const configDir = join(options.dir, 'config');
  const logDir = join(options.dir, 'logs');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  await mkdir(logDir, { recursive: true });
  await prepareDatabases(options);

  const dynamicConfigFile = join(configDir, 'dynamic-config.yaml');
  await writeFile(dynamicConfigFile, stringify(CLUSTER_DYNAMIC_CONFIG));
  await validateDynamicConfig(tools.server, dynamicConfigFile);

  const running: { service: RunningService; server: ServerProcess }[] = [];
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const { server } of [...running].reverse()) await server.stop();
    })();
    return stopping;
  };
  const exitReason = (): string | null => {
    for (const { service, server } of running) {
      const reason = server.exitReason();
      if (reason !== null) return `${service.name} ${reason}:\n${server.log.join('\n')}`;
    }
    return null;
  };

  try {
    const startService = async (name: TemporalService) => {
      const configFile = join(configDir, `${name}.yaml`);
      // It holds the database password.
      await writeFile(configFile, stringify(serverConfig(options, name, dynamicConfigFile)), { mode: 0o600 });
      const logFile = join(logDir, `temporal-${name}.log`);
      const server = startServerProcess(tools.server, ['--config-file', configFile, '--allow-no-auth', 'start', '--service', name], {
        logFile,
        stopGraceMs: 20_000,
      });
      running.push({
        server,
        service: {
          name,
          pid: server.pid ?? -1,
          address: `${HOST}:${ports.services[name].grpc}`,
          metricsUrl: `http://${HOST}:${ports.services[name].metrics}/metrics`,
          logFile,
        },
      });
    };
    const [first, ...others] = TEMPORAL_SERVICES;
    await startService(first);
    const address = `${HOST}:${ports.services.frontend.grpc}`;
    const deadline = Date.now() + timeoutMs;
    const problem = await waitForFrontend(address, 'temporal-system', timeoutMs, exitReason);
    if (problem !== null) throw new Error(`the Temporal frontend on ${address} ${problem}`);
    for (const name of others) await startService(name);
    await registerNamespace(address, namespace, deadline, exitReason);
    const served = await waitForFrontend(address, namespace, Math.max(deadline - Date.now(), 1_000), exitReason);
    if (served !== null) throw new Error(`the namespace ${namespace} is not served: ${served}`);
    await registerAroSearchAttributes(address, namespace, deadline);
    await waitForHistoryAndMatching(address, namespace, deadline, exitReason);

    let uiUrl: string | null = null;
    if (ports.ui !== null) {
      if (!options.uiServer) throw new Error('a Web UI port was given without the Web UI server binary (uiServer)');
      uiUrl = `http://${HOST}:${ports.ui}`;
      const uiConfigDir = join(configDir, 'ui');
      await mkdir(uiConfigDir, { recursive: true });
      await writeFile(
        join(uiConfigDir, 'aro.yaml'),
        stringify({ temporalGrpcAddress: address, host: HOST, port: ports.ui, enableUi: true, defaultNamespace: namespace, disableNewsFetch: true }),
      );
      const logFile = join(logDir, 'temporal-ui.log');
      const server = startServerProcess(options.uiServer, ['--root', configDir, '--config', 'ui', '--env', 'aro', 'start'], { logFile });
      running.push({ server, service: { name: 'ui', pid: server.pid ?? -1, address: uiUrl, metricsUrl: null, logFile } });
      await waitForUi(uiUrl, Date.now() + timeoutMs, server);
    }
    return { address, namespace, uiUrl, services: running.map((r) => r.service), configDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The account in a PostgreSQL connection string on 127.0.0.1 (the embedded server's). */
export function postgresAccountOf(databaseUrl: string): PostgresAccount {
  const url = new URL(databaseUrl);
  if (url.hostname !== HOST && url.hostname !== 'localhost') {
    throw new Error(`the Temporal cluster runs beside a PostgreSQL on ${HOST}, not ${url.hostname}`);
  }
  return { port: Number(url.port || 5432), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/**
 * The cluster on the PostgreSQL server of `databaseUrl` (ARO's database's server: its account creates
 * Temporal's two databases), with the pinned server, sql tool and Web UI, built first when missing.
 */
export async function startTemporalClusterBeside(
  databaseUrl: string,
  settings: Pick<StartTemporalClusterOptions, 'dir' | 'ports' | 'namespace' | 'startTimeoutMs'>,
): Promise<RunningTemporalCluster> {
  const [tools, uiServer, schemaDir] = await Promise.all([
    ensureTemporalServer(),
    settings.ports.ui === null ? undefined : ensureTemporalUiServer(),
    postgresSchemaDir(),
  ]);
  return startTemporalCluster({ ...settings, tools, uiServer, schemaDir, postgres: postgresAccountOf(databaseUrl) });
}
