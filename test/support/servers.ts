// Real servers for tests, each on fresh ports and (for PostgreSQL) a fresh directory: stop() removes all trace.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { applyMigrations } from '../../src/db/migrate';
import { startPostgres } from '../../src/toolchain/embedded-postgres';
import { freePort } from '../../src/toolchain/free-port';
import { registerSearchAttributes } from '../../src/toolchain/search-attributes';
import { ensureTemporalCli } from '../../src/toolchain/temporal-cli';
import { startTemporalDevServer, type RunningTemporalDevServer } from '../../src/toolchain/temporal-dev-server';
import { ensureTestServer } from '../../src/toolchain/test-server';

export interface TestDatabase {
  databaseUrl: string;
  /**
   * Stops the server, awaits `whileDown` (the outage a test wants), then starts it again on the
   * same port and data: what a database restart or failover looks like to ARO.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A migrated PostgreSQL database of its own, in a temporary directory deleted by stop(). */
export async function startTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'aro-pg-'));
  // mkdtemp makes the directory private to us; when we run as root, PostgreSQL runs as the
  // `postgres` user and must be able to enter it.
  await chmod(dir, 0o755);
  const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const options = { dataDir: join(dir, 'data'), port: await freePort() };
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

export interface TestTemporal {
  address: string;
  namespace: string;
  /**
   * Stops the server, awaits `whileDown`, then starts it again on the same port and data. Only a
   * persistent server can: an in-memory one would come back empty.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real Temporal dev server, headless, with ARO's search attributes registered: in memory, or
 * with `persistent` in a SQLite file of its own (deleted by stop()) so that it can be restarted.
 */
export async function startTestTemporal(options: { persistent?: boolean } = {}): Promise<TestTemporal> {
  const namespace = 'default';
  const dir = options.persistent ? await mkdtemp(join(tmpdir(), 'aro-temporal-')) : null;
  const settings = {
    cliPath: await ensureTemporalCli(),
    port: await freePort(),
    uiPort: null,
    dbFile: dir === null ? null : join(dir, 'temporal.db'),
    namespace,
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

/**
 * Temporal's time-skipping test server, from the Java build our toolchain provides (never a
 * download), with ARO's search attributes registered in its `default` namespace.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}
