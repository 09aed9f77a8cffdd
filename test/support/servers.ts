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
import { startTemporalDevServer } from '../../src/toolchain/temporal-dev-server';
import { ensureTestServer } from '../../src/toolchain/test-server';

export interface TestDatabase {
  databaseUrl: string;
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
    const postgres = await startPostgres({ dataDir: join(dir, 'data'), port: await freePort() });
    try {
      await applyMigrations(postgres.databaseUrl);
    } catch (err) {
      await postgres.stop();
      throw err;
    }
    return {
      databaseUrl: postgres.databaseUrl,
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
  stop(): Promise<void>;
}

/** The real Temporal dev server, in memory and headless, with ARO's search attributes registered. */
export async function startTestTemporal(): Promise<TestTemporal> {
  const namespace = 'default';
  const server = await startTemporalDevServer({
    cliPath: await ensureTemporalCli(),
    port: await freePort(),
    uiPort: null,
    dbFile: null,
    namespace,
  });
  return { address: server.address, namespace, stop: server.stop };
}

/** The SDK gives the Java server 5 seconds to listen, which a busy 2-core machine can miss: try again. */
async function startTimeSkippingServer(path: string, attempts = 10): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
    } catch (err) {
      if (attempt >= attempts || !String(err).includes('did not start within')) throw err;
    }
  }
}

/**
 * Temporal's time-skipping test server, from the Java build our toolchain provides (never a
 * download), with ARO's search attributes registered in its `default` namespace.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = await ensureTestServer();
  const env = await startTimeSkippingServer(path);
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}
