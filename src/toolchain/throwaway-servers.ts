// Throwaway real servers for the tests and the benchmarks, each on fresh ports and a fresh
// directory: stop() removes all trace. Both can be restarted on the same port and data, which is
// what a database restart or a Temporal server restart looks like to ARO (the fault drill does).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '../db/migrate';
import { startPostgres } from './embedded-postgres';
import { freePort } from './free-port';
import { ensureTemporalCli } from './temporal-cli';
import { freeClusterPorts, startTemporalClusterBeside, type RunningTemporalCluster } from './temporal-cluster';
import { startTemporalDevServer, type RunningTemporalDevServer } from './temporal-dev-server';

export interface ThrowawayDatabase {
  databaseUrl: string;
  /** Stops the server, awaits `whileDown` (the outage a test wants), then starts it again on the same port and data. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A private temporary directory PostgreSQL (run as the `postgres` user when we are root) can enter. */
async function enterableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

/**
 * A migrated PostgreSQL database of its own, in a temporary directory deleted by stop();
 * `maxConnections` for a server that will also hold a Temporal cluster's databases.
 */
export async function startThrowawayDatabase(settings: { maxConnections?: number } = {}): Promise<ThrowawayDatabase> {
  const dir = await enterableTempDir('aro-pg-');
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const options = { dataDir: join(dir, 'data'), port: await freePort(), maxConnections: settings.maxConnections };
    let postgres = await startPostgres(options);
    try {
      await applyMigrations(postgres.databaseUrl);
    } catch (err) {
      await postgres.stop();
      throw err;
    }
    return {
      databaseUrl: postgres.databaseUrl,
      restart: async (whileDown) => {
        await postgres.stop();
        await whileDown?.();
        postgres = await startPostgres(options);
      },
      stop: async () => {
        await postgres.stop();
        await removeDir();
      },
    };
  } catch (err) {
    await removeDir();
    throw err;
  }
}

export interface ThrowawayTemporal {
  address: string;
  namespace: string;
  /** Where the server's Prometheus metrics are, when asked for with `metrics`. */
  metricsUrl?: string;
  /** The Web UI, when asked for (`ui`); null when headless. */
  uiUrl: string | null;
  /** The server process (the benchmarks read its CPU time); a restart changes it. */
  readonly pid: number;
  /** Stops the server, awaits `whileDown`, then starts it again on the same port and data (persistent servers only). */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface ThrowawayTemporalOptions {
  persistent?: boolean;
  /** Expose the server's Prometheus metrics on a free port (`metricsUrl`). */
  metrics?: boolean;
  /** Serve the Web UI on a free port, its codec at `codecEndpoint` (headless when absent). */
  ui?: { codecEndpoint?: string };
}

/**
 * The real Temporal dev server, headless unless `ui` is given, with ARO's search attributes registered:
 * in memory, or with `persistent` in a SQLite file of its own (deleted by stop()) so that it can be restarted.
 */
export async function startThrowawayTemporal(options: ThrowawayTemporalOptions = {}): Promise<ThrowawayTemporal> {
  const namespace = 'default';
  const dir = options.persistent ? await mkdtemp(join(tmpdir(), 'aro-temporal-')) : null;
  const settings = {
    cliPath: await ensureTemporalCli(),
    port: await freePort(),
    uiPort: options.ui ? await freePort() : null,
    uiCodecEndpoint: options.ui?.codecEndpoint,
    dbFile: dir === null ? null : join(dir, 'temporal.db'),
    namespace,
    metricsPort: options.metrics ? await freePort() : undefined,
  };
  const removeDir = async (): Promise<void> => {
    if (dir !== null) await rm(dir, { recursive: true, force: true });
  };
  let server: RunningTemporalDevServer;
  try {
    server = await startTemporalDevServer(settings);
  } catch (err) {
    await removeDir();
    throw err;
  }
  return {
    address: server.address,
    namespace,
    ...(settings.metricsPort === undefined ? {} : { metricsUrl: `http://127.0.0.1:${settings.metricsPort}/metrics` }),
    uiUrl: server.uiUrl,
    get pid() {
      return server.pid;
    },
    restart: async (whileDown) => {
      if (dir === null) throw new Error('an in-memory Temporal server cannot be restarted on the same data: start it with { persistent: true }');
      await server.stop();
      await whileDown?.();
      server = await startTemporalDevServer(settings);
    },
    stop: async () => {
      await server.stop();
      await removeDir();
    },
  };
}

export type ThrowawayTemporalCluster = RunningTemporalCluster;

/**
 * The real Temporal server in its production shape — frontend, history, matching and worker as four
 * processes, headless — persisting to databases of its own on `database`'s PostgreSQL server, on free
 * ports; its configuration and logs in a temporary directory deleted by stop() (the databases go
 * with the throwaway PostgreSQL).
 */
export async function startThrowawayTemporalCluster(database: ThrowawayDatabase): Promise<ThrowawayTemporalCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'aro-temporal-cluster-'));
  try {
    const cluster = await startTemporalClusterBeside(database.databaseUrl, { dir, ports: await freeClusterPorts(false), namespace: 'default' });
    return {
      ...cluster,
      stop: async () => {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
